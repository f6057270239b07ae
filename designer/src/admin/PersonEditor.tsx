import { useState } from 'react';
import { api, errorText } from '../api';
import { t } from '../i18n';
import { type Person, type Role, treeOrder, type Unit } from './adminApi';

/** What saving a new person answers: the one-time password is shown once. */
export interface Added { user: Person; oneTimePassword: string; expiresAt: string }

/** Adds a person or edits one: name, phone, and roles at units (several roles at several units). */
export default function PersonEditor({ person, roles, units, onSaved, onCancel }: {
  person: Person | null; roles: Role[]; units: Unit[]; onSaved: (saved: Person, added?: Added) => void; onCancel: () => void;
}) {
  const [username, setUsername] = useState('');
  const [name, setName] = useState(person?.name ?? '');
  const [phone, setPhone] = useState(person?.phone ?? '');
  const [grants, setGrants] = useState(person?.grants.map((g) => ({ role: g.role, unitId: g.unitId })) ?? [{ role: roles[0]?.role ?? '', unitId: '' }]);
  const [error, setError] = useState('');
  const open = treeOrder(units).filter(({ unit }) => !unit.closed);
  const setGrant = (i: number, part: Partial<{ role: string; unitId: string }>) => setGrants((gs) => gs.map((g, j) => (j === i ? { ...g, ...part } : g)));
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError('');
    const fields = { name, phone: phone.trim() || null, grants: grants.filter((g) => g.role && g.unitId) };
    try {
      if (person) onSaved(await api<Person>('PUT', `/api/admin/users/${person.id}`, fields));
      else {
        const added = await api<Added>('POST', '/api/admin/users', { username, ...fields });
        onSaved(added.user, added);
      }
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="card person-editor" onSubmit={save} aria-label={person ? t('adminPage.editPerson') : t('adminPage.addPerson')}>
      <h2>{person ? t('adminPage.editPersonNamed', { name: person.name }) : t('adminPage.addPerson')}</h2>
      {!person && <label>{t('app.username')}<input name="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoComplete="off" /></label>}
      <label>{t('adminPage.name')}<input name="name" value={name} onChange={(e) => setName(e.target.value)} required /></label>
      <label>{t('adminPage.phone')}<input name="phone" inputMode="numeric" value={phone} onChange={(e) => setPhone(e.target.value)} /></label>
      <fieldset>
        <legend>{t('adminPage.roles')}</legend>
        {grants.map((g, i) => (
          <div className="grant-row" key={i}>
            <select aria-label={t('adminPage.role')} value={g.role} onChange={(e) => setGrant(i, { role: e.target.value })}>
              {roles.map((r) => <option key={r.role} value={r.role}>{r.label}</option>)}
            </select>
            <select aria-label={t('adminPage.atUnit')} value={g.unitId} onChange={(e) => setGrant(i, { unitId: e.target.value })}>
              <option value="">{t('adminPage.chooseUnit')}</option>
              {open.map(({ unit, depth }) => <option key={unit.id} value={unit.id}>{`${'　'.repeat(depth)}${unit.name}`}</option>)}
            </select>
            <button type="button" className="link" onClick={() => setGrants((gs) => gs.filter((_, j) => j !== i))}>{t('adminPage.removeRole')}</button>
          </div>
        ))}
        <button type="button" className="link" onClick={() => setGrants((gs) => [...gs, { role: roles[0]?.role ?? '', unitId: '' }])}>{t('adminPage.addRole')}</button>
      </fieldset>
      {error && <p className="error" role="alert">{error}</p>}
      <div className="actions">
        <button type="submit" className="primary">{t('adminPage.save')}</button>
        <button type="button" onClick={onCancel}>{t('app.cancel')}</button>
      </div>
    </form>
  );
}
