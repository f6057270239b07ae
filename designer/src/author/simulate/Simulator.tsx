import { useEffect, useMemo, useState } from 'react';
import type { CheckReport } from '../../../../engine/index';
import { compile } from '../../../../engine/index';
import { startRolesOf } from '../../../../engine/index';
import { availableEvents, currentSteps, startCase, transition, type TransitionResult } from '../../../../engine/index';
import type { Actor, CaseSnapshot, Definition, Effect, Level } from '../../../../engine/index';
import { api } from '../../api';
import { StepForm } from '../../stepForm';
import FlowGraph from '../flow/FlowGraph';
import { LEVELS } from '../labels';

interface Unit { id: string; parentId: string | null; level: Level; name: string; path: string }
interface Timer { timerId: string; type: string; dueAt: string }
interface Entry { snapshot: CaseSnapshot; now: number; timers: Timer[]; said: string; effects: Effect[] }

const DAY = 86_400_000;
const fmt = (ms: number | string) => new Date(ms).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' });

function effectText(e: Effect): string {
  if (e.type === 'schedule') return `定时：${fmt(e.dueAt)} 到期（${e.event.type}）`;
  if (e.type === 'cancel') return `取消定时 ${e.timerId}`;
  if (e.type === 'spawn') return `派生 ${e.items.length} 个子案件（${e.processId}）`;
  return `提醒 ${e.roles.join('、')}：${e.message}`;
}

function applyTimers(timers: Timer[], effects: Effect[]): Timer[] {
  let out = [...timers];
  for (const e of effects) {
    if (e.type === 'cancel') out = out.filter((t) => t.timerId !== e.timerId);
    if (e.type === 'schedule') out = [...out.filter((t) => t.timerId !== e.timerId), { timerId: e.timerId, type: e.event.type, dueAt: e.dueAt }];
  }
  return out;
}

