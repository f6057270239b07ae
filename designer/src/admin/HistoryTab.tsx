import { useState } from 'react';
import { formatTime, t } from '../i18n';
import type { HistoryEntry, PersonalAccess } from './adminApi';
import { usePagedLog } from './usePagedLog';

/** Each kind of change, in words. */
const CHANGE_LABELS: Record<string, () => string> = {
  'user.add': () => t('adminPage.changeTypes.user.add'), 'user.edit': () => t('adminPage.changeTypes.user.edit'), 'user.deactivate': () => t('adminPage.changeTypes.user.deactivate'),
  'user.reactivate': () => t('adminPage.changeTypes.user.reactivate'), 'user.reset-password': () => t('adminPage.changeTypes.user.reset-password'),
  'user.sign-out': () => t('adminPage.changeTypes.user.sign-out'), 'user.password': () => t('adminPage.changeTypes.user.password'),
  'unit.add': () => t('adminPage.changeTypes.unit.add'), 'unit.edit': () => t('adminPage.changeTypes.unit.edit'), 'unit.close': () => t('adminPage.changeTypes.unit.close'),
  'unit.reopen': () => t('adminPage.changeTypes.unit.reopen'), 'unit.delete': () => t('adminPage.changeTypes.unit.delete'),
  'calendar.load': () => t('adminPage.changeTypes.calendar.load'),
};

/** The fields a change records (server/admin/peopleQueries.ts auditRecord, the unit and calendar records), in words. */
const FIELD_LABELS: Record<string, () => string> = {
  username: () => t('adminPage.changeFields.username'), name: () => t('adminPage.changeFields.name'), phone: () => t('adminPage.changeFields.phone'),
  active: () => t('adminPage.changeFields.active'), grants: () => t('adminPage.changeFields.grants'), parentId: () => t('adminPage.changeFields.parentId'),
  level: () => t('adminPage.changeFields.level'), path: () => t('adminPage.changeFields.path'), divisionCode: () => t('adminPage.changeFields.divisionCode'),
  closed: () => t('adminPage.changeFields.closed'), holidays: () => t('adminPage.changeFields.holidays'), workdays: () => t('adminPage.changeFields.workdays'),
};

/** What changed between two records, field by field, as "field: before → after"; roles as 角色名@单位名 (`names`, from the server). */
function changes(before: unknown, after: unknown, names: Record<string, string> = {}): string {
  const b = (before ?? {}) as Record<string, unknown>;
  const a = (after ?? {}) as Record<string, unknown>;
  const show = (v: unknown) => (Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? names[x] ?? x : String(x))).join(t('common.listComma')) : v === null || v === undefined ? '—'
    : typeof v === 'boolean' ? t(v ? 'adminPage.changeFields.yes' : 'adminPage.changeFields.no') : String(v));
  const field = (k: string) => `${FIELD_LABELS[k]?.() ?? k}${t('common.colon')}`;
  return [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => (before === undefined ? `${field(k)}${show(a[k])}` : `${field(k)}${show(b[k])} → ${show(a[k])}`)).join(t('common.semicolon'));
}

/** What the history can be narrowed to: one kind of administrative change, or the record of personal-information access. */
const KINDS = {
  all: () => t('adminPage.historyKinds.all'), user: () => t('adminPage.historyKinds.user'), unit: () => t('adminPage.historyKinds.unit'),
  calendar: () => t('adminPage.historyKinds.calendar'), personal: () => t('adminPage.historyKinds.personal'),
};
type Kind = keyof typeof KINDS;

/** 加载更多 under a log, or that all of it is shown. */
function More({ shown, more, loading, onMore }: { shown: number; more: boolean; loading: boolean; onMore: () => void }) {
  if (more) return <button type="button" className="history-more" onClick={onMore} disabled={loading}>{loading ? t('app.loading') : t('adminPage.historyMore', { count: shown })}</button>;
  return shown ? <p className="muted">{t('adminPage.historyAllShown', { count: shown })}</p> : null;
}

/** 管理记录: who changed which person or unit, when, from what to what (read from the audit chain), a page at a time. */
export default function HistoryTab() {
  const [kind, setKind] = useState<Kind>('all');
  const history = usePagedLog<HistoryEntry>(kind === 'personal' ? null : `/api/admin/history${kind === 'all' ? '' : `?kind=${kind}`}`);
  const access = usePagedLog<PersonalAccess>(kind === 'all' || kind === 'personal' ? '/api/personal-access' : null);
  const entries = kind === 'personal' ? [] : history.entries;
  const error = history.error || access.error;
  const columns = [t('adminPage.when'), t('adminPage.who'), t('adminPage.what'), t('adminPage.target'), t('adminPage.change')];
  return (
    <div className="table-scroll">
      <p className="muted">{t('adminPage.historyNote')}</p>
      <label>
        {t('adminPage.historyKind')}{' '}
        <select name="historyKind" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
          {Object.entries(KINDS).map(([k, label]) => <option key={k} value={k}>{label()}</option>)}
        </select>
      </label>
      {error && <p className="error" role="alert">{error}</p>}
      {!entries ? <p className="muted">{t('app.loading')}</p> : kind !== 'personal' && (
        <>
          {entries.length === 0 && <p className="muted admin-history-empty">{t('adminPage.historyEmpty')}</p>}
          <table className="grid admin-history">
            <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq}>
                  <td data-label={columns[0]}>{formatTime(e.at)}</td>
                  <td data-label={columns[1]}>{e.actor}</td>
                  <td data-label={columns[2]}>{CHANGE_LABELS[e.type]?.() ?? e.type}</td>
                  <td data-label={columns[3]}>{e.target.name}</td>
                  <td data-label={columns[4]} title={e.grantNames ? changes(e.before, e.after) : undefined}>{changes(e.before, e.after, e.grantNames)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <More shown={entries.length} more={history.more} loading={history.loading} onMore={history.loadMore} />
        </>
      )}
      {access.entries && access.entries.length > 0 && (
        <>
          <h3>{t('adminPage.personalAccess')}</h3>
          <table className="grid personal-access">
            <thead><tr>{columns.slice(0, 4).map((c) => <th key={c}>{c}</th>)}</tr></thead>
            <tbody>
              {access.entries.map((e) => (
                <tr key={e.seq}>
                  <td data-label={columns[0]}>{formatTime(e.at)}</td>
                  <td data-label={columns[1]}>{e.actor}</td>
                  <td data-label={columns[2]}>{e.kind === 'reveal' ? t('adminPage.personalReveal', { field: e.field ?? '' }) : t('adminPage.personalExport', { format: e.format ?? '', filename: e.filename ?? '' })}</td>
                  <td data-label={columns[3]}>{e.kind === 'reveal' ? <a href={`#/cases/${e.caseId ?? ''}`}>{e.caseTitle}</a> : e.processTitle}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <More shown={access.entries.length} more={access.more} loading={access.loading} onMore={access.loadMore} />
        </>
      )}
      {kind === 'personal' && access.entries?.length === 0 && <p className="muted">{t('adminPage.historyAllShown', { count: 0 })}</p>}
    </div>
  );
}
