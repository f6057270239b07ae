import { useEffect, useMemo, useState } from 'react';
import type { CheckReport } from '../../../../engine/index';
import { compile } from '../../../../engine/index';
import { startRolesOf } from '../../../../engine/index';
import { availableEvents, currentSteps, eventsForOthers, startCase, transition, type TransitionResult } from '../../../../engine/index';
import type { Actor, CaseSnapshot, Definition, Effect, Level } from '../../../../engine/index';
import { api } from '../../api';
import { StepForm } from '../../stepForm';
import FlowGraph from '../flow/FlowGraph';
import { LEVELS } from '../labels';
import { t } from '../../i18n';

interface Unit { id: string; parentId: string | null; level: Level; name: string; path: string }
interface Timer { timerId: string; type: string; dueAt: string }
interface Entry { snapshot: CaseSnapshot; now: number; timers: Timer[]; said: string; effects: Effect[] }

const DAY = 86_400_000;
const fmt = (ms: number | string) => new Date(ms).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', weekday: 'short', hour: '2-digit', minute: '2-digit' });

function effectText(e: Effect): string {
  if (e.type === 'schedule') return t('simulator.timerDue', { fmt: fmt(e.dueAt), type: e.event.type });
  if (e.type === 'cancel') return t('simulator.timerCancelled', { timerId: e.timerId });
  if (e.type === 'spawn') return t('simulator.childCasesStarted', { length: e.items.length, processId: e.processId });
  return t('simulator.reminder', { roles: e.roles.join(t('common.listComma')), message: e.message });
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
  if (!compiled) return <p className="error">{t('simulator.theDraftStillHasErrors')}</p>;
  const caseUnits = units.filter((u) => u.level === definition.caseLevel);
  const unit = units.find((u) => u.id === caseUnit) ?? caseUnits[0];
  const unitPath = unit ? unit.path.split('/') : [];
  const roleDef = definition.roles[role];
  // The actor holds the role at the case's unit or the ancestor at the role's level.
  const covering = unitPath.map((id) => units.find((u) => u.id === id)).reverse().find((u) => u && (!roleDef?.level || u.level === roleDef.level));
  // By default the role is held where it covers the case; any other unit may be chosen to see what a stranger is refused.
  const actorUnit = units.find((u) => u.id === actorUnitId && (!roleDef?.level || u.level === roleDef.level)) ?? covering;
  const actorUnits = units.filter((u) => !roleDef?.level || u.level === roleDef.level);
  const actor: Actor = { id: 'sim', name: t('simulator.simulated', { role: roleDef?.label ?? '' }), grants: role && actorUnit ? [{ role, unitPath: actorUnit.path.split('/'), level: actorUnit.level }] : [] };
  const current = history.at(-1);
  const steps = current ? currentSteps(compiled, current.snapshot) : [];
  const events = current ? availableEvents(compiled, current.snapshot, actor, unitPath) : [];
  const others = current ? eventsForOthers(compiled, current.snapshot, actor, unitPath) : [];
  const record = (r: TransitionResult, said: string, now: number, timers: Timer[]) => {
    if (!r.ok) {
      setRefusal(r.rejection.details.length ? t('common.withDetails', { message: r.rejection.message, details: r.rejection.details.map((x) => `${x.field ? t('simulator.quotedField', { field: x.field }) : ''}${x.message}`).join(t('common.semicolon')) }) : r.rejection.message);
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
    const who: Actor = { id: 'sim', name: t('simulator.simulation'), grants: at ? [{ role: starter, unitPath: at.path.split('/'), level: at.level }] : [] };
    setHistory([]);
    record(startCase(compiled, { now, actor: who, unitPath }), t('simulator.startsTheCase', { role: sd?.label ?? starter }), now, []);
  };
  const advance = (to: number) => {
    if (!current) return;
    let snapshot = current.snapshot;
    let timers = current.timers;
    const entries: Entry[] = [];
    for (const timer of [...timers].sort((a, b) => a.dueAt.localeCompare(b.dueAt))) {
      if (Date.parse(timer.dueAt) > to) break;
      const r = transition(compiled, snapshot, { type: timer.type }, { now: Date.parse(timer.dueAt), actor: { id: 'system', grants: [] }, unitPath, system: true });
      timers = timers.filter((x) => x.timerId !== timer.timerId);
      if (!r.ok) continue;
      snapshot = r.snapshot;
      timers = applyTimers(timers, r.effects);
      entries.push({ snapshot, now: Date.parse(timer.dueAt), timers, said: t('simulator.timeLimitReached', { type: timer.type }), effects: r.effects });
    }
    setHistory((h) => [...h, ...entries, { snapshot, now: to, timers, said: t('simulator.clockSetTo', { fmt: fmt(to) }), effects: [] }]);
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
          <label>{t('simulator.caseUnit')}{LEVELS[definition.caseLevel]}{t('common.closeParen')}<select value={unit?.id ?? ''} onChange={(e) => { setCaseUnit(e.target.value); setHistory([]); }}>
            {caseUnits.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select></label>
          <label>{t('simulator.whoActsRole')}<select aria-label={t('simulator.simulatedRole')} value={role} onChange={(e) => { setRole(e.target.value); setActorUnitId(''); }}>
            <option value="">{t('simulator.chooseARole')}</option>
            {Object.entries(definition.roles).map(([id, r]) => <option key={id} value={id}>{r.label}</option>)}
          </select></label>
        </div>
        {role && (
          <label>{t('simulator.inWhichUnit')}{roleDef?.label}{t('common.closeParen')}<select aria-label={t('simulator.simulatedUnit')} value={actorUnit?.id ?? ''} onChange={(e) => setActorUnitId(e.target.value)}>
            {!actorUnit && <option value="">{t('simulator.noUnitOfThatLevel')}</option>}
            {actorUnits.map((u) => <option key={u.id} value={u.id}>{u.name}{u.id === covering?.id ? t('simulator.overThisCase') : ''}</option>)}
          </select></label>
        )}
        {!current && <button className="primary" disabled={!unit} onClick={start}>{t('simulator.startASimulatedCase')}</button>}
        {current && (
          <>
            <p className="sim-now">{t('simulator.simulatedTime')}<strong>{fmt(current.now)}</strong> {t('simulator.currentStep')}<strong>{steps.map((s) => s.label).join(t('common.listComma')) || '—'}</strong>
              {current.snapshot.status === 'done' && <span className="badge">{t('simulator.closed')}</span>}</p>
            {dueSteps.length > 0 && <p className={overdue ? 'late' : 'muted'}>{t('simulator.due')}{dueSteps.map(([, at]) => fmt(at)).join(t('common.listComma'))}{overdue ? t('simulator.overdue') : ''}</p>}
            {refusal && <p className="error" role="alert">{t('simulator.refused', { refusal })}</p>}
            {steps.some((s) => s.assignee && s.assignee !== role) && current.snapshot.status === 'active' && (
              <button onClick={() => { setRole(steps.find((s) => s.assignee)!.assignee!); setActorUnitId(''); }}>{t('simulator.switchToThisStepS', { label: definition.roles[steps.find((s) => s.assignee)!.assignee!]?.label })}</button>
            )}
            {events.length === 0 && current.snapshot.status === 'active' && <p className="muted">{t('simulator.theCurrentRoleHasNothing')}</p>}
            {others.map((o) => <p key={o.type} className="muted sim-unavailable">{t('simulator.onlyOthers', { label: o.label, roles: o.roles.map((r) => definition.roles[r]?.label ?? r).join(t('common.listComma')) || t('simulator.nobody') })}</p>)}
            {events.map((ev) => (
              <div key={ev.type} className="sim-event">
                {ev.form && definition.forms[ev.form] ? (
                  <details open={events.length === 1 || ev.kind === 'submit'}>
                    <summary>{t('simulator.fillIn', { label: ev.label, title: definition.forms[ev.form]!.title })}</summary>
                    <StepForm schema={definition.forms[ev.form]!.schema} uiSchema={definition.forms[ev.form]!.uiSchema as never} formData={data} onChange={setData} submitLabel={ev.label}
                      onSubmit={(d) => record(transition(compiled, current.snapshot, { type: ev.type, data: d }, { now: current.now, actor, unitPath }), t('simulator.roleAction', { role: roleDef?.label, action: ev.label }), current.now, current.timers)} />
                  </details>
                ) : (
                  <button className={`kind-${ev.kind}`} onClick={() => record(transition(compiled, current.snapshot, { type: ev.type }, { now: current.now, actor, unitPath }), t('simulator.roleAction', { role: roleDef?.label, action: ev.label }), current.now, current.timers)}>{ev.label}</button>
                )}
              </div>
            ))}
            <div className="actions">
              <button onClick={() => advance(current.now + DAY)}>{t('simulator.clock1Day')}</button>
              <button onClick={() => advance(current.now + 7 * DAY)}>{t('simulator.7Days')}</button>
              {nextDue !== undefined && <button onClick={() => advance(nextDue + 1000)}>{t('simulator.toTheNextTimeLimit')}</button>}
              <button disabled={history.length < 2} onClick={() => { setHistory((h) => h.slice(0, -1)); setRefusal(undefined); }}>{t('simulator.backOneStep')}</button>
              <button onClick={() => { setHistory([]); setRefusal(undefined); }}>{t('simulator.startAgain')}</button>
            </div>
            <h4>{t('simulator.history')}</h4>
            <ol className="sim-log">
              {history.map((h, i) => (
                <li key={i}><time>{fmt(h.now)}</time> {h.said}
                  {h.effects.length > 0 && <ul>{h.effects.map((e, j) => <li key={j} className="muted">{effectText(e)}</li>)}</ul>}
                </li>
              ))}
            </ol>
            {current.timers.length > 0 && <p className="muted">{t('simulator.timersWaiting')}{current.timers.map((t) => `${t.type} @ ${fmt(t.dueAt)}`).join(t('common.semicolon'))}</p>}
          </>
        )}
      </div>
    </div>
  );
}
