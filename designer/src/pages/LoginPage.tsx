import { useEffect, useState } from 'react';
import { api, ApiError, type Me, setCsrf } from '../api';
import { t } from '../i18n';

/** Log in with county, username and password. */
export default function LoginPage({ onLogin }: { onLogin: (me: Me) => void }) {
  const [counties, setCounties] = useState<{ code: string; name: string }[]>([]);
  const [county, setCounty] = useState(localStorage.getItem('cf_county') ?? '');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    api<{ code: string; name: string }[]>('GET', '/api/counties').then((list) => {
      setCounties(list);
      setCounty((c) => c || list[0]?.code || '');
    }, () => setError(t('loginPage.cannotReachTheServer')));
  }, []);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    try {
      const { csrfToken } = await api<{ csrfToken: string }>('POST', '/api/session', { county, username, password });
      setCsrf(csrfToken);
      localStorage.setItem('cf_county', county);
      onLogin(await api<Me>('GET', '/api/me'));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
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
      <button type="submit" className="primary">{t('app.login')}</button>
    </form>
  );
}
