import { useEffect, useState } from 'react';
import { api, errorText, SLOW_REQUEST_TIMEOUT_MS } from '../api';
import { formatTime, t } from '../i18n';
import type { Person, Role, Unit } from './adminApi';
import ImportPeople from './ImportPeople';
import PersonEditor, { type Added } from './PersonEditor';
import { useAction } from './useAction';

/** What deactivating someone did: signed out, steps returned to the pool, 加签 still addressed to them. */
interface Deactivated { user: Person; signedOut: number; released: number; addedTo: { id: string; title: string }[] }

/** 人员: find people by name, phone or unit; add, edit, deactivate, reset a password, sign out everywhere. */
export default function PeopleTab() {
  const [q, setQ] = useState('');
  const [people, setPeople] = useState<Person[] | null>(null);
  const [roles, setRoles] = useState<Role[]>([]);
  const [units, setUnits] = useState<Unit[]>([]);
  const [editing, setEditing] = useState<Person | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const [handover, setHandover] = useState<{ from: Person; cases: { id: string; title: string }[] } | null>(null);
  const [reassignTo, setReassignTo] = useState('');
  const [candidates, setCandidates] = useState<Person[]>([]);
  const [secret, setSecret] = useState<{ name: string; password: string; expiresAt: string } | null>(null);
  const load = (query = q) => api<Person[]>('GET', `/api/admin/users?q=${encodeURIComponent(query)}`).then(setPeople, (e: unknown) => setError(errorText(e)));
  useEffect(() => {
    void load('');
    api<Role[]>('GET', '/api/admin/roles').then(setRoles, () => undefined);
    api<Unit[]>('GET', '/api/admin/units').then(setUnits, () => undefined);
  }, []);
  const roleLabel = (role: string) => roles.find((r) => r.role === role)?.label ?? role;
  const { act, notice, error, setError } = useAction(() => load());
  const deactivate = (p: Person) => act(async () => {
    const r = await api<Deactivated>('POST', `/api/admin/users/${p.id}/deactivate`, undefined, {}, SLOW_REQUEST_TIMEOUT_MS);
    const lines = [t('adminPage.deactivated', { name: p.name, signedOut: r.signedOut, released: r.released })];
    if (r.addedTo.length) {
      lines.push(t('adminPage.addedToLeft', { count: r.addedTo.length, titles: r.addedTo.map((c) => c.title).join(t('common.listComma')) }));
      setHandover({ from: p, cases: r.addedTo });
      setCandidates(await api<Person[]>('GET', '/api/admin/users?active=true&limit=500'));
    }
    return lines.join(' ');
  });
  const reset = (p: Person) => act(async () => {
    const r = await api<{ oneTimePassword: string; expiresAt: string }>('POST', `/api/admin/users/${p.id}/reset-password`);
    setSecret({ name: p.name, password: r.oneTimePassword, expiresAt: r.expiresAt });
    return '';
  });
  const saved = (p: Person, added?: Added) => {
    setEditing(null);
    if (added) setSecret({ name: p.name, password: added.oneTimePassword, expiresAt: added.expiresAt });
    void act(async () => t('adminPage.savedPerson', { name: p.name }));
  };
  const columns = [t('adminPage.name'), t('app.username'), t('adminPage.phone'), t('adminPage.roles'), t('adminPage.status'), t('adminPage.actions')];
  return (
    <div className="people">
      <form className="filters" role="search" onSubmit={(e) => { e.preventDefault(); void load(); }}>
        <input type="search" aria-label={t('adminPage.searchPeople')} placeholder={t('adminPage.searchPeople')} value={q} onChange={(e) => setQ(e.target.value)} />
        <button type="submit">{t('adminPage.search')}</button>
        <button type="button" className="primary" onClick={() => setEditing('new')}>{t('adminPage.addPerson')}</button>
        <button type="button" onClick={() => setImporting((v) => !v)} aria-expanded={importing}>{t('importPeople.title')}</button>
      </form>
      {importing && <ImportPeople onImported={() => void load()} />}
      {secret && (
        <div className="banner warn one-time" role="alert">
          <p>{t('adminPage.oneTimeFor', { name: secret.name })}<strong className="secret">{secret.password}</strong></p>
          <p>{t('adminPage.oneTimeNote', { until: formatTime(secret.expiresAt) })}</p>
          <button className="link" onClick={() => setSecret(null)}>{t('adminPage.copiedIt')}</button>
        </div>
      )}
      {notice && <p className="banner" role="status">{notice}</p>}
      {handover && (
        <form className="card reassign" onSubmit={(e) => {
          e.preventDefault();
          void act(async () => {
            const r = await api<{ reassigned: number; skipped: { title: string; reason: string }[] }>('POST', `/api/admin/users/${handover.from.id}/reassign`, { to: reassignTo }, {}, SLOW_REQUEST_TIMEOUT_MS);
            setHandover(null);
            return [t('adminPage.reassigned', { count: r.reassigned }), ...r.skipped.map((c) => `${c.title}${t('common.colon')}${c.reason}`)].join(' ');
          });
        }}>
          <label>{t('adminPage.reassignTo', { name: handover.from.name, count: handover.cases.length })}
            <select name="reassignTo" value={reassignTo} onChange={(e) => setReassignTo(e.target.value)} required>
              <option value="">{t('adminPage.choosePerson')}</option>
              {candidates.filter((x) => x.id !== handover.from.id).map((x) => <option key={x.id} value={x.id}>{t('adminPage.personOption', { name: x.name, username: x.username })}</option>)}
            </select>
          </label>
          <button type="submit" className="primary">{t('adminPage.reassign')}</button>
        </form>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {editing && <PersonEditor key={editing === 'new' ? 'new' : editing.id} person={editing === 'new' ? null : editing} roles={roles} units={units} onSaved={saved} onCancel={() => setEditing(null)} />}
      {people === null ? <p className="muted">{t('app.loading')}</p> : (
        <div className="table-scroll">
          <table className="grid people-table">
            <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
            <tbody>
              {people.map((p) => (
                <tr key={p.id} className={p.active ? '' : 'inactive'}>
                  <td data-label={columns[0]}>{p.name}</td>
                  <td data-label={columns[1]}>{p.username}</td>
                  <td data-label={columns[2]}>{p.phone ?? ''}</td>
                  <td data-label={columns[3]}>{p.grants.map((g) => t('adminPage.roleAt', { role: roleLabel(g.role), unit: g.unitName ?? g.unitId })).join(t('common.semicolon'))}</td>
                  <td data-label={columns[4]}>{p.active ? (p.mustChangePassword ? t('adminPage.mustChange') : t('adminPage.active')) : t('adminPage.inactive')}</td>
                  <td className="row-actions">
                    <button className="link" onClick={() => setEditing(p)}>{t('adminPage.edit')}</button>
                    {p.active
                      ? <button className="link" onClick={() => void deactivate(p)}>{t('adminPage.deactivate')}</button>
                      : <button className="link" onClick={() => void act(async () => { await api('POST', `/api/admin/users/${p.id}/reactivate`); return t('adminPage.reactivated', { name: p.name }); })}>{t('adminPage.reactivate')}</button>}
                    <button className="link" onClick={() => void reset(p)}>{t('adminPage.resetPassword')}</button>
                    <button className="link" onClick={() => void act(async () => {
                      const r = await api<{ signedOut: number }>('POST', `/api/admin/users/${p.id}/sign-out`);
                      return t('adminPage.signedOut', { name: p.name, count: r.signedOut });
                    })}>{t('adminPage.signOutEverywhere')}</button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
