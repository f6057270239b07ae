import type { Problem } from '../../../../engine/index';
import type { Definition } from '../../../../engine/index';
import { EVENT_KINDS } from '../labels';
import ActionsEditor from './ActionsEditor';
import ConditionEditor from './ConditionEditor';
import { type EventDef, setEvent, setTransition, stateAt, transitionsOn } from './machineEdit';

type Kind = keyof typeof EVENT_KINDS;

/** One transition: the operation (who may do it, what it carries), where it goes, on what condition, what it does. */
export default function TransitionPanel({ definition: d, source, trigger, index, problems, onChange, onClose }: {
  definition: Definition; source: string[]; trigger: string; index: number; problems: Problem[];
  onChange: (d: Definition) => void; onClose: () => void;
}) {
  const labelOf = (k: string) => stateAt(d, [...source.slice(0, -1), k])?.meta?.label ?? k;
  const from = stateAt(d, source);
  if (trigger.startsWith('after:')) {
    return <div className="side-panel"><h3>超时自动流转</h3><p>「{from?.meta?.label}」超过办理时限后，自动转到下一环节。在环节属性的“超时后”中修改。</p></div>;
  }
  const list = transitionsOn(d, source, trigger);
  const t = list[index];
  const ev = d.events[trigger];
  if (!t || !ev) return null;
  const siblings = Object.keys(stateAt(d, source.slice(0, -1))?.states ?? {});
  const setEv = (patch: Partial<EventDef>) => onChange(setEvent(d, trigger, { ...ev, ...patch } as EventDef));
  const roleIds = (ev.roles ?? []).map((r) => (typeof r === 'string' ? r : r.role));
  const eventForm = ev.data === 'step' ? from?.meta?.form : typeof ev.data === 'string' ? ev.data : undefined;
  return (
    <div className="side-panel" aria-label="流转属性">
      <h3>流转：{from?.meta?.label} → {labelOf(t.target ?? '')}</h3>
      {problems.map((p, i) => <p key={i} className="field-problem">{p.message}</p>)}
      <label>按钮名称（操作）<input aria-label="操作名称" value={ev.label} onChange={(e) => setEv({ label: e.target.value })} /></label>
      <label>按钮样式<select value={ev.kind ?? 'other'} onChange={(e) => setEv({ kind: e.target.value as Kind })}>{Object.entries(EVENT_KINDS).map(([k, v]) => <option key={k} value={k}>{v}</option>)}</select></label>
      <fieldset>
        <legend>谁可以操作</legend>
        {Object.entries(d.roles).map(([id, r]) => (
          <label key={id} className="inline"><input type="checkbox" checked={roleIds.includes(id)} onChange={(e) => setEv({ roles: e.target.checked ? [...(ev.roles ?? []), id] : (ev.roles ?? []).filter((x) => (typeof x === 'string' ? x : x.role) !== id) })} />{r.label}</label>
        ))}
        <label className="inline"><input type="checkbox" checked={Boolean(ev.onlyAssignee)} onChange={(e) => setEv({ onlyAssignee: e.target.checked || undefined })} />只限本环节的办理人</label>
      </fieldset>
      <label>提交的内容<select value={ev.data ?? ''} onChange={(e) => setEv({ data: e.target.value || undefined })}>
        <option value="">不提交表单</option>
        <option value="step">本环节的表单</option>
        {Object.entries(d.forms).map(([id, f]) => <option key={id} value={id}>表单：{f.title}</option>)}
      </select></label>
      <label>转到<select aria-label="转到" value={t.target ?? ''} onChange={(e) => onChange(setTransition(d, source, trigger, index, { ...t, target: e.target.value }))}>
        {siblings.map((k) => <option key={k} value={k}>{labelOf(k)}</option>)}
      </select></label>
      <ConditionEditor definition={d} guard={t.guard} eventForm={eventForm} onChange={(g) => onChange(setTransition(d, source, trigger, index, { ...t, guard: g }))} />
      <ActionsEditor value={t.actions ?? []} onChange={(actions) => onChange(setTransition(d, source, trigger, index, { ...t, actions }))} />
      <button className="danger" onClick={() => { onChange(setTransition(d, source, trigger, index, undefined)); onClose(); }}>删除此流转</button>
    </div>
  );
}
