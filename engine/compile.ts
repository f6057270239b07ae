import { type AnyStateMachine, assign, createActor, createMachine } from 'xstate';
import { BUDGET, Meter, UncountedMeter } from './budget';
import { beyondCalendar, calendarOf, defaultCalendar } from './calendars';
import { type ActionEntry, findAction, findGuard, type GuardTools, type RunEvent } from './catalogue/index';
import { contentHash } from './contentHash';
import type { CountersignRule } from './countersign';
import { computedDelay, delayEnd, type ResolvedDelay, resolveDelay } from './delays';
import { compileCondition, compileForm, type ValidateFunction } from './formAjv';
import { countsWorkingDays, endOfDay, FormulaFault, formulaValue, hasComputedFields } from './formula/index';
import { type Call, type LiveNode, Plans, type ReplayHooks } from './plans';
import { actionList, firstStep, stepFormOf, walkMachine, type WalkedState } from './stateWalk';
import type { Calendar, CaseContext, CatalogueRef, Definition, StateNodeConfig } from './types';

/** A form ready to validate submissions. */
export interface CompiledForm {
  id: string;
  title: string;
  schema: Record<string, unknown>;
  validate: ValidateFunction;
  /** The form has computed fields (a `formula` on a field): the engine computes them before validating. */
  computed: boolean;
}

/** What the engine knows about one state node, by XState id. */
export interface StateInfo {
  id: string;
  path: string[];
  label: string;
  form?: string;
  assignee?: string;
  sla?: string;
  final: boolean;
  outcome?: string;
  /** Decided by several approvers (会签, 或签, a share of them). */
  approval?: ApprovalRule;
  /** 联审 across departments, each signing by its own role and rule. */
  countersign?: CountersignRule;
}

/** A step's approval rule (`meta.approval`). */
export interface ApprovalRule {
  mode: 'all' | 'any' | 'ratio';
  ratio?: number;
  chooseFrom?: string;
}

/** A definition compiled once: frozen, cached by content hash, safe to share. */
export interface CompiledProcess {
  readonly definition: Definition;
  readonly hash: string;
  readonly calendar: Calendar;
  readonly machine: AnyStateMachine;
  readonly forms: Readonly<Record<string, CompiledForm>>;
  readonly states: ReadonlyMap<string, StateInfo>;
  /** The form of the step a new case stands at (down the initials, inherited from an ancestor), if it has one. */
  readonly startForm: string | undefined;
  /** The event types each state (by XState id) has transitions for, `after` timer events included. */
  readonly handledEvents: ReadonlyMap<string, ReadonlySet<string>>;
  /** The pure XState runner, reused across transitions (see transition.ts). */
  readonly runner: Runner;
  /** When a delay (an `after` timer or a step's SLA) started at `now` ends for this case; null when it gives no instant. */
  readonly deadline: (delay: string, context: CaseContext, now: number) => Deadline | null;
}

/** The end of a delay: an ISO instant, approximate when counted in working days past the calendar's last year. */
export interface Deadline {
  at: string;
  approximate: boolean;
}

/** XState's actor scope, made once per compiled process; `actions` collects one call's actions. */
export interface Runner {
  scope: Parameters<AnyStateMachine['transition']>[2];
  actions: { type: string; params?: unknown }[];
  /** Live XState snapshots behind the (frozen) snapshots this process returned, so they need no restoring. */
  live: WeakMap<object, unknown>;
  /** The active state nodes of each state value met so far (stringified), so a stored case needs no restoring to be checked. */
  configurations: Map<string, readonly LiveNode[]>;
  /** Counts one call against the budget (see budget.ts); reset before each call. */
  meter: Meter;
  /** The authors' messages of the guards that refused during this call (the last one explains a refusal). */
  refusals: string[];
  /** The first formula of this call that gave an error value (a guard's, a compute action's, a deadline's): the call is refused. XState wraps what a guard throws, so it is kept here. */
  fault: FormulaFault | null;
  /** Macrostep plans (plans.ts); null on the reference compile, where every macrostep runs XState. */
  plans: Plans | null;
  /** What a replayed plan reports its microsteps and executor actions to, as XState's run does. */
  hooks: ReplayHooks;
  /** The event the running macrostep was sent: its time and actor are those of the internal events it raises. */
  sent: RunEvent | undefined;
}