/** Runs the draft in the browser, saving nothing: choose who acts where, fill forms, send events, move the clock, step back. */
export default function Simulator({ definition, report }: { definition: Definition; report: CheckReport }) {
  const [units, setUnits] = useState<Unit[]>([]);
  useEffect(() => { api<Unit[]>('GET', '/api/org-units').then(setUnits, () => undefined); }, []);
  const compiled = useMemo(() => (report.ok ? compile(definition) : null), [definition, report.ok]);
  const [caseUnit, setCaseUnit] = useState('');
  const [role, setRole] = useState('');
  const [actorUnitId, setActorUnitId] = useState('');
  const [history, setHistory] = useState<Entry[]>([]);
  const [data, setData] = useState<unknown>({});
  const [refusal, setRefusal] = useState<string>();
  if (!compiled) return <p className="error">草稿还有错误（见右侧），改正后才能模拟运行。</p>;
  const caseUnits = units.filter((u) => u.level === definition.caseLevel);
  const unit = units.find((u) => u.id === caseUnit) ?? caseUnits[0];
  const unitPath = unit ? unit.path.split('/') : [];
  const roleDef = definition.roles[role];
  // The actor holds the role at the case's unit or the ancestor at the role's level.
  const covering = unitPath.map((id) => units.find((u) => u.id === id)).reverse().find((u) => u && (!roleDef?.level || u.level === roleDef.level));
  // By default the role is held where it covers the case; any other unit may be chosen to see what a stranger is refused.
  const actorUnit = units.find((u) => u.id === actorUnitId && (!roleDef?.level || u.level === roleDef.level)) ?? covering;
  const actorUnits = units.filter((u) => !roleDef?.level || u.level === roleDef.level);
  const actor: Actor = { id: 'sim', name: `模拟：${roleDef?.label ?? ''}`, grants: role && actorUnit ? [{ role, unitPath: actorUnit.path.split('/'), level: actorUnit.level }] : [] };
  const current = history.at(-1);
  const steps = current ? currentSteps(compiled, current.snapshot) : [];
  const events = current ? availableEvents(compiled, current.snapshot, actor, unitPath) : [];
  const record = (r: TransitionResult, said: string, now: number, timers: Timer[]) => {
    if (!r.ok) {
      setRefusal(`${r.rejection.message}${r.rejection.details.length ? `：${r.rejection.details.map((x) => `${x.field ? `「${x.field}」` : ''}${x.message}`).join('；')}` : ''}`);
      return;
    }
    setRefusal(undefined);
    setData({});
    setHistory((h) => [...h, { snapshot: r.snapshot, now, timers: applyTimers(timers, r.effects), said, effects: r.effects }]);
  };
  const start = () => {
    const now = Date.now();
    const assignee = startRolesOf(definition)[0] ?? steps[0]?.assignee;
    const starter = role || assignee || '';
    if (!role && starter) setRole(starter);
    const sd = definition.roles[starter];
    const at = unitPath.map((id) => units.find((u) => u.id === id)).reverse().find((u) => u && (!sd?.level || u.level === sd.level));
    const who: Actor = { id: 'sim', name: '模拟', grants: at ? [{ role: starter, unitPath: at.path.split('/'), level: at.level }] : [] };
    setHistory([]);
    record(startCase(compiled, { now, actor: who, unitPath }), `${sd?.label ?? starter} 发起案件`, now, []);
  };
  const advance = (to: number) => {
    if (!current) return;
    let snapshot = current.snapshot;
    let timers = current.timers;
    const entries: Entry[] = [];
    for (const t of [...timers].sort((a, b) => a.dueAt.localeCompare(b.dueAt))) {
      if (Date.parse(t.dueAt) > to) break;
      const r = transition(compiled, snapshot, { type: t.type }, { now: Date.parse(t.dueAt), actor: { id: 'system', grants: [] }, unitPath, system: true });
      timers = timers.filter((x) => x.timerId !== t.timerId);
      if (!r.ok) continue;
      snapshot = r.snapshot;
      timers = applyTimers(timers, r.effects);
      entries.push({ snapshot, now: Date.parse(t.dueAt), timers, said: `时限到：${t.type}`, effects: r.effects });
    }
    setHistory((h) => [...h, ...entries, { snapshot, now: to, timers, said: `时钟拨到 ${fmt(to)}`, effects: [] }]);
  };
  const dueSteps = current ? Object.entries(current.snapshot.context.due ?? {}) : [];
  const nextDue = current && [...current.timers.map((t) => Date.parse(t.dueAt)), ...dueSteps.map(([, at]) => Date.parse(at))].filter((t) => t > current.now).sort((a, b) => a - b)[0];
  const overdue = current ? dueSteps.some(([, at]) => Date.parse(at) < current.now) : false;
  return (
    <div className="simulator">
      <div className="sim-graph">
        <FlowGraph definition={definition} active={steps.map((s) => s.path.join('.'))} />
      </div>
      <div className="sim-side">
        <div className="pair">
          <label>案件所在单位（{LEVELS[definition.caseLevel]}）<select value={unit?.id ?? ''} onChange={(e) => { setCaseUnit(e.target.value); setHistory([]); }}>
            {caseUnits.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select></label>
          <label>谁来操作（角色）<select aria-label="模拟角色" value={role} onChange={(e) => { setRole(e.target.value); setActorUnitId(''); }}>
            <option value="">选择角色…</option>
            {Object.entries(definition.roles).map(([id, r]) => <option key={id} value={id}>{r.label}</option>)}
          </select></label>
        </div>
        {role && (
          <label>在哪个单位（{roleDef?.label}）<select aria-label="模拟单位" value={actorUnit?.id ?? ''} onChange={(e) => setActorUnitId(e.target.value)}>
            {!actorUnit && <option value="">（本案件上级没有该层级的单位）</option>}
            {actorUnits.map((u) => <option key={u.id} value={u.id}>{u.name}{u.id === covering?.id ? '（管辖本案件）' : ''}</option>)}
          </select></label>
        )}
        {!current && <button className="primary" disabled={!unit} onClick={start}>发起一个模拟案件</button>}
        {current && (
          <>
            <p className="sim-now">模拟时间：<strong>{fmt(current.now)}</strong> · 当前环节：<strong>{steps.map((s) => s.label).join('、') || '—'}</strong>
              {current.snapshot.status === 'done' && <span className="badge">已办结</span>}</p>
            {dueSteps.length > 0 && <p className={overdue ? 'late' : 'muted'}>办理期限：{dueSteps.map(([, at]) => fmt(at)).join('、')}{overdue ? '（已超期）' : ''}</p>}
            {refusal && <p className="error" role="alert">被拒绝：{refusal}</p>}
            {steps.some((s) => s.assignee && s.assignee !== role) && current.snapshot.status === 'active' && (
              <button onClick={() => { setRole(steps.find((s) => s.assignee)!.assignee!); setActorUnitId(''); }}>切换为本环节办理人（{definition.roles[steps.find((s) => s.assignee)!.assignee!]?.label}）</button>
            )}
            {events.length === 0 && current.snapshot.status === 'active' && <p className="muted">当前角色在这一步没有可做的操作。</p>}
            {events.map((ev) => (
              <div key={ev.type} className="sim-event">
                {ev.form && definition.forms[ev.form] ? (
                  <details open={events.length === 1 || ev.kind === 'submit'}>
                    <summary>{ev.label}（填写「{definition.forms[ev.form]!.title}」）</summary>
                    <StepForm schema={definition.forms[ev.form]!.schema} uiSchema={definition.forms[ev.form]!.uiSchema as never} formData={data} onChange={setData} submitLabel={ev.label}
                      onSubmit={(d) => record(transition(compiled, current.snapshot, { type: ev.type, data: d }, { now: current.now, actor, unitPath }), `${roleDef?.label}：${ev.label}`, current.now, current.timers)} />
                  </details>
                ) : (
                  <button className={`kind-${ev.kind}`} onClick={() => record(transition(compiled, current.snapshot, { type: ev.type }, { now: current.now, actor, unitPath }), `${roleDef?.label}：${ev.label}`, current.now, current.timers)}>{ev.label}</button>
                )}
              </div>
            ))}
            <div className="actions">
              <button onClick={() => advance(current.now + DAY)}>时钟 +1 天</button>
              <button onClick={() => advance(current.now + 7 * DAY)}>+7 天</button>
              {nextDue !== undefined && <button onClick={() => advance(nextDue + 1000)}>到下一个时限</button>}
              <button disabled={history.length < 2} onClick={() => { setHistory((h) => h.slice(0, -1)); setRefusal(undefined); }}>退回上一步</button>
              <button onClick={() => { setHistory([]); setRefusal(undefined); }}>重新开始</button>
            </div>
            <h4>经过</h4>
            <ol className="sim-log">
              {history.map((h, i) => (
                <li key={i}><time>{fmt(h.now)}</time> {h.said}
                  {h.effects.length > 0 && <ul>{h.effects.map((e, j) => <li key={j} className="muted">{effectText(e)}</li>)}</ul>}
                </li>
              ))}
            </ol>
            {current.timers.length > 0 && <p className="muted">等待中的定时：{current.timers.map((t) => `${t.type} @ ${fmt(t.dueAt)}`).join('；')}</p>}
          </>
        )}
      </div>
    </div>
  );
}
