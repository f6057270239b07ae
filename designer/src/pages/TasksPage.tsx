import { useEffect, useRef, useState } from 'react';
import { api, ApiError, type CaseView, errorText, type Page, SLOW_REQUEST_TIMEOUT_MS } from '../api';
import { BatchConfirm } from '../batchConfirm';
import { formatTime, shortNumber, t } from '../i18n';
import { narrowKept } from '../offline/keptSearch';
import { keepInbox } from '../offline/prefetch';

/** The tabs of the inbox: what waits for me, what I have handled, what I started. */
const TABS = [
  { key: 'todo', word: 'app.tasks', path: '/api/tasks', params: {} },
  { key: 'done', word: 'app.handled', path: '/api/cases', params: { mine: 'acted' } },
  { key: 'mine', word: 'app.startedByMe', path: '/api/cases', params: { mine: 'started' } },
] as const;
type TabKey = (typeof TABS)[number]['key'];

const PAGE_SIZE = 50;


/** True on a screen wide enough for a table. */
function useWide(): boolean {
  const query = '(min-width: 900px)';
  const [wide, setWide] = useState(() => matchMedia(query).matches);
  useEffect(() => {
    const m = matchMedia(query);
    const on = () => setWide(m.matches);
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, []);
  return wide;
}

const COLUMNS = [
  { key: 'title', label: t('tasksPage.name'), sort: 'title' },
  { key: 'number', label: t('tasksPage.number') },
  { key: 'unit', label: t('tasksPage.unit') },
  { key: 'step', label: t('tasksPage.processCurrentStep') },
  { key: 'holder', label: t('tasksPage.handler') },
  { key: 'due', label: t('tasksPage.due'), sort: 'due' },
  { key: 'updated', label: t('tasksPage.lastActivity'), sort: 'updated' },
] as const;

function Due({ c }: { c: CaseView }) {
  if (!c.dueAt || c.status !== 'active') return null;
  return <span className={c.overdue ? 'badge late' : 'badge'}>{c.overdue ? t('app.overdue') : t('app.due')} {formatTime(c.dueAt)}</span>;
}

function Card({ c, asked }: { c: CaseView; asked: boolean }) {
  return (
    <a href={`#/cases/${c.id}`} className={`card task${c.overdue ? ' late' : ''}`}>
      <span className="title">{c.title}{c.returned && <span className="flag returned">{t('tasksPage.returned')}</span>}</span>
      <span className="meta">{c.unitName ?? ''}{c.unitName ? ' · ' : ''}{c.processTitle}</span>
      <span className="meta">{asked ? t('tasksPage.waitingForYou') : c.status === 'done' ? t('tasksPage.closed') : t('tasksPage.currentStep')}{c.stepLabel}</span>
      <span className="meta">{t('tasksPage.no')} <span className="number">{shortNumber(c.id)}</span></span>
      <Due c={c} />
    </a>
  );
}

/**
 * The inbox (待办 / 已办 / 我发起的), every case reachable by scrolling or 加载更多; with
 * `?all=1` and filters, any list of cases the user may see (the dashboard's drill-down). Wide
 * screens get a table a reviewer can sort.
 */
export default function TasksPage({ query }: { query: URLSearchParams }) {
  const all = query.get('all') === '1';
  const tab: TabKey = (TABS.find((x) => x.key === query.get('tab'))?.key ?? 'todo');
  const spec = TABS.find((x) => x.key === tab)!;
  const [items, setItems] = useState<CaseView[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  /** How many of the inbox's tasks this phone now keeps for use without signal (once it has read them ahead). */
  const [kept, setKept] = useState<number | null>(null);
  const [page, setPage] = useState(1);
  const [loading, setLoading] = useState(false);
  const [q, setQ] = useState(query.get('q') ?? '');
  const [processes, setProcesses] = useState<{ id: string; title: string }[]>([]);
  const [processId, setProcessId] = useState(query.get('processId') ?? '');
  const [units, setUnits] = useState<{ id: string; name: string; level: string }[]>([]);
  const [unitId, setUnitId] = useState(query.get('orgUnitId') ?? '');
  const [sort, setSort] = useState<string>('');
  const [selected, setSelected] = useState<Set<string>>(new Set());
  /** The batch decision waiting for the reviewer's confirmation. */
  const [confirming, setConfirming] = useState<{ type: string; label: string } | null>(null);
  const [batchReport, setBatchReport] = useState<{ kind: 'ok' | 'warn'; text: string } | null>(null);
  const [reloads, setReloads] = useState(0);
  /** Without signal, a narrowed list is searched in the kept inbox: how many cases that held; null when the server answered. */
  const [searchedKept, setSearchedKept] = useState<number | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const wide = useWide();
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => {
    void api<{ id: string; title: string }[]>('GET', '/api/processes').then(setProcesses);
    void api<{ id: string; name: string; level: string }[]>('GET', '/api/org-units').then((u) => setUnits(u.filter((x) => ['county', 'township', 'village'].includes(x.level))));
  }, []);

  const filters = new URLSearchParams({ pageSize: String(PAGE_SIZE), ...(all ? {} : spec.params) });
  for (const key of ['state', 'overdue', 'createdFrom', 'createdTo']) if (query.get(key)) filters.set(key, query.get(key)!);
  const unnarrowed = new URLSearchParams(filters);
  if (unitId) filters.set('orgUnitId', unitId);
  if (processId) filters.set('processId', processId);
  if (q) filters.set('q', q);
  if (sort) filters.set('sort', sort);
  const path = all ? '/api/cases' : spec.path;
  const key = `${path}?${filters}`;
  // A new filter, tab or sort starts again from the first page.
  useEffect(() => {
    const timer = setTimeout(() => {
      setLoading(true);
      setListError(null);
      void api<Page>('GET', key).then((p) => {
        setItems(p.items);
        setTotal(p.total);
        setPage(1);
        setSearchedKept(null);
        // The inbox and its cases open without signal later: read them now, while there is some.
        if (!all && tab === 'todo') void keepInbox(key, p).then((n) => n !== null && setKept(n));
      }, async (e: unknown) => {
        // No signal and this search was never kept: search the kept list on the phone instead.
        const found = e instanceof ApiError && e.status === 0 ? await narrowKept(path, unnarrowed, { q, processId, orgUnitId: unitId }) : undefined;
        if (!found) return setListError(errorText(e));
        setItems(found.page.items);
        setTotal(found.page.total);
        setPage(1);
        setSearchedKept(found.searched);
      }).catch((e: unknown) => setListError(errorText(e))).finally(() => setLoading(false));
    }, 200);
    return () => clearTimeout(timer);
  }, [key, reloads]);
  const more = total !== null && items.length < total;
  const loadMore = () => {
    if (loading || !more) return;
    setLoading(true);
    void api<Page>('GET', `${key}&page=${page + 1}`).then((p) => {
      setItems((was) => [...was, ...p.items.filter((c) => !was.some((w) => w.id === c.id))]);
      setTotal(p.total);
      setPage(page + 1);
    }).catch((e: unknown) => setListError(errorText(e))).finally(() => setLoading(false));
  };
  // Scrolling to the end loads the next page by itself.
  useEffect(() => {
    const el = end.current;
    if (!el || !more) return;
    const seen = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadMore());
    seen.observe(el);
    return () => seen.disconnect();
  });

  const toggleSort = (column: string) => setSort(sort === column ? `-${column}` : column);
  const batchable = tab === 'todo' && !all && items.some((c) => c.quickActions?.length);
  const chosen = items.filter((c) => selected.has(c.id));
  // The approvals every chosen case offers: one decision for all of them.
  const common = chosen.length ? (chosen[0]!.quickActions ?? []).filter((a) => chosen.every((c) => c.quickActions?.some((b) => b.type === a.type))) : [];
  const toggle = (id: string) => setSelected((was) => {
    const next = new Set(was);
    if (!next.delete(id)) next.add(id);
    return next;
  });
  const runBatch = async (type: string, label: string, comment: string) => {
    setLoading(true);
    try {
      const r = await api<{ done: number; failed: number; results: { id: string; ok: boolean; message?: string }[] }>('POST', '/api/cases/batch', { caseIds: chosen.map((c) => c.id), type, ...(comment ? { comment } : {}) }, { 'idempotency-key': crypto.randomUUID() }, SLOW_REQUEST_TIMEOUT_MS);
      const failed = r.results.filter((x) => !x.ok).map((x) => t('tasksPage.batchFailure', { title: items.find((c) => c.id === x.id)?.title ?? x.id, message: x.message }));
      setBatchReport({ kind: failed.length ? 'warn' : 'ok', text: t('tasksPage.batchDone', { label, done: r.done }) + (failed.length ? t('tasksPage.batchFailed', { count: failed.length, list: failed.join(t('common.semicolon')) }) : '') });
      setSelected(new Set());
      setReloads((n) => n + 1);
    } catch (e) {
      setBatchReport({ kind: 'warn', text: (e as Error).message });
    } finally {
      setLoading(false);
      setConfirming(null);
    }
  };
  const heading = all ? t('app.cases') : t(spec.word);
  return (
    <section className="cases-page">
      {!all && (
        <nav className="inbox-tabs" aria-label={t('tasksPage.caseTabs')}>
          {TABS.map((x) => <a key={x.key} href={`#/tasks${x.key === 'todo' ? '' : `?tab=${x.key}`}`} className={x.key === tab ? 'on' : ''} aria-current={x.key === tab ? 'page' : undefined}>{t(x.word)}</a>)}
        </nav>
      )}
      <h2>{heading}{total !== null ? t('tasksPage.count', { total }) : ''}</h2>
      {kept !== null && !all && tab === 'todo' && navigator.onLine && <p className="muted kept-offline" role="status">{kept < (total ?? 0) ? t('tasksPage.keptOfflineSome', { kept }) : t('tasksPage.keptOffline', { kept })}</p>}
      <div className="filters">
        <input type="search" placeholder={t('tasksPage.searchNamesTitlesOrNumbers')} value={q} onChange={(e) => setQ(e.target.value)} aria-label={t('app.search')} />
        <select value={processId} onChange={(e) => setProcessId(e.target.value)} aria-label={t('app.process')}>
          <option value="">{t('app.allProcesses')}</option>
          {processes.map((p) => <option key={p.id} value={p.id}>{p.title}</option>)}
        </select>
        {units.length > 1 && (
          <select value={unitId} onChange={(e) => setUnitId(e.target.value)} aria-label={t('app.unit')}>
            <option value="">{t('app.allUnits')}</option>
            {units.map((u) => <option key={u.id} value={u.id}>{u.level === 'village' ? '\u3000' : ''}{u.name}</option>)}
          </select>
        )}
      </div>
      {searchedKept !== null && <p className="banner warn searched-kept" role="status">{t('tasksPage.searchedKept', { kept: searchedKept })}</p>}
      {listError && <div className="banner error" role="alert">{listError}</div>}
      {total === 0 && <p className="muted">{tab === 'todo' && !all ? t('app.noTasks') : t('tasksPage.noCases')}</p>}
      {batchReport && <div className={`banner ${batchReport.kind}`} role="status">{batchReport.text}</div>}
      {wide && batchable && chosen.length > 0 && (
        <div className="batch-bar card">
          <strong>{t('tasksPage.chosen', { length: chosen.length })}</strong>
          {common.map((a) => <button key={a.type} className="kind-approve" disabled={loading} onClick={() => setConfirming(a)}>{t('tasksPage.all', { label: a.label, length: chosen.length })}</button>)}
          {!common.length && <span className="muted">{t('tasksPage.theChosenCasesHaveNo')}</span>}
        </div>
      )}
      {confirming && chosen.length > 0 && <BatchConfirm label={confirming.label} cases={chosen} busy={loading} onCancel={() => setConfirming(null)} onConfirm={(comment) => void runBatch(confirming.type, confirming.label, comment)} />}
      {wide && items.length > 0 ? (
        <div className="scroll">
          <table className="case-table">
            <thead>
              <tr>{batchable && <th><input type="checkbox" aria-label={t('tasksPage.chooseAll')} checked={chosen.length > 0 && chosen.length === items.filter((c) => c.quickActions?.length).length} onChange={(e) => setSelected(new Set(e.target.checked ? items.filter((c) => c.quickActions?.length).map((c) => c.id) : []))} /></th>}{COLUMNS.map((col) => (
                <th key={col.key} aria-sort={'sort' in col && sort.replace('-', '') === col.sort ? (sort.startsWith('-') ? 'descending' : 'ascending') : undefined}>
                  {'sort' in col ? <button className="link sort" onClick={() => toggleSort(col.sort)}>{col.label}{sort === col.sort ? ' ↑' : sort === `-${col.sort}` ? ' ↓' : ''}</button> : col.label}
                </th>
              ))}</tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id} className={c.overdue ? 'late-row' : undefined}>
                  {batchable && <td>{c.quickActions?.length ? <input type="checkbox" aria-label={t('tasksPage.choose', { title: c.title })} checked={selected.has(c.id)} onChange={() => toggle(c.id)} /> : null}</td>}
                  <td><a href={`#/cases/${c.id}`}>{c.title}</a>{c.returned && <span className="flag returned">{t('tasksPage.returned')}</span>}</td>
                  <td className="number">{shortNumber(c.id)}</td>
                  <td>{c.unitName ?? ''}</td>
                  <td>{c.processTitle} · {c.stepLabel}</td>
                  <td>{c.holder ?? '—'}</td>
                  <td>{c.dueAt && c.status === 'active' ? <span className={c.overdue ? 'late' : undefined}>{c.overdue ? `${t('app.overdue')} ` : ''}{formatTime(c.dueAt)}</span> : '—'}</td>
                  <td>{formatTime(c.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <ul className="list">
          {items.map((c) => <li key={c.id}><Card c={c} asked={tab === 'todo' && !all} /></li>)}
        </ul>
      )}
      <div ref={end} className="list-end">
        {more ? <button onClick={loadMore} disabled={loading}>{loading ? t('app.loading') : t('tasksPage.loadMoreShown', { length: items.length, total })}</button> : total ? <p className="muted">{t('tasksPage.allShown', { total })}</p> : null}
      </div>
    </section>
  );
}