/** Thrown when a definition cannot be compiled; run the checker first for the reasons. */
export class DefinitionError extends Error {
  constructor(message: string, readonly pointer: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}


const cache = new Map<string, CompiledProcess>();
const CACHE_LIMIT = 200;

export { defaultCalendar };

/** Compiles a checked definition (on the calendar it names), or returns the cached one with the same content. */
export function compile(definition: Definition, calendar: Calendar = calendarOf(definition) ?? defaultCalendar): CompiledProcess {
  const hash = contentHash({ definition, calendar });
  const hit = cache.get(hash);
  if (hit) return hit;
  const compiled = build(structuredClone(definition), calendar, hash);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(hash, compiled);
  return compiled;
}

/**
 * Turns an XState event into the catalogue's view of it. The init event carries the start as its
 * input; an internal event (a state's done event, which onDone actions see) happens at the time
 * and by the person of the event that raised it, `sent`, and carries no form data of its own.
 */
export function runEvent(event: unknown, sent?: RunEvent): RunEvent {
  const e = event as { type: string; input?: RunEvent } & RunEvent;
  if (e.type === 'xstate.init') return { ...(e.input ?? { now: 0, actorId: '', actorName: '' }), type: e.type };
  if (e.type.startsWith('xstate.')) return { type: e.type, now: sent?.now ?? 0, actorId: sent?.actorId ?? '', actorName: sent?.actorName ?? '' };
  return e;
}

const refName = (ref: CatalogueRef) => (typeof ref === 'string' ? ref : ref.type);
const refParams = (ref: CatalogueRef) => (typeof ref === 'string' ? {} : (ref.params ?? {}));
const UPDATE = '#update';

/** Splits actions that both update the case and produce an effect into two XState actions. */
function expandActions(value: unknown): CatalogueRef[] {
  return actionList(value).flatMap((ref) => {
    const entry = findAction(refName(ref));
    if (entry?.update && entry.effect) return [{ type: refName(ref) + UPDATE, params: refParams(ref) }, ref];
    return [ref];
  });
}

function expandTransition(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(expandTransition);
  if (value === null || typeof value !== 'object') return value;
  const t = value as Record<string, unknown>;
  return t.actions === undefined ? t : { ...t, actions: expandActions(t.actions) };
}

function transformNode(node: StateNodeConfig, id: string): StateNodeConfig {
  const out: Record<string, unknown> = { ...node };
  const entry = expandActions(node.entry);
  const exit = expandActions(node.exit);
  if (node.meta?.sla) {
    entry.unshift({ type: 'cf.slaStart', params: { state: id, sla: node.meta.sla } });
    exit.push({ type: 'cf.slaStop', params: { state: id } });
  }
  if (entry.length) out.entry = entry;
  if (exit.length) out.exit = exit;
  const mapValues = (o: Record<string, unknown> | undefined) =>
    o && Object.fromEntries(Object.entries(o).map(([k, v]) => [k, expandTransition(v)]));
  if (node.on) out.on = mapValues(node.on);
  if (node.after) out.after = mapValues(node.after);
  if (node.always !== undefined) out.always = expandTransition(node.always);
  if (node.onDone !== undefined) out.onDone = expandTransition(node.onDone);
  return out as StateNodeConfig;
}

function transformTree(s: WalkedState, children: ReadonlyMap<WalkedState, WalkedState[]>): StateNodeConfig {
  const out = transformNode(s.node, s.id);
  if (s.node.states) out.states = Object.fromEntries((children.get(s) ?? []).map((c) => [c.path.at(-1)!, transformTree(c, children)]));
  return out;
}

function nominalMs(def: Definition, name: string): number {
  // A computed delay's instant depends on the case: the timer effect carries it (transition.ts); XState only needs a delay to schedule.
  if (computedDelay(def, name) !== undefined) return 1000;
  const d = resolveDelay(def, name);
  if (!d) throw new DefinitionError(`未知的时限「${name}」`, '/machine');
  const p = d.parts;
  return ((((p.years * 365 + p.months * 30 + p.weeks * 7 + p.days) * 24 + p.hours) * 60 + p.minutes) * 60 + p.seconds) * 1000;
}

/**
 * Compiles without the budget's counting (uncached): only for `npm run bench:engine`, which
 * measures what the budget costs. Never run cases on it.
 */
export function compileUnmetered(definition: Definition, calendar: Calendar = defaultCalendar): CompiledProcess {
  return build(structuredClone(definition), calendar, contentHash({ definition, calendar }), { metered: false });
}

/**
 * Compiles without macrostep plans (uncached): every transition runs XState itself. The
 * reference the differential test holds the plans to, and the benchmark's measure of them.
 */
export function compileReference(definition: Definition, calendar: Calendar = calendarOf(definition) ?? defaultCalendar): CompiledProcess {
  return build(structuredClone(definition), calendar, contentHash({ definition, calendar }), { planned: false });
}

function build(def: Definition, calendar: Calendar, hash: string, { metered = true, planned = true } = {}): CompiledProcess {
  const forms: Record<string, CompiledForm> = Object.create(null);
  for (const [id, f] of Object.entries(def.forms)) {
    try {
      forms[id] = { id, title: f.title, schema: f.schema as Record<string, unknown>, validate: compileForm(f.schema), computed: hasComputedFields(f.schema) };
    } catch (e) {
      throw new DefinitionError(`表单「${id}」的 schema 无法编译：${(e as Error).message}`, `/forms/${id}/schema`);
    }
  }
  const conditionCache = new WeakMap<object, ValidateFunction>();
  const condition = (schema: object) => {
    let v = conditionCache.get(schema);
    if (!v) {
      v = compileCondition(schema);
      conditionCache.set(schema, v);
    }
    return v;
  };
  const meter = metered ? new Meter() : new UncountedMeter();
  const refusals: string[] = [];
  /** Runs a guard or an action within the meter, keeping the first formula fault it throws. */
  const watch = <T>(fn: () => T): T => {
    try {
      return meter.watch(fn);
    } catch (e) {
      if (e instanceof FormulaFault) runner.fault ??= e;
      throw e;
    }
  };
  const plans = planned ? new Plans() : null;
  /** An assignment XState runs, recorded into the plan being made. */
  const traced = (call: Call) =>
    assign((args, params) => {
      plans?.assign(call, params, args.event);
      return call(args as never, params) as Partial<CaseContext>;
    });
  const tick = (n?: number) => meter.formulaStep(n);
  const formulaEnv = (context: CaseContext, event: RunEvent) => ({ data: context.data, submitted: event.data, now: event.now, calendar, tick });
  const tools: GuardTools = {
    formulaEnv,
    refuse: (message) => void refusals.push(message),
    test: (schema, value) => {
      meter.evaluation();
      return condition(schema)(value) === true;
    },
    evaluate(ref, context, event) {
      meter.evaluation();
      const entry = findGuard(refName(ref));
      return entry ? entry.evaluate(context, event, refParams(ref), tools) : false;
    },
  };

  const walked = walkMachine(def);
  const children = new Map<WalkedState, WalkedState[]>();
  for (const s of walked) if (s.parent) children.set(s.parent, [...(children.get(s.parent) ?? []), s]);
  const guardImpls: Record<string, unknown> = Object.create(null);
  const actionImpls: Record<string, unknown> = Object.create(null);
  const delayImpls: Record<string, number> = Object.create(null);

  const addAction = (entry: ActionEntry) => {
    if (entry.update) {
      const { update, written } = entry;
      actionImpls[entry.effect ? entry.name + UPDATE : entry.name] = traced(({ context, event }, params) => {
        meter.action();
        const ev = runEvent(event, runner.sent);
        const p = (params ?? {}) as Record<string, unknown>;
        if (written) meter.wrote(written(ev, p));
        return watch(() => update(context, ev, p, { formulaEnv }));
      });
    }
    if (entry.effect) actionImpls[entry.name] = () => undefined;
  };
  for (const s of walked) {
    for (const ref of [...actionList(s.node.entry), ...actionList(s.node.exit)]) {
      const e = findAction(refName(ref));
      if (e) addAction(e);
    }
    for (const key of Object.keys(s.node.after ?? {})) delayImpls[key] = nominalMs(def, key);
  }
  const refs = walkAllTransitionRefs(def.machine as StateNodeConfig);
  for (const schema of refs.conditions) {
    try {
      condition(schema);
    } catch (e) {
      throw new DefinitionError(`条件无法编译：${(e as Error).message}`, '/machine');
    }
  }
  for (const t of refs.names) {
    const a = findAction(t);
    if (a) addAction(a);
    const g = findGuard(t);
    if (!g) continue;
    const call: Call = ({ context, event }, params) => {
      meter.evaluation();
      return watch(() => g.evaluate(context, runEvent(event, runner.sent), (params ?? {}) as Record<string, unknown>, tools));
    };
    guardImpls[t] = (args: { context: CaseContext; event: unknown }, params: unknown) => {
      const result = call(args, params) as boolean;
      plans?.guard(call, params, args.event, result);
      return result;
    };
  }
  // Each delay name resolved once: a step's SLA is worked out on every step that enters it.
  const delays = new Map<string, { formula: string | undefined; delay: ResolvedDelay | null }>();
  const delayOf = (name: string) => {
    let d = delays.get(name);
    if (!d) delays.set(name, (d = { formula: computedDelay(def, name), delay: resolveDelay(def, name) }));
    return d;
  };
  const deadline = (name: string, context: CaseContext, now: number): Deadline | null => {
    // A computed delay ("=WORKDAY(agreement.signedOn, 5)") ends at the end of the day it gives (23:59:59 Beijing time).
    const { formula, delay } = delayOf(name);
    if (formula !== undefined) {
      const day = formulaValue(formula, { data: context.data, now, calendar, tick }, (n) => `计算期限「${n.startsWith('=') ? n.slice(1) : (def.delays?.[n]?.label ?? n)}」时，`, name);
      const at = typeof day === 'string' ? endOfDay(day, calendar) : null;
      // A working-day formula (WORKDAY) past the calendar's last year counts no holidays: approximate, as a working-day duration is.
      return at === null ? null : { at, approximate: countsWorkingDays(formula) && beyondCalendar(calendar, at) };
    }
    if (!delay) return null;
    const at = new Date(delayEnd(delay, now, calendar)).toISOString();
    return { at, approximate: delay.workingDays && beyondCalendar(calendar, at) };
  };
  actionImpls['cf.slaStart'] = traced(({ context: ctx, event }, p) => {
    meter.action();
    const params = p as { state: string; sla: string };
    const end = watch(() => deadline(params.sla, ctx, runEvent(event, runner.sent).now));
    const { [params.state]: _was, ...approx } = ctx.dueApprox ?? {};
    if (end?.approximate) approx[params.state] = true;
    if (delayOf(params.sla).formula !== undefined) {
      const { [params.state]: _gone, ...rest } = ctx.due;
      const marks = end?.approximate || ctx.dueApprox?.[params.state] ? { dueApprox: approx } : {};
      return end === null ? { due: rest, ...marks } : { due: { ...rest, [params.state]: end.at }, ...marks };
    }
    if (!end) return {};
    return { due: { ...ctx.due, [params.state]: end.at }, dueApprox: approx };
  });
  actionImpls['cf.slaStop'] = traced(({ context: ctx }, p) => {
    meter.action();
    const params = p as { state: string };
    const due = { ...ctx.due };
    delete due[params.state];
    if (!ctx.dueApprox?.[params.state]) return { due };
    const { [params.state]: _was, ...approx } = ctx.dueApprox;
    return { due, dueApprox: approx };
  });

  const config = {
    ...transformTree(walked[0]!, children),
    id: walked[0]!.id,
    // XState's own loop guard, a backstop behind the meter's microstep count.
    options: { maxIterations: BUDGET.microsteps + 1 },
    context: ({ input }: { input?: { data?: Record<string, unknown> } }): CaseContext => ({
      data: input?.data ?? {},
      due: {},
      children: { total: 0, done: 0 },
    }),
  };
  let machine: AnyStateMachine;
  try {
    machine = createMachine(config as never).provide({ guards: guardImpls, actions: actionImpls, delays: delayImpls } as never);
  } catch (e) {
    throw new DefinitionError(`流程无法编译：${(e as Error).message}`, '/machine');
  }

  const states = new Map<string, StateInfo>();
  const handledEvents = new Map<string, Set<string>>();
  for (const s of walked) {
    const events = new Set(Object.keys(s.node.on ?? {}));
    for (const delay of Object.keys(s.node.after ?? {})) events.add(`xstate.after.${delay}.${s.id}`);
    handledEvents.set(s.id, events);
    const meta = s.node.meta ?? {};
    const info: StateInfo = { id: s.id, path: s.path, label: meta.label ?? s.path[s.path.length - 1] ?? def.title, final: s.kind === 'final' };
    if (meta.form) info.form = meta.form;
    if (meta.assignee) info.assignee = meta.assignee;
    if (meta.sla) info.sla = meta.sla;
    if (meta.outcome) info.outcome = meta.outcome;
    if (meta.approval) info.approval = meta.approval as ApprovalRule;
    if (meta.countersign) info.countersign = meta.countersign;
    states.set(s.id, Object.freeze(info));
  }

  const self = createActor(machine);
  const hooks: ReplayHooks = {
    step: (nodes) => meter.step({ _nodes: nodes }),
    exec: (action) => {
      meter.action();
      runner.actions.push(action);
    },
  };
  const runner: Runner = { actions: [], live: new WeakMap(), configurations: new Map(), meter, refusals, fault: null, plans, hooks, sent: undefined, scope: undefined as unknown as Runner['scope'] };
  // XState reports every microstep to the system's inspection hook: the meter counts them there, and the plan being made records them.
  const system = (self as unknown as { system: { _sendInspectionEvent(ev: { type: string; snapshot?: unknown }): void } }).system;
  const watchedSystem = Object.create(system, {
    _sendInspectionEvent: {
      value: (ev: { type: string; snapshot?: { _nodes: LiveNode[] } }) => {
        if (ev.type === '@xstate.microstep') {
          meter.step(ev.snapshot);
          plans?.step(ev.snapshot!._nodes);
        }
        system._sendInspectionEvent(ev);
      },
    },
  });
  runner.scope = {
    self,
    defer: () => undefined,
    id: '',
    logger: () => undefined,
    sessionId: '',
    stopChild: () => undefined,
    system: watchedSystem,
    emit: () => undefined,
    actionExecutor: (action: { type: string; params?: unknown }) => {
      meter.action();
      runner.actions.push(action);
      plans?.exec(action);
    },
  } as unknown as Runner['scope'];

  return Object.freeze({ definition: deepFreeze(def), hash, calendar, machine, forms: Object.freeze(forms), states, startForm: stepFormOf(firstStep(walked)), handledEvents, runner, deadline });
}

/** Every guard and action name used in transitions (nested guards included), and every condition schema. */
function walkAllTransitionRefs(root: StateNodeConfig): { names: Set<string>; conditions: object[] } {
  const names = new Set<string>();
  const conditions: object[] = [];
  const visitRef = (ref: unknown) => {
    if (typeof ref === 'string') names.add(ref);
    else if (ref && typeof ref === 'object' && typeof (ref as { type?: unknown }).type === 'string') {
      const r = ref as { type: string; params?: Record<string, unknown> };
      names.add(r.type);
      const p = r.params ?? {};
      if (r.type === 'matches' && p.schema && typeof p.schema === 'object') conditions.push(p.schema);
      if (Array.isArray(p.guards)) p.guards.forEach(visitRef);
      if (p.guard !== undefined) visitRef(p.guard);
    }
  };
  const visitTransition = (t: unknown) => {
    for (const item of Array.isArray(t) ? t : [t]) {
      if (item && typeof item === 'object') {
        const o = item as { guard?: unknown; actions?: unknown };
        if (o.guard !== undefined) visitRef(o.guard);
        actionList(o.actions).forEach(visitRef);
      }
    }
  };
  const visitNode = (n: StateNodeConfig) => {
    Object.values(n.on ?? {}).forEach(visitTransition);
    Object.values(n.after ?? {}).forEach(visitTransition);
    if (n.always !== undefined) visitTransition(n.always);
    if (n.onDone !== undefined) visitTransition(n.onDone);
    Object.values(n.states ?? {}).forEach(visitNode);
  };
  visitNode(root);
  return { names, conditions };
}

/** Freezes a value and everything in it, skipping parts already frozen (so repeat calls cost only what is new). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (Array.isArray(value)) for (const item of value) deepFreeze(item);
    else for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
