import { useState } from 'react';
import { api, errorText } from '../api';
import { t } from '../i18n';

/**
 * 账号安全: change one's own password (required after an initial or reset password: then it is
 * the only page), and sign out on every device.
 */
export default function PasswordPage({ forced, onChanged, onSignedOut }: { forced: boolean; onChanged: () => void; onSignedOut: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [done, setDone] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    if (next !== again) return setError(t('passwordPage.notTheSame'));
    try {
      await api('PUT', '/api/me/password', { current, next });
      setDone(true);
      setCurrent('');
      setNext('');
      setAgain('');
      onChanged();
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section className="card password-page">
      <h1>{forced ? t('passwordPage.mustChangeTitle') : t('passwordPage.title')}</h1>
      {forced && <p className="banner warn" role="status">{t('passwordPage.mustChangeWhy')}</p>}
      <form onSubmit={submit}>
        <label>{forced ? t('passwordPage.oneTime') : t('passwordPage.current')}<input name="current" type="password" autoComplete="current-password" value={current} onChange={(e) => setCurrent(e.target.value)} required /></label>
        <label>{t('passwordPage.next')}<input name="next" type="password" autoComplete="new-password" value={next} onChange={(e) => setNext(e.target.value)} required aria-describedby="password-rules" /></label>
        <p id="password-rules" className="help-block">{t('passwordPage.rules')}</p>
        <label>{t('passwordPage.again')}<input name="again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} required /></label>
        {error && <p className="error" role="alert">{error}</p>}
        {done && <p className="banner" role="status">{t('passwordPage.changed')}</p>}
        <button type="submit" className="primary">{t('passwordPage.change')}</button>
      </form>
      {!forced && (
        <div className="sign-out-everywhere">
          <h2>{t('passwordPage.devices')}</h2>
          <p className="muted">{t('passwordPage.devicesWhy')}</p>
          <button onClick={() => void api('DELETE', '/api/sessions').then(onSignedOut, (e: unknown) => setError(errorText(e)))}>{t('passwordPage.signOutEverywhere')}</button>
        </div>
      )}
    </section>
  );
}
