import { useState } from 'react';
import type { Definition, Level } from '../../../../engine/index';
import { CASE_LEVELS } from '../labels';
import { addDepartment, addNewDepartment, moveDepartment, removeDepartment, setDepartment, setOrder } from './countersignModel';
import { stateAt } from './machineEdit';
import { t } from '../../i18n';

type Mode = 'all' | 'any' | 'ratio';

/** The departments that countersign a step (联审): in turn or at once, each with its role, level and rule inside. */
export default function CountersignEditor({ definition: d, path, onChange }: { definition: Definition; path: string[]; onChange: (d: Definition) => void }) {
  const [label, setLabel] = useState('');
  const [level, setLevel] = useState<Level>('county');
  const c = stateAt(d, path)?.meta?.countersign;
  if (!c) return null;
  const unused = Object.entries(d.roles).filter(([id]) => !c.departments.some((dep) => dep.role === id));
  return (
    <fieldset className="countersign" aria-label={t('countersign.departments')}>
      <legend>{t('countersign.departments')}</legend>
      <label>{t('countersign.order')}<select aria-label={t('countersign.order')} value={c.order} onChange={(e) => onChange(setOrder(d, path, e.target.value as typeof c.order))}>
        <option value="sequential">{t('countersign.sequential')}</option>
        <option value="parallel">{t('countersign.parallel')}</option>
      </select></label>
      <p className="muted">{t('countersign.howItPasses')}</p>
      <ol className="departments">
        {c.departments.map((dep, i) => (
          <li key={i} className="department" aria-label={t('countersign.departmentNumber', { n: i + 1 })}>
            <label>{t('countersign.name')}<input aria-label={t('countersign.nameOf', { n: i + 1 })} value={dep.label} onChange={(e) => onChange(setDepartment(d, path, i, { label: e.target.value }))} /></label>
            <div className="pair">
              <label>{t('countersign.role')}<select aria-label={t('countersign.roleOf', { n: i + 1 })} value={dep.role} onChange={(e) => onChange(setDepartment(d, path, i, { role: e.target.value }))}>
                {!Object.hasOwn(d.roles, dep.role) && <option value={dep.role}>{dep.role}</option>}
                {Object.entries(d.roles).map(([id, r]) => <option key={id} value={id}>{r.label}</option>)}
              </select></label>
              <label>{t('countersign.level')}<select aria-label={t('countersign.levelOf', { n: i + 1 })} value={dep.level ?? ''} onChange={(e) => onChange(setDepartment(d, path, i, { level: (e.target.value || undefined) as Level | undefined }))}>
                <option value="">{t('countersign.anyLevel')}</option>
                {Object.entries(CASE_LEVELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
              </select></label>
            </div>
            <div className="pair">
              <label>{t('countersign.inside')}<select aria-label={t('countersign.insideOf', { n: i + 1 })} value={dep.mode} onChange={(e) => onChange(setDepartment(d, path, i, { mode: e.target.value as Mode }))}>
                <option value="any">{t('countersign.anyOfThem')}</option>
                <option value="all">{t('countersign.allOfThem')}</option>
                <option value="ratio">{t('countersign.aShareOfThem')}</option>
              </select></label>
              {dep.mode === 'ratio' && (
                <label>{t('statePanel.shareApproving')}<input type="number" min={1} max={100} aria-label={t('countersign.shareOf', { n: i + 1 })} value={Math.round((dep.ratio ?? 0.5) * 100)} onChange={(e) => onChange(setDepartment(d, path, i, { ratio: Math.min(1, Math.max(0.01, Number(e.target.value) / 100)) }))} /></label>
              )}
            </div>
            <div className="department-buttons">
              <button className="link" disabled={i === 0} aria-label={t('countersign.moveUp', { n: i + 1 })} onClick={() => onChange(moveDepartment(d, path, i, -1))}>↑</button>
              <button className="link" disabled={i === c.departments.length - 1} aria-label={t('countersign.moveDown', { n: i + 1 })} onClick={() => onChange(moveDepartment(d, path, i, 1))}>↓</button>
              <button className="link danger" onClick={() => onChange(removeDepartment(d, path, i))}>{t('countersign.remove')}</button>
            </div>
          </li>
        ))}
      </ol>
      <div className="pair">
        <label>{t('countersign.newDepartment')}<input value={label} placeholder={t('countersign.newDepartmentExample')} onChange={(e) => setLabel(e.target.value)} /></label>
        <label>{t('countersign.level')}<select aria-label={t('countersign.newDepartmentLevel')} value={level} onChange={(e) => setLevel(e.target.value as Level)}>
          {Object.entries(CASE_LEVELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </select></label>
      </div>
      <button disabled={!label.trim()} onClick={() => { onChange(addNewDepartment(d, path, { label, level })); setLabel(''); }}>{t('countersign.addDepartment')}</button>
      {unused.length > 0 && (
        <label>{t('countersign.addExisting')}<select aria-label={t('countersign.addExisting')} value="" onChange={(e) => e.target.value && onChange(addDepartment(d, path, e.target.value))}>
          <option value="">{t('countersign.chooseRole')}</option>
          {unused.map(([id, r]) => <option key={id} value={id}>{r.label}</option>)}
        </select></label>
      )}
    </fieldset>
  );
}
