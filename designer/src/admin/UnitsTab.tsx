import { useEffect, useState } from 'react';
import { api, errorText } from '../api';
import { t } from '../i18n';
import { treeOrder, type Unit } from './adminApi';
import { useAction } from './useAction';

/** The levels a unit may take under the county, top first. */
const LEVELS = ['township', 'village', 'site', 'branch', 'grid', 'building'] as const;

/** Each level's name, as the tree shows it. */
const LEVEL_LABELS: Record<string, () => string> = {
  county: () => t('adminPage.levels.county'), township: () => t('adminPage.levels.township'), village: () => t('adminPage.levels.village'), site: () => t('adminPage.levels.site'),
  branch: () => t('adminPage.levels.branch'), grid: () => t('adminPage.levels.grid'), building: () => t('adminPage.levels.building'),
};
const levelLabel = (level: string) => LEVEL_LABELS[level]?.() ?? level;

/** What the form beside the tree is doing. */
type Editing = { mode: 'add'; parent: Unit } | { mode: 'edit'; unit: Unit };

/** 组织机构: the county's tree; add, rename, move, close and reopen units, delete one nothing hangs on. */
export default function UnitsTab() {
  const [units, setUnits] = useState<Unit[] | null>(null);
  const [editing, setEditing] = useState<Editing | null>(null);
  const load = () => api<Unit[]>('GET', '/api/admin/units').then(setUnits, (e: unknown) => setError(errorText(e)));
  const { act, notice, error, setError } = useAction(() => {
    setEditing(null);
    return load();
  });
  useEffect(() => void load(), []);
  if (!units) return <p className="muted">{t('app.loading')}</p>;
  const rows = treeOrder(units);
  const columns = [t('adminPage.unitName'), t('adminPage.level'), t('adminPage.divisionCode'), t('adminPage.activeCases'), t('adminPage.people'), t('adminPage.actions')];
  return (
    <div className="units">
      {notice && <p className="banner" role="status">{notice}</p>}
      {error && <p className="error" role="alert">{error}</p>}
      {editing && <UnitForm key={editing.mode === 'add' ? `add-${editing.parent.id}` : editing.unit.id} editing={editing} units={units} onDone={act} onCancel={() => setEditing(null)} />}
      <div className="table-scroll">
        <table className="grid unit-tree">
          <thead><tr>{columns.map((c) => <th key={c}>{c}</th>)}</tr></thead>
          <tbody>
            {rows.map(({ unit: u, depth }) => (
              <tr key={u.id} className={u.closed ? 'inactive' : ''}>
                <td style={{ paddingInlineStart: `${0.5 + depth * 1.25}rem` }}>{u.name}{u.closed && <span className="badge">{t('adminPage.closed')}</span>}</td>
                <td data-label={columns[1]}>{levelLabel(u.level)}</td>
                <td data-label={columns[2]}>{u.divisionCode ?? ''}</td>
                <td data-label={columns[3]} className="number">{u.activeCases}</td>
                <td data-label={columns[4]} className="number">{u.people}</td>
                <td className="row-actions">
                  {!u.closed && u.level !== 'building' && <button className="link" onClick={() => setEditing({ mode: 'add', parent: u })}>{t('adminPage.addChild')}</button>}
                  {u.parentId && <button className="link" onClick={() => setEditing({ mode: 'edit', unit: u })}>{t('adminPage.edit')}</button>}
                  {u.parentId && (u.closed
                    ? <button className="link" onClick={() => void act(async () => { await api('POST', `/api/admin/units/${u.id}/reopen`); return t('adminPage.reopenedUnit', { name: u.name }); })}>{t('adminPage.reopen')}</button>
                    : <button className="link" onClick={() => void act(async () => { await api('POST', `/api/admin/units/${u.id}/close`); return t('adminPage.closedUnit', { name: u.name }); })}>{t('adminPage.close')}</button>)}
                  {u.parentId && u.activeCases === 0 && u.people === 0 && <button className="link" onClick={() => void act(async () => { await api('DELETE', `/api/admin/units/${u.id}`); return t('adminPage.deletedUnit', { name: u.name }); })}>{t('adminPage.delete')}</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Adds a unit under a parent, or renames / moves / re-codes one. */
function UnitForm({ editing, units, onDone, onCancel }: { editing: Editing; units: Unit[]; onDone: (run: () => Promise<string>) => Promise<void>; onCancel: () => void }) {
  const unit = editing.mode === 'edit' ? editing.unit : null;
  const parentLevel = editing.mode === 'add' ? editing.parent.level : units.find((u) => u.id === unit!.parentId)?.level ?? 'county';
  const below = LEVELS.filter((l) => LEVELS.indexOf(l) > LEVELS.indexOf(parentLevel as (typeof LEVELS)[number]));
  const [name, setName] = useState(unit?.name ?? '');
  const [level, setLevel] = useState<string>(below[0] ?? 'village');
  const [code, setCode] = useState(unit?.divisionCode ?? '');
  const [parentId, setParentId] = useState(unit?.parentId ?? '');
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const divisionCode = code.trim() || null;
    void onDone(async () => {
      if (editing.mode === 'add') {
        await api('POST', '/api/admin/units', { parentId: editing.parent.id, name, level, divisionCode });
        return t('adminPage.addedUnit', { name });
      }
      await api('PUT', `/api/admin/units/${unit!.id}`, { name, divisionCode, ...(parentId !== unit!.parentId ? { parentId } : {}) });
      return t('adminPage.savedUnit', { name });
    });
  };
  const parents = treeOrder(units).filter(({ unit: u }) => !u.closed && unit && u.id !== unit.id && !u.path.startsWith(`${unit.path}/`));
  return (
    <form className="card unit-form" onSubmit={submit} aria-label={editing.mode === 'add' ? t('adminPage.addChildOf', { name: editing.parent.name }) : t('adminPage.editUnit', { name: unit!.name })}>
      <h2>{editing.mode === 'add' ? t('adminPage.addChildOf', { name: editing.parent.name }) : t('adminPage.editUnit', { name: unit!.name })}</h2>
      <label>{t('adminPage.unitName')}<input name="unitName" value={name} onChange={(e) => setName(e.target.value)} required /></label>
      {editing.mode === 'add' && (
        <label>{t('adminPage.level')}
          <select name="level" value={level} onChange={(e) => setLevel(e.target.value)}>
            {below.map((l) => <option key={l} value={l}>{levelLabel(l)}</option>)}
          </select>
        </label>
      )}
      {unit && (
        <label>{t('adminPage.parent')}
          <select name="parent" value={parentId} onChange={(e) => setParentId(e.target.value)}>
            {parents.map(({ unit: u, depth }) => <option key={u.id} value={u.id}>{`${'　'.repeat(depth)}${u.name}`}</option>)}
          </select>
        </label>
      )}
      <label>{t('adminPage.divisionCode')}<input name="divisionCode" inputMode="numeric" value={code} onChange={(e) => setCode(e.target.value)} placeholder={t('adminPage.divisionCodeHint')} /></label>
      <div className="actions">
        <button type="submit" className="primary">{t('adminPage.save')}</button>
        <button type="button" onClick={onCancel}>{t('app.cancel')}</button>
      </div>
    </form>
  );
}
