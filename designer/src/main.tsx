import { lazy, StrictMode, Suspense, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, ApiError, type Me, onConnectionChange, setCsrf, shownFromKept } from './api';
import { formatTime, t, toggleLanguage } from './i18n';
import { forgetReads } from './offline/keep';
import { flush, isLocalCase, onOutboxChange, outboxActivity, outboxCount, outboxItems, setOutboxUser } from './outbox';
import { OutboxActivityLine } from './outboxActivity';
import { PageGuard } from './pageGuard';
// The outbox is what a cadre opens when the network is down: in the main chunk, never a download away.
import OutboxPage from './pages/OutboxPage';
import { startServiceWorker } from './serviceWorker';
import './styles.css';

// Split by audience: a cadre opening a case never downloads the dashboard (or, later, the editor).
const LoginPage = lazy(() => import('./pages/LoginPage'));
const TasksPage = lazy(() => import('./pages/TasksPage'));
const CasePage = lazy(() => import('./pages/CasePage'));
const StartPage = lazy(() => import('./pages/StartPage'));
const DashboardPage = lazy(() => import('./pages/DashboardPage'));
const AuthorPage = lazy(() => import('./author/AuthorPage'));
const LocalCasePage = lazy(() => import('./pages/LocalCasePage'));
const MessagesPage = lazy(() => import('./pages/MessagesPage'));
const AdminPage = lazy(() => import('./admin/AdminPage'));
const PasswordPage = lazy(() => import('./pages/PasswordPage'));
const CasePrintPage = lazy(() => import('./print/CasePrintPage'));

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
  const countWaiting = () => outboxItems().filter((p) => p.state === 'waiting').length;
  const [waiting, setWaiting] = useState(countWaiting);
  /** What the outbox holds that is not sent yet (waiting or refused): shown on its entry in the menu. */
  const [pending, setPending] = useState(outboxCount);
  useEffect(() => onOutboxChange(() => {
    setWaiting(countWaiting());
    setPending(outboxCount());
  }), []);
  const [unread, setUnread] = useState(0);
  // The unread count: on every page change and once a minute.
  useEffect(() => {
    if (!me) return;
    const look = () => void api<{ unread: number }>('GET', '/api/messages?limit=1').then((m) => setUnread(m.unread), () => undefined);
    look();
    const timer = setInterval(look, 60_000);
    return () => clearInterval(timer);
  }, [me?.id, route.parts[0], route.parts[1]]);
  const [keptAt, setKeptAt] = useState(shownFromKept);
  useEffect(() => onConnectionChange(() => setKeptAt(shownFromKept())), []);
  /** Signs in as this user: another user's kept pages are forgotten; only this user's outbox is sent. */
  const become = (m: Me) => {
    const last = JSON.parse(localStorage.getItem(ME_KEY) ?? 'null') as Me | null;
    if (last && last.id !== m.id) void forgetReads();
    localStorage.setItem(ME_KEY, JSON.stringify(m));
    setOutboxUser(m.id);
    setMe(m);
  };
  /**
   * Sends what waits: now when the server just answered, else (no signal, or the answer kept on
   * the phone) unless a retry is already due — opening another page does not hurry the outbox's waits.
   */
  const sendWaiting = () => {
    if (!shownFromKept() || !outboxActivity().retry) void flush();
  };
  useEffect(() => {
    if (route.parts[0] === 'login') return;
    api<Me>('GET', '/api/me').then((m) => {
      // The session's CSRF token comes with it: a second tab or a reopened browser can write too.
      setCsrf(m.csrfToken);
      become(m);
      sendWaiting();
    }, (e: unknown) => {
      // Without signal the session is still good: carry on as the user we last saw (forms go to the outbox).
      const known = localStorage.getItem(ME_KEY);
      if (e instanceof ApiError && e.status === 0 && known) {
        become(JSON.parse(known) as Me);
        sendWaiting();
      } else setMe(null);
    });
  }, [route.parts[0]]);

  const page = route.parts[0] ?? 'tasks';
  if (page === 'login' || me === null) return <Suspense fallback={<p className="muted">{t('app.loading')}</p>}><LoginPage onLogin={(m) => { become(m); location.hash = '#/tasks'; }} /></Suspense>;
  if (me === undefined) return <p className="muted pad">{t('app.loading')}</p>;
  const signOut = async (everywhere = false) => {
    if (!everywhere) await api('DELETE', '/api/session').catch(() => undefined);
    localStorage.removeItem(ME_KEY);
    void forgetReads();
    location.hash = '#/login';
    setMe(null);
  };
  // An initial or reset password opens nothing but the page that changes it.
  if (me.mustChangePassword) {
    return (
      <div className="app">
        <Suspense fallback={<p className="muted">{t('app.loading')}</p>}>
          <PasswordPage forced onChanged={() => become({ ...me, mustChangePassword: false })} onSignedOut={() => void signOut(true)} />
        </Suspense>
      </div>
    );
  }
  const supervisor = me.grants.some((g) => g.level === 'county' || g.level === 'township');
  const author = me.grants.some((g) => g.role === 'author' && g.level === 'county');
  const admin = me.grants.some((g) => g.role === 'admin' && g.level === 'county');
  // 待发送 is always in the menu, online or not: the only way to the queue must not depend on a banner.
  const nav = [['tasks', t('app.tasks')], ['start', t('app.start')], ['outbox', t('app.outbox')], ...(supervisor ? [['dashboard', t('app.dashboard')]] : []), ...(author ? [['author', t('app.author')]] : []), ...(admin ? [['admin', t('app.admin')]] : [])] as const;
  return (
    <div className={['author', 'tasks', 'dashboard', 'admin'].includes(page) ? 'app wide' : 'app'}>
      <header className="top">
        <strong>{t('app.appName')}</strong>
        <span className="who">{me.county.name} · {me.name}</span>
        <a className="link bell" href="#/messages">{t('app.messages')}{unread > 0 && <span className="unread-badge" aria-hidden="true">{unread > 99 ? '99+' : unread}</span>}<span className="sr-only">{t('main.unread', { unread })}</span></a>
        <button className="link" onClick={toggleLanguage}>{t('app.language')}</button>
        <a className="link" href="#/password">{t('app.accountSecurity')}</a>
        <button className="link" onClick={() => void signOut()}>{t('app.logout')}</button>
      </header>
      {keptAt && <div className="banner warn" role="status">{t('app.offlineShown')} {formatTime(keptAt)}</div>}
      {waiting > 0 && <a className="banner warn" role="status" href="#/outbox">{waiting} {t('app.pendingCount')} — <OutboxActivityLine idle={t('app.offlineSaved')} /></a>}
      <main>
        <PageGuard page={page}>
        <Suspense fallback={<p className="muted">{t('app.loading')}</p>}>
          {page === 'tasks' && <TasksPage query={route.query} />}
          {page === 'cases' && route.parts[1] && route.parts[2] === 'print' && <CasePrintPage id={route.parts[1]} formId={route.query.get('form') ?? undefined} />}
          {page === 'cases' && route.parts[1] && route.parts[2] !== 'print' && (isLocalCase(route.parts[1]) ? <LocalCasePage id={route.parts[1]} me={me} /> : <CasePage id={route.parts[1]} me={me} />)}
          {page === 'start' && <StartPage />}
          {page === 'dashboard' && <DashboardPage />}
          {page === 'author' && <AuthorPage processId={route.parts[1]} />}
          {page === 'outbox' && <OutboxPage />}
          {page === 'messages' && <MessagesPage onRead={setUnread} />}
          {page === 'admin' && <AdminPage tab={route.parts[1]} />}
          {page === 'password' && <PasswordPage forced={false} onChanged={() => undefined} onSignedOut={() => void signOut(true)} />}
        </Suspense>
        </PageGuard>
      </main>
      <nav className="bottom">
        {nav.map(([key, label]) => (
          <a key={key} href={`#/${key}`} className={page === key ? 'on' : ''}>
            {label}{key === 'outbox' && pending > 0 && <span className="unread-badge outbox-count">{pending}</span>}
          </a>
        ))}
      </nav>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<StrictMode><App /></StrictMode>);
startServiceWorker();
