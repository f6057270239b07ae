import { useEffect, useState } from 'react';
import type { Definition, Level } from '../../../engine/index';
import { api } from '../api';
import type { CountyRole } from './blank';
import type { Json } from './form/fieldKinds';
import { readFields } from './form/formModel';
import { CASE_LEVELS, LEVELS, ROLE_KINDS } from './labels';
import type { DraftState } from './useDraft';

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
      <label>流程名称<input value={d.title} onChange={(e) => set({ title: e.target.value })} /></label>
      <label>说明（办事人员看得到）<textarea value={d.description ?? ''} onChange={(e) => set({ description: e.target.value })} /></label>
      <label>案件挂在哪一级<select value={d.caseLevel} onChange={(e) => set({ caseLevel: e.target.value as Level })}>{Object.entries(CASE_LEVELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></label>
      <label>案件标题取自（待办和台账里显示的名称）<select value={d.caseTitle ?? ''} onChange={(e) => set({ caseTitle: e.target.value || undefined })}>
        <option value="">（用流程名称）</option>
        {Object.entries(d.forms).flatMap(([fid, f]) => readFields(f.schema as Json).filter((x) => ['text', 'idNumber', 'phone', 'address'].includes(x.kind))
          .map((x) => <option key={`${fid}.${x.key}`} value={`${fid}.${x.key}`}>{f.title} › {x.title || x.key}</option>))}
      </select></label>
      <h3>角色</h3>
      <table className="roles">
        <thead><tr><th>角色</th><th>名称</th><th>层级</th><th>类型</th><th>可发起案件</th><th /></tr></thead>
        <tbody>
          {Object.entries(d.roles).map(([id, r]) => (
            <tr key={id}>
              <td>{id}</td>
              <td><input aria-label={`${id} 名称`} value={r.label} onChange={(e) => setRole(id, { ...r, label: e.target.value })} /></td>
              <td>{r.level ? LEVELS[r.level] : '任意'}</td>
              <td><select aria-label={`${id} 类型`} value={r.kind ?? 'cadre'} onChange={(e) => setRole(id, { ...r, kind: e.target.value as Role['kind'] })}>{Object.entries(ROLE_KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></td>
              <td><input type="checkbox" aria-label={`${id} 可发起`} checked={starters.includes(id)} onChange={(e) => set({ startRoles: e.target.checked ? [...starters, id] : starters.filter((s) => s !== id) })} /></td>
              <td><button className="link" onClick={() => {
                const { [id]: _gone, ...rest } = d.roles;
                set({ roles: rest, startRoles: d.startRoles?.filter((s) => s !== id) });
              }}>移除</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">没有勾选“可发起”时，由第一步的办理人发起案件。</p>
      {unused.length > 0 && (
        <label>添加本县已有的角色
          <select value="" onChange={(e) => {
            const r = countyRoles.find((c) => c.role === e.target.value);
            if (r) setRole(r.role, { label: r.label, level: r.level, kind: r.kind });
          }}>
            <option value="">选择角色…</option>
            {unused.map((r) => <option key={`${r.role}/${r.level}`} value={r.role}>{r.label}（{LEVELS[r.level]}，{r.holders} 人）</option>)}
          </select>
        </label>
      )}
    </div>
  );
}
