import type { Problem } from '../../../../engine/index';
import type { Definition } from '../../../../engine/index';
import { EVENT_KINDS } from '../labels';
import ActionsEditor from './ActionsEditor';
import ConditionEditor from './ConditionEditor';
import { type EventDef, setEvent, setTransition, stateAt, transitionsOn } from './machineEdit';
import { t } from '../../i18n';

type Kind = keyof typeof EVENT_KINDS;

/** One transition: the operation (who may do it, what it carries), where it goes, on what condition, what it does. */
export default function TransitionPanel({ definition: d, source, trigger, index, problems, onChange, onClose }: {
  definition: Definition; source: string[]; trigger: string; index: number; problems: Problem[];
  onChange: (d: Definition) => void; onClose: () => void;
}) {
  const labelOf = (k: string) => stateAt(d, [...source.slice(0, -1), k])?.meta?.label ?? k;
  const from = stateAt(d, source);
  if (trigger.startsWith('after:')) {
    return <div className="side-panel"><h3>{t('transitionPanel.movesOnWhenTimeRuns')}</h3><p>{t('transitionPanel.afterRunsOutOfTime', { label: from?.meta?.label })}</p></div>;
  }
  const list = transitionsOn(d, source, trigger);
  const tr = list[index];
  const ev = d.events[trigger];
  if (!tr || !ev) return null;
  const siblings = Object.keys(stateAt(d, source.slice(0, -1))?.states ?? {});
  const setEv = (patch: Partial<EventDef>) => onChange(setEvent(d, trigger, { ...ev, ...patch } as EventDef));
  const roleIds = (ev.roles ?? []).map((r) => (typeof r === 'string' ? r : r.role));
  const eventForm = ev.data === 'step' ? from?.meta?.form : typeof ev.data === 'string' ? ev.data : undefined;
  return (
    <div className="side-panel" aria-label={t('transitionPanel.transitionProperties')}>
      <h3>{t('transitionPanel.transition', { label: from?.meta?.label, labelOf: labelOf(tr.target ?? '') })}</h3>
      {problems.map((p, i) => <p key={i} className="field-problem">{p.message}</p>)}
      <label>{t('transitionPanel.buttonNameAction')}<input aria-label={t('transitionPanel.actionName')} value={ev.label} onChange={(e) => setEv({ label: e.target.value })} /></label>
      <label>{t('transitionPanel.buttonStyle')}<select value={ev.kind ?? 'other'} onChange={(e) => setEv({ kind: e.target.value as Kind })}>{Object.entries(EVENT_KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></label>
      <fieldset>
        <legend>{t('transitionPanel.whoMayAct')}</legend>
        {Object.entries(d.roles).map(([id, r]) => (
          <label key={id} className="inline"><input type="checkbox" checked={roleIds.includes(id)} onChange={(e) => setEv({ roles: e.target.checked ? [...(ev.roles ?? []), id] : (ev.roles ?? []).filter((x) => (typeof x === 'string' ? x : x.role) !== id) })} />{r.label}</label>
        ))}
        <label className="inline"><input type="checkbox" checked={Boolean(ev.onlyAssignee)} onChange={(e) => setEv({ onlyAssignee: e.target.checked || undefined })} />{t('transitionPanel.onlyThisStepSHandler')}</label>
      </fieldset>
      <label>{t('transitionPanel.whatIsSubmitted')}<select value={ev.data ?? ''} onChange={(e) => setEv({ data: e.target.value || undefined })}>
        <option value="">{t('transitionPanel.noForm')}</option>
        <option value="step">{t('transitionPanel.thisStepSForm')}</option>
        {Object.entries(d.forms).map(([id, f]) => <option key={id} value={id}>{t('transitionPanel.form', { title: f.title })}</option>)}
      </select></label>
      <label>{t('transitionPanel.goTo')}<select aria-label={t('transitionPanel.goTo')} value={tr.target ?? ''} onChange={(e) => onChange(setTransition(d, source, trigger, index, { ...tr, target: e.target.value }))}>
        {siblings.map((k) => <option key={k} value={k}>{labelOf(k)}</option>)}
      </select></label>
      <ConditionEditor definition={d} guard={tr.guard} eventForm={eventForm} onChange={(g) => onChange(setTransition(d, source, trigger, index, { ...tr, guard: g }))} />
      <ActionsEditor value={tr.actions ?? []} onChange={(actions) => onChange(setTransition(d, source, trigger, index, { ...tr, actions }))} />
      <button className="danger" onClick={() => { onChange(setTransition(d, source, trigger, index, undefined)); onClose(); }}>{t('transitionPanel.deleteThisTransition')}</button>
    </div>
  );
}
