import { useEffect, useState } from 'react';
import { api, type Page } from '../api';
import { formatTime, t } from '../i18n';

/** My tasks (待办) by due time; with `?all=1` and filters, any list of cases the user may see (drill-down). */
export default function TasksPage({ query }: { query: URLSearchParams }) {
  const [page, setPage] = useState<Page | null>(null);
  const [q, setQ] = useState(query.get('q') ?? '');
  const [processes, setProcesses] = useState<{ id: string; title: string }[]>([]);
  const [processId, setProcessId] = useState(query.get('processId') ?? '');
  const [units, setUnits] = useState<{ id: string; name: string; level: string }[]>([]);
  const [unitId, setUnitId] = useState(query.get('orgUnitId') ?? '');
  const all = query.get('all') === '1';
  useEffect(() => {
    void api<{ id: string; title: string }[]>('GET', '/api/processes').then(setProcesses);
    void api<{ id: string; name: string; level: string }[]>('GET', '/api/org-units').then((u) => setUnits(u.filter((x) => ['county', 'township', 'village'].includes(x.level))));
  }, []);
  useEffect(() => {
    const params = new URLSearchParams({ pageSize: '50' });
    for (const key of ['state', 'overdue']) if (query.get(key)) params.set(key, query.get(key)!);
    if (unitId) params.set('orgUnitId', unitId);
    if (processId) params.set('processId', processId);
    if (q) params.set('q', q);
    const timer = setTimeout(() => void api<Page>('GET', `${all ? '/api/cases' : '/api/tasks'}?${params}`).then(setPage), 200);
    return () => clearTimeout(timer);
  }, [q, processId, unitId, all, query.toString()]);
  return (
    <section>
      <h2>{all ? t('cases') : t('tasks')}{page ? `（${page.total}）` : ''}</h2>
      <div className="filters">
        <input type="search" placeholder={t('search')} value={q} onChange={(e) => setQ(e.target.value)} aria-label={t('search')} />
        <select value={processId} onChange={(e) => setProcessId(e.target.value)} aria-label={t('process')}>
          <option value="">{t('allProcesses')}</option>
          {processes.map((p) => <option key={p.id} value={p.id}>{p.title}</option>)}
        </select>
        {units.length > 1 && (
          <select value={unitId} onChange={(e) => setUnitId(e.target.value)} aria-label={t('unit')}>
            <option value="">{t('allUnits')}</option>
            {units.map((u) => <option key={u.id} value={u.id}>{u.level === 'village' ? '　' : ''}{u.name}</option>)}
          </select>
        )}
      </div>
      {page && page.items.length === 0 && <p className="muted">{t('noTasks')}</p>}
      <ul className="list">
        {page?.items.map((c) => (
          <li key={c.id}>
            <a href={`#/cases/${c.id}`} className={`card task${c.overdue ? ' late' : ''}`}>
              <span className="title">{c.title}</span>
              <span className="meta">{c.processTitle} · {c.stepLabel}</span>
              {c.dueAt && <span className={c.overdue ? 'badge late' : 'badge'}>{c.overdue ? t('overdue') : t('due')} {formatTime(c.dueAt)}</span>}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}
