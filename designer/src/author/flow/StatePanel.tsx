import { useState } from 'react';
import type { Problem } from '../../../../engine/index';
import type { Definition } from '../../../../engine/index';
import { OUTCOMES } from '../labels';
import { addTransition, type DeadlineUnit, deadlineOf, removeState, setDeadline, setMeta, setTimeoutTarget, stateAt } from './machineEdit';

type Outcome = keyof typeof OUTCOMES;

/** One step's properties: name, form, who handles it, deadline and what happens when it passes; its way out. */
export default function StatePanel({ definition: d, path, problems, onChange, onPickEdge }: {
  definition: Definition; path: string[]; problems: Problem[];
  onChange: (d: Definition) => void; onPickEdge: (edge: { source: string; trigger: string; index: number }) => void;
}) {
  const node = stateAt(d, path);
  const [target, setTarget] = useState('');
  const [event, setEvent] = useState('');
  if (!node) return null;
  const meta = node.meta ?? {};
  const final = node.type === 'final';
  const deadline = deadlineOf(d, path);
  const siblings = Object.keys(stateAt(d, path.slice(0, -1))?.states ?? {}).filter((k) => k !== path.at(-1));
  const labelOf = (k: string) => stateAt(d, [...path.slice(0, -1), k])?.meta?.label ?? k;
  const timeoutTarget = meta.sla ? (node.after?.[meta.sla] as { target?: string } | undefined)?.target : undefined;
  const parentInitial = path.length === 1 ? d.machine.initial : stateAt(d, path.slice(0, -1))?.initial;
  return (
    <div className="side-panel" aria-label="环节属性">
      <h3>{final ? '结束' : '环节'}：{meta.label ?? path.at(-1)}</h3>
      {problems.map((p, i) => <p key={i} className="field-problem">{p.message}</p>)}
      <label>环节名称<input value={meta.label ?? ''} onChange={(e) => onChange(setMeta(d, path, { ...meta, label: e.target.value }))} /></label>
      {final ? (
        <label>结果<select value={meta.outcome ?? 'completed'} onChange={(e) => onChange(setMeta(d, path, { ...meta, outcome: e.target.value as Outcome }))}>
          {Object.entries(OUTCOMES).map(([k, v]) => <option key={k} value={k}>{v}</option>)}
        </select></label>
      ) : (
        <>
          <label>本环节填写的表单<select value={meta.form ?? ''} onChange={(e) => onChange(setMeta(d, path, { ...meta, form: e.target.value || undefined }))}>
            <option value="">（不填表）</option>
            {Object.entries(d.forms).map(([id, f]) => <option key={id} value={id}>{f.title}</option>)}
          </select></label>
          <label>办理人（角色）<select value={meta.assignee ?? ''} onChange={(e) => onChange(setMeta(d, path, { ...meta, assignee: e.target.value || undefined }))}>
            <option value="">（未指定）</option>
            {Object.entries(d.roles).map(([id, r]) => <option key={id} value={id}>{r.label}</option>)}
          </select></label>
          {/* Several approvers: the step's role holders decide together (会签), any one of them (或签), or a share. */}
          <div className="pair">
            <label>审批方式<select aria-label="审批方式" value={meta.approval?.mode ?? ''} onChange={(e) => {
              const mode = e.target.value as '' | 'all' | 'any' | 'ratio';
              const { approval: _was, ...rest } = meta;
              onChange(setMeta(d, path, mode ? { ...rest, approval: { ...(meta.approval ?? {}), mode, ...(mode === 'ratio' ? { ratio: meta.approval?.ratio ?? 0.5 } : {}) } } : rest));
            }}>
              <option value="">一人审批</option>
              <option value="all">会签（办理人全部同意；一人退回即退回）</option>
              <option value="any">或签（任一人同意即可）</option>
              <option value="ratio">按比例同意</option>
            </select></label>
            {meta.approval?.mode === 'ratio' && (
              <label>同意比例（%）<input type="number" min={1} max={100} aria-label="同意比例" value={Math.round((meta.approval.ratio ?? 0.5) * 100)} onChange={(e) => onChange(setMeta(d, path, { ...meta, approval: { ...meta.approval!, ratio: Math.min(1, Math.max(0.01, Number(e.target.value) / 100)) } }))} /></label>
            )}
          </div>
          <div className="pair">
            <label>办理时限<input type="number" min={0} aria-label="办理时限" value={deadline?.amount ?? ''} onChange={(e) => onChange(setDeadline(d, path, e.target.value ? { amount: Number(e.target.value), unit: deadline?.unit ?? 'workingDays' } : undefined))} /></label>
            <label>单位<select aria-label="时限单位" value={deadline?.unit ?? 'workingDays'} onChange={(e) => deadline && onChange(setDeadline(d, path, { amount: deadline.amount, unit: e.target.value as DeadlineUnit }))}>
              <option value="workingDays">工作日（不含节假日）</option><option value="days">自然日</option><option value="hours">小时</option>
            </select></label>
          </div>
          {deadline && (
            <label>超时后<select value={timeoutTarget ?? ''} onChange={(e) => onChange(setTimeoutTarget(d, path, e.target.value || undefined))}>
              <option value="">只标记超期，不自动流转</option>
              {siblings.map((k) => <option key={k} value={k}>自动转到「{labelOf(k)}」</option>)}
            </select></label>
          )}
          {parentInitial !== path.at(-1) && <button onClick={() => {
            const next = structuredClone(d);
            if (path.length === 1) next.machine.initial = path[0]!;
            else stateAt(next, path.slice(0, -1))!.initial = path.at(-1)!;
            onChange(next);
          }}>设为第一步</button>}
          <h4>从这里出去的流转</h4>
          <ul className="out-list">
            {Object.entries(node.on ?? {}).flatMap(([ev, t]) => (Array.isArray(t) ? t : [t]).map((x, i) => (
              <li key={`${ev}${i}`}><button className="link" onClick={() => onPickEdge({ source: path.join('.'), trigger: ev, index: i })}>
                {d.events[ev]?.label ?? ev} → {labelOf(typeof x === 'string' ? x : (x as { target?: string })?.target ?? '')}
              </button></li>
            )))}
          </ul>
          <fieldset className="add-transition">
            <legend>添加流转</legend>
            <label>到<select aria-label="流转到" value={target} onChange={(e) => setTarget(e.target.value)}>
              <option value="">选择环节…</option>
              {siblings.map((k) => <option key={k} value={k}>{labelOf(k)}</option>)}
            </select></label>
            <label>操作<select aria-label="流转的操作" value={event} onChange={(e) => setEvent(e.target.value)}>
              <option value="">新操作</option>
              {Object.entries(d.events).filter(([, e]) => !e.system).map(([k, e]) => <option key={k} value={k}>{e.label}（{k}）</option>)}
            </select></label>
            <button disabled={!target} onClick={() => {
              const r = addTransition(d, path, target, event || undefined);
              onChange(r.definition);
              const index = (Array.isArray(stateAt(r.definition, path)?.on?.[r.event]) ? (stateAt(r.definition, path)!.on![r.event] as unknown[]).length : 1) - 1;
              onPickEdge({ source: path.join('.'), trigger: r.event, index });
              setTarget('');
            }}>添加</button>
          </fieldset>
        </>
      )}
      <button className="danger" onClick={() => onChange(removeState(d, path))}>删除此环节</button>
    </div>
  );
}
