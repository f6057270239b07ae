import { useState } from 'react';
import type { Problem } from '../../../../engine/index';
import type { Definition, Level } from '../../../../engine/index';
import { LEVELS, OUTCOMES, ROLE_KINDS } from '../labels';
import { addRoleForStep, type RoleKind } from '../roleModel';
import { addTransition, type DeadlineUnit, deadlineOf, removeState, setDeadline, setMeta, setTimeoutTarget, stateAt } from './machineEdit';
import CountersignEditor from './CountersignEditor';
import { dropCountersign, makeCountersign } from './countersignModel';
import { t } from '../../i18n';

type Outcome = keyof typeof OUTCOMES;

/** A role made up where a step is assigned: the same entry the roles tab adds, handling this step at once. */
function NewRoleForm({ definition: d, path, onChange, onDone }: { definition: Definition; path: string[]; onChange: (d: Definition) => void; onDone: () => void }) {
  const [label, setLabel] = useState('');
  const [level, setLevel] = useState<Level>(d.caseLevel);
  const [kind, setKind] = useState<RoleKind>('reviewer');
  return (
    <fieldset className="new-role">
      <legend>{t('statePanel.newRole')}</legend>
      <label>{t('statePanel.roleName')}<input value={label} placeholder={t('statePanel.roleNameExample')} onChange={(e) => setLabel(e.target.value)} /></label>
      <div className="pair">
        <label>{t('statePanel.roleLevel')}<select value={level} onChange={(e) => setLevel(e.target.value as Level)}>
          {Object.entries(LEVELS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </select></label>
        <label>{t('statePanel.roleKind')}<select value={kind} onChange={(e) => setKind(e.target.value as RoleKind)}>
          {Object.entries(ROLE_KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </select></label>
      </div>
      <button disabled={!label.trim()} onClick={() => { onChange(addRoleForStep(d, path, { label, level, kind }).definition); onDone(); }}>{t('statePanel.createRoleAndAssign')}</button>
      <button className="link" onClick={onDone}>{t('statePanel.cancel')}</button>
    </fieldset>
  );
}

/** One step's properties: name, form, who handles it, deadline and what happens when it passes; its way out. */
export default function StatePanel({ definition: d, path, problems, onChange, onPickEdge }: {
  definition: Definition; path: string[]; problems: Problem[];
  onChange: (d: Definition) => void; onPickEdge: (edge: { source: string; trigger: string; index: number }) => void;
}) {
  const node = stateAt(d, path);
  const [target, setTarget] = useState('');
  const [event, setEvent] = useState('');
  const [creatingRole, setCreatingRole] = useState(false);
  if (!node) return null;
  const meta = node.meta ?? {};
  const final = node.type === 'final';
  const deadline = deadlineOf(d, path);
  const siblings = Object.keys(stateAt(d, path.slice(0, -1))?.states ?? {}).filter((k) => k !== path.at(-1));
  const labelOf = (k: string) => stateAt(d, [...path.slice(0, -1), k])?.meta?.label ?? k;
  const timeoutTarget = meta.sla ? (node.after?.[meta.sla] as { target?: string } | undefined)?.target : undefined;
  const parentInitial = path.length === 1 ? d.machine.initial : stateAt(d, path.slice(0, -1))?.initial;
  return (
    <div className="side-panel" aria-label={t('statePanel.stepProperties')}>
      <h3>{final ? t('statePanel.end') : t('statePanel.step')}{t('common.colon')}{meta.label ?? path.at(-1)}</h3>
      {problems.map((p, i) => <p key={i} className="field-problem">{p.message}</p>)}
      <label>{t('statePanel.stepName')}<input value={meta.label ?? ''} onChange={(e) => onChange(setMeta(d, path, { ...meta, label: e.target.value }))} /></label>
      {final ? (
        <label>{t('statePanel.outcome')}<select value={meta.outcome ?? 'completed'} onChange={(e) => onChange(setMeta(d, path, { ...meta, outcome: e.target.value as Outcome }))}>
          {Object.entries(OUTCOMES).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </select></label>
      ) : (
        <>
          <label>{t('statePanel.formFilledAtThisStep')}<select value={meta.form ?? ''} onChange={(e) => onChange(setMeta(d, path, { ...meta, form: e.target.value || undefined }))}>
            <option value="">{t('statePanel.noForm')}</option>
            {Object.entries(d.forms).map(([id, f]) => <option key={id} value={id}>{f.title}</option>)}
          </select></label>
          {/* A countersign step is decided by its departments, each by its own role: it has no role of its own. */}
          {!meta.countersign && (
            <>
              <label>{t('statePanel.handledByRole')}<select value={meta.assignee ?? ''} onChange={(e) => onChange(setMeta(d, path, { ...meta, assignee: e.target.value || undefined }))}>
                <option value="">{t('statePanel.notSet')}</option>
                {Object.entries(d.roles).map(([id, r]) => <option key={id} value={id}>{r.label}</option>)}
              </select></label>
              {creatingRole
                ? <NewRoleForm definition={d} path={path} onChange={onChange} onDone={() => setCreatingRole(false)} />
                : <button className="link" onClick={() => setCreatingRole(true)}>{t('statePanel.newRoleButton')}</button>}
            </>
          )}
          {/* Several approvers: the step's role holders decide together (会签), any one of them (或签), or a share; or several departments countersign (联审). */}
          <div className="pair">
            <label>{t('statePanel.approval')}<select aria-label={t('statePanel.approval')} value={meta.countersign ? 'countersign' : (meta.approval?.mode ?? '')} onChange={(e) => {
              const mode = e.target.value as '' | 'all' | 'any' | 'ratio' | 'countersign';
              if (mode === 'countersign') return onChange(makeCountersign(d, path));
              const base = meta.countersign ? dropCountersign(d, path) : d;
              const { approval: _was, ...rest } = stateAt(base, path)?.meta ?? {};
              onChange(setMeta(base, path, mode ? { ...rest, approval: { ...(meta.approval ?? {}), mode, ...(mode === 'ratio' ? { ratio: meta.approval?.ratio ?? 0.5 } : {}) } } : rest));
            }}>
              <option value="">{t('statePanel.oneApprover')}</option>
              <option value="all">{t('statePanel.allApproveOneReturnReturns')}</option>
              <option value="any">{t('statePanel.anyApproves')}</option>
              <option value="ratio">{t('statePanel.aShareApproves')}</option>
              <option value="countersign">{t('statePanel.departmentsCountersign')}</option>
            </select></label>
            {meta.approval?.mode === 'ratio' && (
              <label>{t('statePanel.shareApproving')}<input type="number" min={1} max={100} aria-label={t('statePanel.shareApproving2')} value={Math.round((meta.approval.ratio ?? 0.5) * 100)} onChange={(e) => onChange(setMeta(d, path, { ...meta, approval: { ...meta.approval!, ratio: Math.min(1, Math.max(0.01, Number(e.target.value) / 100)) } }))} /></label>
            )}
          </div>
          <CountersignEditor definition={d} path={path} onChange={onChange} />
          <div className="pair">
            <label>{t('statePanel.timeLimit')}<input type="number" min={0} aria-label={t('statePanel.timeLimit')} value={deadline?.amount ?? ''} onChange={(e) => onChange(setDeadline(d, path, e.target.value ? { amount: Number(e.target.value), unit: deadline?.unit ?? 'workingDays' } : undefined))} /></label>
            <label>{t('statePanel.unit')}<select aria-label={t('statePanel.timeLimitUnit')} value={deadline?.unit ?? 'workingDays'} onChange={(e) => deadline && onChange(setDeadline(d, path, { amount: deadline.amount, unit: e.target.value as DeadlineUnit }))}>
              <option value="workingDays">{t('statePanel.workingDaysWithoutHolidays')}</option><option value="days">{t('statePanel.calendarDays')}</option><option value="hours">{t('statePanel.hours')}</option>
            </select></label>
          </div>
          {deadline && (
            <label>{t('statePanel.whenTimeRunsOut')}<select value={timeoutTarget ?? ''} onChange={(e) => onChange(setTimeoutTarget(d, path, e.target.value || undefined))}>
              <option value="">{t('statePanel.onlyMarkItOverdueDo')}</option>
              {siblings.map((k) => <option key={k} value={k}>{t('statePanel.moveOnTo', { labelOf: labelOf(k) })}</option>)}
            </select></label>
          )}
          {parentInitial !== path.at(-1) && <button onClick={() => {
            const next = structuredClone(d);
            if (path.length === 1) next.machine.initial = path[0]!;
            else stateAt(next, path.slice(0, -1))!.initial = path.at(-1)!;
            onChange(next);
          }}>{t('statePanel.makeItTheFirstStep')}</button>}
          <h4>{t('statePanel.transitionsLeavingThisStep')}</h4>
          <ul className="out-list">
            {Object.entries(node.on ?? {}).flatMap(([ev, t]) => (Array.isArray(t) ? t : [t]).map((x, i) => (
              <li key={`${ev}${i}`}><button className="link" onClick={() => onPickEdge({ source: path.join('.'), trigger: ev, index: i })}>
                {d.events[ev]?.label ?? ev} → {labelOf(typeof x === 'string' ? x : (x as { target?: string })?.target ?? '')}
              </button></li>
            )))}
          </ul>
          <fieldset className="add-transition">
            <legend>{t('statePanel.addATransition')}</legend>
            <label>{t('statePanel.to')}<select aria-label={t('statePanel.transitionTo')} value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">{t('statePanel.chooseAStep')}</option>
              {siblings.map((k) => <option key={k} value={k}>{labelOf(k)}</option>)}
            </select></label>
            <label>{t('statePanel.action')}<select aria-label={t('statePanel.transitionAction')} value={event} onChange={(e) => setEvent(e.target.value)}>
              <option value="">{t('statePanel.newAction')}</option>
              {Object.entries(d.events).filter(([, e]) => !e.system).map(([k, e]) => <option key={k} value={k}>{t('statePanel.eventWithKey', { label: e.label, k })}</option>)}
            </select></label>
            <button disabled={!target} onClick={() => {
              const r = addTransition(d, path, target, event || undefined);
              onChange(r.definition);
              const index = (Array.isArray(stateAt(r.definition, path)?.on?.[r.event]) ? (stateAt(r.definition, path)!.on![r.event] as unknown[]).length : 1) - 1;
              onPickEdge({ source: path.join('.'), trigger: r.event, index });
              setTarget('');
            }}>{t('statePanel.add')}</button>
          </fieldset>
        </>
      )}
      <button className="danger" onClick={() => onChange(removeState(d, path))}>{t('statePanel.deleteThisStep')}</button>
    </div>
  );
}
