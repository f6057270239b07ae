import { lazy, StrictMode, Suspense, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, ApiError, type Me, setCsrf } from './api';
import { t, toggleLanguage } from './i18n';
import { flush, onOutboxChange, pending } from './outbox';
import { startServiceWorker } from './serviceWorker';
import './styles.css';

// Split by audience: a cadre opening a case never downloads the dashboard (or, later, the editor).
const LoginPage = lazy(() => import('./pages/LoginPage'));
const TasksPage = lazy(() => import('./pages/TasksPage'));
const CasePage = lazy(() => import('./pages/CasePage'));
const StartPage = lazy(() => import('./pages/StartPage'));
const DashboardPage = lazy(() => import('./pages/DashboardPage'));
const AuthorPage = lazy(() => import('./author/AuthorPage'));

/** The signed-in user as last seen, for opening the app without signal. */
const ME_KEY = 'cf_me';

/** The current hash route: `#/cases/abc?x=1` → ['cases', 'abc'] and its query. */
function useRoute(): { parts: string[]; query: URLSearchParams } {
  const read = () => {
    const [path = '', q = ''] = location.hash.replace(/^#\/?/, '').split('?');
    return { parts: path.split('/').filter(Boolean), query: new URLSearchParams(q) };
  };
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => setRoute(read());
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

function App() {
  const route = useRoute();
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [waiting, setWaiting] = useState(pending().filter((p) => !p.error).length);
  useEffect(() => onOutboxChange(() => setWaiting(pending().filter((p) => !p.error).length)), []);
  useEffect(() => {
    if (route.parts[0] === 'login') return;
    api<Me>('GET', '/api/me').then((m) => {
      // The session's CSRF token comes with it: a second tab or a reopened browser can write too.
      setCsrf(m.csrfToken);
      localStorage.setItem(ME_KEY, JSON.stringify(m));
      setMe(m);
      void flush();
    }, (e: unknown) => {
      // Without signal the session is still good: carry on as the user we last saw (forms go to the outbox).
      const known = localStorage.getItem(ME_KEY);
      if (e instanceof ApiError && e.status === 0 && known) setMe(JSON.parse(known) as Me);
      else setMe(null);
    });
  }, [route.parts[0]]);

  const page = route.parts[0] ?? 'tasks';
  if (page === 'login' || me === null) return <Suspense fallback={<p className="muted">{t('loading')}</p>}><LoginPage onLogin={(m) => { setMe(m); location.hash = '#/tasks'; }} /></Suspense>;
  if (me === undefined) return <p className="muted pad">{t('loading')}</p>;
  const supervisor = me.grants.some((g) => g.level === 'county' || g.level === 'township');
  const author = me.grants.some((g) => g.role === 'author');
  const nav = [['tasks', t('tasks')], ['start', t('start')], ...(supervisor ? [['dashboard', t('dashboard')]] : []), ...(author ? [['author', t('author')]] : [])] as const;
  return (
    <div className={['author', 'tasks', 'dashboard'].includes(page) ? 'app wide' : 'app'}>
      <header className="top">
        <strong>{t('appName')}</strong>
        <span className="who">{me.county.name} · {me.name}</span>
        <button className="link" onClick={toggleLanguage}>{t('language')}</button>
        <button className="link" onClick={async () => { await api('DELETE', '/api/session').catch(() => undefined); localStorage.removeItem(ME_KEY); location.hash = '#/login'; setMe(null); }}>{t('logout')}</button>
      </header>
      {waiting > 0 && <div className="banner warn" role="status">{waiting} {t('pendingCount')} — {t('offlineSaved')}</div>}
      <main>
        <Suspense fallback={<p className="muted">{t('loading')}</p>}>
          {page === 'tasks' && <TasksPage query={route.query} />}
          {page === 'cases' && route.parts[1] && <CasePage id={route.parts[1]} me={me} />}
          {page === 'start' && <StartPage />}
          {page === 'dashboard' && <DashboardPage />}
          {page === 'author' && <AuthorPage processId={route.parts[1]} />}
        </Suspense>
      </main>
      <nav className="bottom">
        {nav.map(([key, label]) => <a key={key} href={`#/${key}`} className={page === key ? 'on' : ''}>{label}</a>)}
      </nav>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
startServiceWorker();
