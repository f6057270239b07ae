import { useEffect, useState } from 'react';
import { api, ApiError, type Me, setCsrf } from '../api';
import { t } from '../i18n';

/** The counties' single sign-on buttons, and the message for each code a sign-on can come back with. */
interface SsoOffer {
  providers: { county: string; id: string; label: string }[];
  messages: Record<string, string>;
}

/** Where a sign-on that was refused came back with its code: `#/login?sso_error=CF_…`. */
const ssoErrorCode = () => new URLSearchParams(location.hash.split('?')[1] ?? '').get('sso_error');

/** Log in with county, username and password, or through the county's identity provider (single sign-on). */
export default function LoginPage({ onLogin }: { onLogin: (me: Me) => void }) {
  const [counties, setCounties] = useState<{ code: string; name: string }[]>([]);
  const [county, setCounty] = useState(localStorage.getItem('cf_county') ?? '');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [sso, setSso] = useState<SsoOffer | null>(null);
  const [ssoError, setSsoError] = useState(ssoErrorCode);
  useEffect(() => {
    api<SsoOffer>('GET', '/api/sso/providers').then(setSso, () => setSso({ providers: [], messages: {} }));
  }, []);
  useEffect(() => {
    api<{ code: string; name: string }[]>('GET', '/api/counties').then((list) => {
      setCounties(list);
      setCounty((c) => c || list[0]?.code || '');
    }, () => setError(t('loginPage.cannotReachTheServer')));
  }, []);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    setSsoError(null);
    try {
      const { csrfToken } = await api<{ csrfToken: string }>('POST', '/api/session', { county, username, password });
      setCsrf(csrfToken);
      localStorage.setItem('cf_county', county);
      onLogin(await api<Me>('GET', '/api/me'));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const buttons = sso?.providers.filter((p) => p.county === county) ?? [];
  return (
    <form className="card login" onSubmit={submit}>
      <h1>{t('app.appName')}</h1>
      <label>{t('app.county')}
        <select value={county} onChange={(e) => setCounty(e.target.value)} name="county">
          {counties.map((c) => <option key={c.code} value={c.code}>{t('loginPage.countyOption', { name: c.name, code: c.code })}</option>)}
        </select>
      </label>
      <label>{t('app.username')}<input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required /></label>
      <label>{t('app.password')}<input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
      {error && <p className="error" role="alert">{error}</p>}
      {!error && ssoError && sso && <p className="error" role="alert">{sso.messages[ssoError] ?? t('loginPage.ssoFailed')}</p>}
      <button type="submit" className="primary">{t('app.login')}</button>
      {buttons.length > 0 && <p className="muted">{t('loginPage.orSignOnWith')}</p>}
      {buttons.map((p) => (
        <a key={p.id} className="button sso-button" href={`/api/sso/${county}/login?provider=${encodeURIComponent(p.id)}`} onClick={() => localStorage.setItem('cf_county', county)}>{p.label}</a>
      ))}
    </form>
  );
}
