import { useEffect, useState } from 'react';
import type { Definition, Level } from '../../../engine/index';
import { api } from '../api';
import type { CountyRole } from './blank';
import type { Json } from './form/fieldKinds';
import { readFields } from './form/formModel';
import { CASE_LEVELS, LEVELS, ROLE_KINDS } from './labels';
import { roleEntry } from './roleModel';
import type { DraftState } from './useDraft';
import { t } from '../i18n';

type Role = Definition['roles'][string];

/** The process's name, level, and the roles it uses (chosen from those the county's users hold). */
export default function BasicsPanel({ state }: { state: DraftState }) {
  const d = state.definition;
  const [countyRoles, setCountyRoles] = useState<CountyRole[]>([]);
  useEffect(() => { api<CountyRole[]>('GET', '/api/county-roles').then(setCountyRoles, () => undefined); }, []);
  const set = (patch: Partial<Definition>) => state.update({ ...d, ...patch });
  const setRole = (id: string, role: Role) => set({ roles: { ...d.roles, [id]: role } });
  const starters = d.startRoles ?? [];
  const unused = countyRoles.filter((r) => !Object.hasOwn(d.roles, r.role));
  return (
    <div className="basics">
      <label>{t('basicsPanel.processName')}<input value={d.title} onChange={(e) => set({ title: e.target.value })} /></label>
      <label>{t('basicsPanel.descriptionShownToStaff')}<textarea value={d.description ?? ''} onChange={(e) => set({ description: e.target.value })} /></label>
      <label>{t('basicsPanel.levelCasesBelongTo')}<select value={d.caseLevel} onChange={(e) => set({ caseLevel: e.target.value as Level })}>{Object.entries(CASE_LEVELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></label>
      <label>{t('basicsPanel.caseTitleTakenFromThe')}<select value={d.caseTitle ?? ''} onChange={(e) => set({ caseTitle: e.target.value || undefined })}>
        <option value="">{t('basicsPanel.theProcessName')}</option>
        {Object.entries(d.forms).flatMap(([fid, f]) => readFields(f.schema as Json).filter((x) => ['text', 'idNumber', 'phone', 'address'].includes(x.kind))
          .map((x) => <option key={`${fid}.${x.key}`} value={`${fid}.${x.key}`}>{f.title} › {x.title || x.key}</option>))}
      </select></label>
      <h3>{t('basicsPanel.roles')}</h3>
      <table className="roles">
        <thead><tr><th>{t('basicsPanel.role')}</th><th>{t('basicsPanel.name')}</th><th>{t('basicsPanel.level')}</th><th>{t('basicsPanel.kind')}</th><th>{t('basicsPanel.mayStartCases')}</th><th /></tr></thead>
        <tbody>
          {Object.entries(d.roles).map(([id, r]) => (
            <tr key={id}>
              <td>{id}</td>
              <td><input aria-label={t('basicsPanel.name2', { id })} value={r.label} onChange={(e) => setRole(id, { ...r, label: e.target.value })} /></td>
              <td>{r.level ? LEVELS[r.level] : t('basicsPanel.any')}</td>
              <td><select aria-label={t('basicsPanel.kind2', { id })} value={r.kind ?? 'cadre'} onChange={(e) => setRole(id, { ...r, kind: e.target.value as Role['kind'] })}>{Object.entries(ROLE_KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></td>
              <td><input type="checkbox" aria-label={t('basicsPanel.mayStart', { id })} checked={starters.includes(id)} onChange={(e) => set({ startRoles: e.target.checked ? [...starters, id] : starters.filter((s) => s !== id) })} /></td>
              <td><button className="link" onClick={() => {
                const { [id]: _gone, ...rest } = d.roles;
                set({ roles: rest, startRoles: d.startRoles?.filter((s) => s !== id) });
              }}>{t('basicsPanel.remove')}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">{t('basicsPanel.whenNoRoleMayStart')}</p>
      {unused.length > 0 && (
        <label>{t('basicsPanel.addARoleThisCounty')}
          <select value="" onChange={(e) => {
            const r = countyRoles.find((c) => c.role === e.target.value);
            if (r) setRole(r.role, roleEntry(r));
          }}>
            <option value="">{t('basicsPanel.chooseARole')}</option>
            {unused.map((r) => <option key={`${r.role}/${r.level}`} value={r.role}>{t('basicsPanel.people', { label: r.label, LEVELS: LEVELS[r.level], holders: r.holders })}</option>)}
          </select>
        </label>
      )}
    </div>
  );
}
