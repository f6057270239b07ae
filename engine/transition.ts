import type { AnyMachineSnapshot } from 'xstate';
import { BudgetExceeded, budgetMessage, overrunWhat } from './budget';
import { findAction, type RunEvent } from './catalogue/index';
import { returnFieldProblem } from './returnField';
import { rowPickProblem } from './rowPicks';
import { type Ballot, ballotMet, ballotOf } from './approval';
import { type CompiledProcess, deepFreeze, type Runner, type StateInfo } from './compile';
import { countersignState, type CountersignState, type CountersignView, countersignView, decide, type Department, type DepartmentHolders, departmentsDue, mayDecide } from './countersign';
import { type Ending, type LiveNode, Plans, type Ran } from './plans';
import { fieldLabel, toFieldErrors, unknownFieldErrors } from './fieldErrors';
import { computeFormFields, ComputedFieldOverrun, FormulaFault } from './formula/index';
import { RECALENDAR_EVENT, recalendared } from './recalendar';
import { REASSIGN_SIGNER_EVENT, reassignedSigner } from './reassignSigner';
import { mayAct, rolesInStep, startRolesOf } from './rights';
import { dataTooLarge, listsTooLong, type StepLimits } from './stepLimits';
import { type OrderedStep, progressOf, type ProgressStep, stepOrder } from './stepOrder';
import type { Actor, CaseContext, CaseEvent, CaseSnapshot, Effect, FieldError, Rejection, RejectionCode, StateValue } from './types';

/** Inputs a transition needs besides the snapshot and event: time and who acts where. */
export interface TransitionOptions {
  /** Current time, given by the caller: the engine never reads a clock. */
  now: number | Date;
  actor: Actor;
  /** Org-unit ids from the county root down to the case's unit. */
  unitPath: readonly string[];
  /** Set by the server for timer and child-case events, which no user may send. */
  system?: boolean;
  /**
   * The users who may approve a step decided by several approvers (those holding its role at
   * the case's unit or above), as the caller knows them at this moment; recorded with the event
   * so a replay counts the same. Not needed when the step's approvers come from a form.
   */
  approvers?: readonly string[];
  /**
   * The people of each department of a countersign step (联审), by the department's role: those
   * holding it where the case is (at the department's level), as the caller knows them at this
   * moment; recorded with the event so a replay counts the same. Without them (the designer's
   * simulator), the actor's grants say whose turn they are in and each department needs one signature.
   */
  holders?: DepartmentHolders;
  /** What the step may store (stepLimits.ts), checked before anything is written; absent, nothing is checked (a replay). */
  limits?: StepLimits;
}

/** An accepted transition: the new snapshot and what the server must do in the same transaction. */
export interface Accepted {
  ok: true;
  snapshot: CaseSnapshot;
  effects: Effect[];
  /** The form the event's data was validated against, if any. */
  formId?: string;
  /** The event's data as the engine took it (computed fields filled in): what the audit trail records. */
  data?: unknown;
  state: StateValue;
  status: 'active' | 'done';
  outcome?: string;
  /** The earliest SLA due instant of the active states, or null. */
  dueAt: string | null;
}

/** A refused transition: nothing changed. */
export interface Rejected {
  ok: false;
  rejection: Rejection;
}

export type TransitionResult = Accepted | Rejected;

/** The Chinese message of every rejection: the one source (the server's error catalogue uses these for the codes it maps them to). */
export const REJECTION_MESSAGES: Readonly<Record<RejectionCode, string>> = {
  'unknown-event': '流程中没有这个操作',
  'forbidden-role': '您的角色或所在单位无权执行此操作',
  'not-allowed-in-state': '案件当前所处环节不能执行此操作',
  'condition-not-met': '不满足执行此操作的条件',
  'invalid-data': '提交的数据有误，请按提示修改',
  'case-closed': '案件已办结，不能再操作',
  'invalid-snapshot': '案件状态数据已损坏，无法继续办理，请联系管理员',
  'over-budget': '流程定义有误：这一步超出了单次操作的上限，已停止，案件没有任何改变',
  'already-approved': '您已同意过，正在等待其他审批人',
  'claimed-by-other': '这一步已由他人认领办理',
  'waiting-for-signer': '您请的加签人还没有审批，请等其审批后再办理',
  'not-their-turn': '还没轮到您所在的部门审批，或本部门已审批完毕',
  'too-large': '这一步要保存的内容超过了上限，案件没有任何改变',
  'formula-error': '流程中的公式出错（如除数为零），这一步没有办理，案件没有任何改变',
};

const reject = (code: RejectionCode, details: FieldError[] = [], message = REJECTION_MESSAGES[code]): Rejected => ({
  ok: false,
  rejection: { code, message, details },
});

const toMs = (now: number | Date) => (typeof now === 'number' ? now : now.getTime());

/** Restores a stored snapshot into XState, or null when it does not fit the machine. */
function restore(compiled: CompiledProcess, snapshot: CaseSnapshot): AnyMachineSnapshot | null {
  const held = compiled.runner.live.get(snapshot);
  if (held) return held as AnyMachineSnapshot;
  try {
    // Resolved from its state value, not through restoreSnapshot: a CountyFlow snapshot has no child
    // actors and its context is plain JSON, so XState's walk over the whole context for actor refs is skipped.
    const historyValue: Record<string, unknown[]> = {};
    for (const [key, list] of Object.entries(snapshot.historyValue ?? {})) {
      // As XState restores it: a state the machine no longer has is left out.
      historyValue[key] = (Array.isArray(list) ? list : []).flatMap((n: { id?: unknown }) => {
        try {
          return [compiled.machine.getStateNodeById(String(n?.id))];
        } catch {
          return [];
        }
      });
    }
    const live = compiled.machine.resolveState({ value: snapshot.value, context: snapshot.context, historyValue, status: snapshot.status, output: snapshot.output, error: snapshot.error } as never) as AnyMachineSnapshot;
    return nodesOf(live).length ? live : null;
  } catch {
    return null;
  }
}

const nodesOf = (s: AnyMachineSnapshot) => (s as unknown as { _nodes: LiveNode[] })._nodes;

/** Distinct state values remembered per compiled process with their active nodes; past this, others are resolved each time. */
const MAX_CONFIGURATIONS = 5_000;

/**
 * The snapshot's active state nodes, outermost first, or null when its state does not fit the
 * machine. They follow from the state value alone, so each value is resolved by XState once.
 */
function activeNodes(compiled: CompiledProcess, snapshot: CaseSnapshot): readonly LiveNode[] | null {
  const held = compiled.runner.live.get(snapshot);
  if (held) return nodesOf(held as AnyMachineSnapshot);
  const { configurations } = compiled.runner;
  const key = typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value);
  const known = configurations.get(key);
  if (known) return known;
  const live = restore(compiled, snapshot);
  if (!live) return null;
  if (configurations.size < MAX_CONFIGURATIONS) configurations.set(key, nodesOf(live));
  return nodesOf(live);
}

/** The active atomic states, outermost first, with what the engine knows of each. */
export function currentSteps(compiled: CompiledProcess, snapshot: CaseSnapshot): StateInfo[] {
  const nodes = activeNodes(compiled, snapshot);
  if (!nodes) return [];
  return nodes
    .filter((n) => n.type === 'atomic' || n.type === 'final')
    .map((n) => compiled.states.get(n.id))
    .filter((s): s is StateInfo => s !== undefined);
}

const orders = new WeakMap<CompiledProcess, OrderedStep[]>();

/** The case's progress along its process's steps in order (摸底登记 ✓ → 乡镇审核 ● → …). */
export function caseProgress(compiled: CompiledProcess, snapshot: CaseSnapshot): ProgressStep[] {
  let order = orders.get(compiled);
  if (!order) orders.set(compiled, (order = stepOrder(compiled.definition)));
  const active = new Set(activeNodes(compiled, snapshot)?.map((n) => n.id));
  return progressOf(order, active, snapshot.status === 'done');
}

/** The active step decided by several people (an approval rule, or people added to it) that takes this event, if any. */
function ballotStep(compiled: CompiledProcess, nodes: readonly LiveNode[], type: string, snapshot: CaseSnapshot): StateInfo | undefined {
  for (const node of nodes) {
    const info = compiled.states.get(node.id);
    if (info && (info.approval || snapshot.added?.[node.id]?.length) && handles(compiled, node, type)) return info;
  }
  return undefined;
}

/** The active countersign step (联审) that takes this event, if any. */
function countersignStep(compiled: CompiledProcess, nodes: readonly LiveNode[], type: string): StateInfo | undefined {
  for (const node of nodes) {
    const info = compiled.states.get(node.id);
    if (info?.countersign && node.type === 'atomic' && handles(compiled, node, type)) return info;
  }
  return undefined;
}

const countersigning = new WeakMap<CompiledProcess, boolean>();

/** The case's active countersign steps, each with its signatures so far and the departments whose turn it is. */
export function countersignsNow(compiled: CompiledProcess, snapshot: CaseSnapshot): { step: StateInfo; state: CountersignState; due: Department[] }[] {
  let any = countersigning.get(compiled);
  if (any === undefined) countersigning.set(compiled, (any = [...compiled.states.values()].some((s) => s.countersign)));
  // Most processes have none: then the case's snapshot is not restored to look for one.
  if (!any || snapshot.status !== 'active') return [];
  return currentSteps(compiled, snapshot).flatMap((step) => {
    if (!step.countersign) return [];
    const state = countersignState(snapshot, step.id);
    return [{ step, state, due: departmentsDue(step.countersign, state) }];
  });
}

/** Where the case's countersign step stands, department by department, if it is at one (for the case page). */
export function currentCountersign(compiled: CompiledProcess, snapshot: CaseSnapshot, holders?: DepartmentHolders): CountersignView | null {
  const now = countersignsNow(compiled, snapshot)[0];
  return now ? countersignView(now.step.id, now.step.label, now.step.countersign!, now.state, holders) : null;
}

/** True when the actor was added (加签) to an active step that takes this decision: they may decide there whatever their role. */
function isAdded(compiled: CompiledProcess, snapshot: CaseSnapshot, type: string, actorId: string): boolean {
  if (!snapshot.added) return false;
  return Boolean(activeNodes(compiled, snapshot)?.some((n) => snapshot.added?.[n.id]?.includes(actorId) && handles(compiled, n, type)));
}

/** Where the votes of the case's step decided by several people stand, if it is at one (for the case page). */
export function currentBallot(compiled: CompiledProcess, snapshot: CaseSnapshot, approvers?: readonly string[]): Ballot | null {
  const nodes = activeNodes(compiled, snapshot);
  if (!nodes || snapshot.status !== 'active') return null;
  for (const node of nodes) {
    const info = compiled.states.get(node.id);
    const ballot = info && ballotOf(info, snapshot.votes, snapshot.added?.[node.id], snapshot.context.data, approvers);
    if (ballot) return ballot;
  }
  return null;
}

/** True when the node or one of its ancestors has a transition for the event. */
function handles(compiled: CompiledProcess, node: LiveNode, type: string): boolean {
  for (let n: LiveNode | undefined = node; n; n = n.parent) if (compiled.handledEvents.get(n.id)?.has(type)) return true;
  return false;
}

/** True when some active state has a transition for the event. */
function anyHandles(compiled: CompiledProcess, nodes: readonly LiveNode[], type: string): boolean {
  return nodes.some((n) => compiled.handledEvents.get(n.id)?.has(type));
}

/** The form of the active step that handles this event. */
function stepForm(compiled: CompiledProcess, nodes: readonly LiveNode[], type: string): string | undefined {
  return nodes.find((n) => n.type === 'atomic' && n.meta?.form && handles(compiled, n, type))?.meta?.form;
}

/** The assignees of the active steps that handle the event, innermost state first. */
function stepAssignees(compiled: CompiledProcess, nodes: readonly LiveNode[], type: string): string[] {
  const out: string[] = [];
  for (const n of nodes) {
    if (!(n.type === 'atomic' && handles(compiled, n, type))) continue;
    for (let cur: LiveNode | undefined = n; cur; cur = cur.parent) {
      const assignee = compiled.states.get(cur.id)?.assignee;
      if (assignee) out.push(assignee);
    }
  }
  return out;
}

function emptyData(data: unknown): boolean {
  return data === undefined || data === null || (typeof data === 'object' && !Array.isArray(data) && Object.keys(data).length === 0);
}

/** The events an actor may send now: declared, not system, handled by an active state, role and unit allowed. */
export function availableEvents(compiled: CompiledProcess, snapshot: CaseSnapshot, actor: Actor, unitPath: readonly string[]) {
  if (snapshot.status !== 'active') return [];
  const nodes = activeNodes(compiled, snapshot);
  if (!nodes) return [];
  const events = compiled.definition.events;
  const out: { type: string; label: string; kind: string; form?: string }[] = [];
  for (const type of Object.keys(events)) {
    const spec = events[type]!;
    if (spec.system || !anyHandles(compiled, nodes, type)) continue;
    const decides = spec.kind === 'approve' || spec.kind === 'return';
    // At a countersign step its departments decide, each in its turn, whatever the event's roles.
    const signing = decides ? countersignStep(compiled, nodes, type) : undefined;
    if (signing) {
      if (!mayDecide(spec.kind as 'approve' | 'return', signing.countersign!, countersignState(snapshot, signing.id), actor, unitPath)) continue;
    } else if (!(decides && isAdded(compiled, snapshot, type, actor.id)) && !mayAct(spec.onlyAssignee ? rolesInStep(spec, stepAssignees(compiled, nodes, type)) : spec.roles, actor, unitPath)) {
      continue;
    }
    const form = spec.data === 'step' ? stepForm(compiled, nodes, type) : spec.data;
    out.push({ type, label: spec.label, kind: spec.kind ?? 'other', ...(form ? { form } : {}) });
  }
  return out;
}

/**
 * The events the case's current step takes that this actor may not send, each with the roles
 * that may: what the simulator shows beside the buttons it does not offer, so an author sees why.
 */
export function eventsForOthers(compiled: CompiledProcess, snapshot: CaseSnapshot, actor: Actor, unitPath: readonly string[]): { type: string; label: string; roles: string[] }[] {
  if (snapshot.status !== 'active') return [];
  const nodes = activeNodes(compiled, snapshot);
  if (!nodes) return [];
  const open = new Set(availableEvents(compiled, snapshot, actor, unitPath).map((e) => e.type));
  const out: { type: string; label: string; roles: string[] }[] = [];
  for (const [type, spec] of Object.entries(compiled.definition.events)) {
    if (spec.system || open.has(type) || !anyHandles(compiled, nodes, type)) continue;
    const signing = spec.kind === 'approve' || spec.kind === 'return' ? countersignStep(compiled, nodes, type) : undefined;
    const roles = signing
      ? departmentsDue(signing.countersign!, countersignState(snapshot, signing.id)).map((d) => d.role)
      : spec.onlyAssignee ? rolesInStep(spec, stepAssignees(compiled, nodes, type)) : (spec.roles ?? []);
    out.push({ type, label: spec.label, roles: roles.map((r) => (typeof r === 'string' ? r : r.role)) });
  }
  return out;
}

/**
 * The events the actor may send now, as the case page offers them: none while someone else holds
 * the step (claimed, or handed to them), unless the actor was added to its decision (加签).
 * Someone with any is on the case's current step (and sees its personal information).
 */
export function eventsFor(compiled: CompiledProcess, snapshot: CaseSnapshot, actor: Actor, unitPath: readonly string[]) {
  const claimedElsewhere = Object.values(snapshot.claims ?? {}).some((who) => who !== actor.id) && !Object.values(snapshot.added ?? {}).some((who) => who.includes(actor.id));
  return claimedElsewhere ? [] : availableEvents(compiled, snapshot, actor, unitPath);
}

/**
 * 撤销: every process's built-in event by which the person who started a case withdraws it
 * before anyone else has acted. Who may, the caller decides (it knows the case's history) and
 * vouches for with `system`; the engine ends the case where it stands, outcome cancelled. Its
 * pending timers find the case closed and are dropped.
 */
export const WITHDRAW_EVENT = 'cf.withdraw';

function withdraw(snapshot: CaseSnapshot, event: CaseEvent, options: TransitionOptions): TransitionResult {
  if (!options.system) return reject('forbidden-role');
  if (!emptyData(event.data)) return reject('invalid-data', [{ path: '/', field: '表单', message: '此操作不需要填写表单数据' }]);
  const context = { ...snapshot.context, due: {} };
  delete context.dueApprox;
  const done = deepFreeze({ ...snapshot, status: 'done' as const, context, output: { withdrawn: true } });
  return { ok: true, snapshot: done, effects: [], state: snapshot.value, status: 'done', outcome: 'cancelled', dueAt: null };
}

/**
 * 认领 and 转办: a step anyone holding its role may do becomes one person's. cf.claim: the actor
 * takes the step (they must be able to act in it); cf.transfer: the step is handed to
 * `data.to`, a colleague the caller has checked holds the step's role there (vouched with
 * `system`). Until the step is left, only that person acts in it.
 */
export const CLAIM_EVENT = 'cf.claim';
export const TRANSFER_EVENT = 'cf.transfer';
/** 退回公共待办: a claimed step goes back to everyone holding its role (when its holder's account is deactivated; system only). */
export const RELEASE_EVENT = 'cf.release';
/** 加签: a person is added to the current step's decision; they must approve too (vouched by the caller, who checks they may see the case). */
export const ADD_SIGNER_EVENT = 'cf.addSigner';
/** 抄送: people are told of the case for information; recorded in the log, the case unchanged (vouched by the caller, who checks they may see it). */
export const COPY_EVENT = 'cf.copy';

/**
 * An accepted event that keeps the case in its step: only the records beside the machine
 * (votes, claims, those added) change. Frozen, and tied to the live snapshot of the one it came from.
 */
function stayed(compiled: CompiledProcess, from: CaseSnapshot, next: CaseSnapshot): Accepted {
  deepFreeze(next);
  const live = compiled.runner.live.get(from);
  if (live) compiled.runner.live.set(next, live);
  return { ok: true, snapshot: next, effects: [], state: next.value, status: 'active', dueAt: dueAtOf(next.context) };
}

/** The active step someone is assigned to: the one claims and 加签 are about. */
const assignedStep = (compiled: CompiledProcess, nodes: readonly LiveNode[]) =>
  nodes.map((n) => compiled.states.get(n.id)).find((s): s is StateInfo => Boolean(s?.assignee && !s.final));

function claim(compiled: CompiledProcess, snapshot: CaseSnapshot, event: CaseEvent, options: TransitionOptions): TransitionResult {
  const nodes = activeNodes(compiled, snapshot);
  if (!nodes) return reject('invalid-snapshot');
  const step = assignedStep(compiled, nodes);
  if (!step) return reject('not-allowed-in-state');
  const holder = snapshot.claims?.[step.id];
  if (event.type === RELEASE_EVENT) {
    if (!options.system) return reject('forbidden-role');
    if (!holder) return reject('not-allowed-in-state');
    const { [step.id]: _released, ...others } = snapshot.claims ?? {};
    const next: CaseSnapshot = { ...snapshot, claims: others };
    if (!Object.keys(others).length) delete next.claims;
    return stayed(compiled, snapshot, next);
  }
  let to: string;
  if (event.type === CLAIM_EVENT) {
    if (!emptyData(event.data)) return reject('invalid-data', [{ path: '/', field: '表单', message: '此操作不需要填写表单数据' }]);
    if (!options.system && !availableEvents(compiled, snapshot, options.actor, options.unitPath).length) return reject('forbidden-role');
    if (holder && holder !== options.actor.id) return reject('claimed-by-other');
    to = options.actor.id;
  } else {
    if (!options.system) return reject('forbidden-role');
    const target = (event.data as { to?: unknown } | undefined)?.to;
    if (typeof target !== 'string' || !target) return reject('invalid-data', [{ path: '/to', field: '转给谁', message: '请选择「转给谁」' }]);
    to = target;
  }
  return stayed(compiled, snapshot, { ...snapshot, claims: { ...(snapshot.claims ?? {}), [step.id]: to } });
}

function addSigner(compiled: CompiledProcess, snapshot: CaseSnapshot, event: CaseEvent, options: TransitionOptions): TransitionResult {
  if (!options.system) return reject('forbidden-role');
  const nodes = activeNodes(compiled, snapshot);
  if (!nodes) return reject('invalid-snapshot');
  const step = assignedStep(compiled, nodes);
  if (!step) return reject('not-allowed-in-state');
  const who = (event.data as { to?: unknown } | undefined)?.to;
  if (typeof who !== 'string' || !who) return reject('invalid-data', [{ path: '/to', field: '加签给谁', message: '请选择「加签给谁」' }]);
  const was = snapshot.added?.[step.id] ?? [];
  const next: CaseSnapshot = { ...snapshot, added: { ...(snapshot.added ?? {}), [step.id]: was.includes(who) ? was : [...was, who] } };
  // Before me: my own approval waits for theirs.
  if ((event.data as { before?: unknown }).before === true) {
    const mine = snapshot.waitFor?.[step.id]?.[options.actor.id] ?? [];
    next.waitFor = { ...(snapshot.waitFor ?? {}), [step.id]: { ...(snapshot.waitFor?.[step.id] ?? {}), [options.actor.id]: [...new Set([...mine, who])] } };
  }
  return stayed(compiled, snapshot, next);
}

/** The person an active step taking this event has been claimed by or handed to, if any. */
function claimedBy(compiled: CompiledProcess, nodes: readonly LiveNode[], type: string, claims: Record<string, string> | undefined): string | undefined {
  if (!claims) return undefined;
  for (const node of nodes) if (claims[node.id] && handles(compiled, node, type)) return claims[node.id];
  return undefined;
}

/** The earliest SLA due instant among the active states, or null. */
export function dueAtOf(context: CaseContext): string | null {
  const values = Object.values(context.due ?? {});
  return values.length ? values.reduce((a, b) => (a < b ? a : b)) : null;
}

function outcomeOf(compiled: CompiledProcess, ending: Ending): string | undefined {
  for (const n of ending.nodes) {
    const info = compiled.states.get(n.id);
    if (info?.final && info.outcome) return info.outcome;
  }
  return ending.status === 'done' ? 'completed' : undefined;
}

function collectEffects(compiled: CompiledProcess, context: CaseContext, now: number): Effect[] {
  const effects: Effect[] = [];
  for (const a of compiled.runner.actions) {
    const params = (a.params ?? {}) as Record<string, unknown>;
    if (a.type === 'xstate.raise' && typeof params.delay === 'number') {
      const event = params.event as { type: string };
      const end = compiled.deadline(event.type.split('.')[2] ?? '', context, now);
      if (end) effects.push({ type: 'schedule', timerId: String(params.id), event: { type: event.type }, dueAt: end.at });
    } else if (a.type === 'xstate.cancel') {
      effects.push({ type: 'cancel', timerId: String(params.sendId) });
    } else {
      const entry = findAction(a.type);
      if (entry?.effect) effects.push(entry.effect(context, params));
    }
  }
  return effects;
}

/**
 * Where an XState run ended, with its history in stored form, built directly: CountyFlow
 * contexts hold only JSON and cases have no child actors, so XState's walk over the context
 * for actor refs is skipped.
 */
function endingOf(live: AnyMachineSnapshot, same: boolean): Ending {
  const history = (live as unknown as { historyValue?: Record<string, { id: string }[]> }).historyValue ?? {};
  const historyValue: Record<string, { id: string }[]> = {};
  for (const key of Object.keys(history)) historyValue[key] = history[key]!.map((n) => ({ id: n.id }));
  const ending: Ending = { same, value: live.value as StateValue, historyValue, status: live.status, nodes: nodesOf(live) };
  if (live.output !== undefined) ending.output = live.output;
  if (live.error !== undefined) ending.error = live.error;
  return ending;
}

/** A run of the machine: where it ended, the context it left, and XState's snapshot when XState ran it. */
interface Run extends Ran {
  live?: AnyMachineSnapshot;
}

/** What a snapshot holds for its active steps besides XState's own state: votes, claims, people added, waits, countersigns. */
const HELD = ['votes', 'claims', 'added', 'waitFor', 'countersigns'] as const;

function accepted(compiled: CompiledProcess, run: Run, now: number, formId?: string, data?: unknown, held: Pick<CaseSnapshot, (typeof HELD)[number]> = {}): Accepted {
  const { ending, context } = run;
  const effects = collectEffects(compiled, context, now);
  const persisted: CaseSnapshot = { status: ending.status, value: ending.value, historyValue: ending.historyValue, context, children: {} };
  if (ending.output !== undefined) persisted.output = ending.output;
  if (ending.error !== undefined) persisted.error = ending.error;
  // Approvals counted and claims stay only with steps still active: a step left (decided, or returned) starts afresh when entered again.
  const holding = HELD.filter((key) => held[key]);
  const active = holding.length ? new Set(ending.nodes.map((n) => n.id)) : null;
  for (const key of holding) {
    const kept = Object.fromEntries(Object.entries(held[key]!).filter(([id]) => active!.has(id)));
    if (Object.keys(kept).length) (persisted as unknown as Record<string, unknown>)[key] = kept;
  }
  // Frozen, so the live snapshot kept for it can never disagree with what the caller holds.
  const snapshot = deepFreeze(persisted);
  if (run.live) compiled.runner.live.set(snapshot, run.live);
  const status = ending.status === 'done' ? 'done' : 'active';
  const result: Accepted = { ok: true, snapshot, effects, state: ending.value, status, dueAt: status === 'done' ? null : dueAtOf(context) };
  const outcome = outcomeOf(compiled, ending);
  if (outcome) result.outcome = outcome;
  if (formId) {
    result.formId = formId;
    result.data = data;
  }
  return result;
}

/** Starts counting one engine call afresh: no actions collected, no refusals heard. */
function begin(runner: Runner): void {
  runner.meter.arm();
  runner.actions = [];
  runner.refusals.length = 0;
  runner.fault = null;
}

/** The refusal of a step whose formula gave an error value: where (the steps it started from, or the computed field), which formula, what it gave. */
function faulted(compiled: CompiledProcess, fault: FormulaFault, from: readonly string[] = [], details: FieldError[] = []): Rejected {
  const names = from.slice(0, 3).map((id) => `「${compiled.states.get(id)?.label ?? id}」`);
  const where = names.length ? `在${names.join('、')}` : '';
  return reject('formula-error', details, `流程中的公式出错：${where}${fault.place}${fault.what}。这一步没有办理，案件没有任何改变：请检查填写的数据，若无误请联系县里的流程管理员修改流程。`);
}

/**
 * One macrostep: the plan kept for this spot (plans.ts) when there is one and its guards
 * answer as before; else XState runs it from the start, recording the branch it takes.
 */
function macrostep(compiled: CompiledProcess, snapshot: CaseSnapshot, event: RunEvent): Run | Rejected {
  const { plans, hooks } = compiled.runner;
  compiled.runner.sent = event;
  const key = plans ? Plans.key(snapshot.value, snapshot.historyValue, event.type) : '';
  if (plans) {
    const planned = plans.replay(key, snapshot.context, event, hooks);
    if (planned) return planned;
    // What the replay counted so far is XState's to count again.
    begin(compiled.runner);
  }
  const live = restore(compiled, snapshot);
  if (!live) return reject('invalid-snapshot');
  let ending: Ending | undefined;
  plans?.start(event);
  try {
    const next = compiled.machine.transition(live, event as never, compiled.runner.scope) as AnyMachineSnapshot;
    ending = endingOf(next, next === live);
    return { ending, context: next.context as CaseContext, live: next };
  } finally {
    // Kept only when the run ended within the budget, every formula giving a value.
    plans?.stop(key, compiled.runner.meter.exceeded || compiled.runner.fault ? undefined : ending);
  }
}

/**
 * Runs the machine within the budget (budget.ts). An overrun, or XState's own loop guard,
 * becomes an `over-budget` rejection naming the states involved (or those it started `from`); nothing is kept of the run.
 */
function metered(compiled: CompiledProcess, run: () => Run | Rejected, from: readonly string[] = []): Run | Rejected {
  const meter = compiled.runner.meter;
  begin(compiled.runner);
  // An overrun before the run took a step (a guard's formula) is named by the steps it started from.
  const named = (over: BudgetExceeded) => (over.stateIds.length ? over : new BudgetExceeded(over.kind, [...from]));
  const refuse = (over: BudgetExceeded) => reject('over-budget', [], budgetMessage(named(over), (id) => compiled.states.get(id)?.label ?? id));
  try {
    const next = run();
    if (isRejected(next)) return next;
    // XState's getInitialSnapshot catches what its run throws and answers with an error snapshot.
    const error = next.ending.status === 'error' ? next.ending.error : undefined;
    if (meter.exceeded) return refuse(meter.exceeded);
    if (compiled.runner.fault) return faulted(compiled, compiled.runner.fault, from);
    return isLoopGuard(error) ? refuse(new BudgetExceeded('microsteps', [])) : next;
  } catch (e) {
    const over = meter.exceeded ?? (e instanceof BudgetExceeded ? e : isLoopGuard(e) ? new BudgetExceeded('microsteps', []) : null);
    if (over) return refuse(over);
    const fault = compiled.runner.fault ?? (e instanceof FormulaFault ? e : null);
    if (fault) return faulted(compiled, fault, from);
    throw e;
  } finally {
    meter.disarm();
  }
}

/**
 * A form's computed fields, counted against the budget. A formula that goes over it (too long a
 * text, too many steps) refuses the step as the definition's fault, naming the field. A formula
 * giving an error value (#DIV/0!) leaves its field blank and comes back as `fault`.
 */
function computeFields(compiled: CompiledProcess, schema: Record<string, unknown>, data: unknown, now: number): { data: unknown; fault?: FormulaFault } | Rejected {
  const meter = compiled.runner.meter;
  meter.arm();
  try {
    return computeFormFields(schema, data, { now, calendar: compiled.calendar, tick: (n) => meter.formulaStep(n) });
  } catch (e) {
    if (!(e instanceof ComputedFieldOverrun)) throw e;
    const field = fieldLabel(schema, e.pointer);
    return reject('over-budget', [{ path: e.pointer, field, message: `「${field}」的${overrunWhat(e.over.kind)}` }], budgetMessage(e.over, () => '', field));
  } finally {
    meter.disarm();
  }
}

/** The refusal of a step whose computed field's formula gave an error value, naming the field. */
function faultedField(compiled: CompiledProcess, schema: Record<string, unknown>, fault: FormulaFault): Rejected {
  const path = fault.pointer ?? '/';
  const field = fieldLabel(schema, path);
  return faulted(compiled, new FormulaFault(fault.error, `计算字段「${field}」时，`), [], [{ path, field, message: `「${field}」的${fault.what}` }]);
}

/** The accepted run, or a refusal naming the steps it reached when working out its effects went over the budget (a delay's formula building too long a text) or a delay's formula gave an error value. */
function settled(compiled: CompiledProcess, run: Run, accept: () => Accepted): TransitionResult {
  try {
    return accept();
  } catch (e) {
    if (e instanceof FormulaFault) return faulted(compiled, e, run.ending.nodes.filter((n) => n.type === 'atomic').map((n) => n.id));
    if (!(e instanceof BudgetExceeded)) throw e;
    const reached = new BudgetExceeded(e.kind, run.ending.nodes.filter((n) => n.type === 'atomic').map((n) => n.id));
    return reject('over-budget', [], budgetMessage(reached, (id) => compiled.states.get(id)?.label ?? id));
  }
}

/** XState's own loop guard (machine option maxIterations), the backstop behind the meter. */
const isLoopGuard = (e: unknown) => e instanceof Error && e.message.startsWith('Infinite loop detected');

const isRejected = (r: Run | Rejected): r is Rejected => (r as Rejected).ok === false;

/**
 * A user's start data may only prefill the first step's form, saved under its id (as `save`
 * keeps it): the right types, no field the form does not have; required fields may wait for
 * the step itself. Spawned children get their data from the engine and are not checked here.
 */
function checkStartData(compiled: CompiledProcess, data: Record<string, unknown> | undefined): Rejected | undefined {
  if (emptyData(data)) return undefined;
  const formId = compiled.startForm;
  const extra = Object.keys(data!).filter((k) => k !== formId);
  if (extra.length) {
    return reject('invalid-data', extra.slice(0, 5).map((k) => ({ path: `/${k}`, field: k, message: formId ? `「${k}」不能在发起时填写：只能预填「${compiled.forms[formId]?.title ?? formId}」` : `「${k}」不能在发起时填写：这个流程发起时不填表` })));
  }
  const form = compiled.forms[formId!]!;
  const value = data![formId!];
  const errors = form.validate(value) ? [] : (form.validate.errors ?? []).filter((e) => e.keyword !== 'required' && e.keyword !== 'if');
  const problems = [...toFieldErrors(form.schema, errors), ...unknownFieldErrors(form.schema, value)].map((d) => ({ ...d, path: `/${formId}${d.path === '/' ? '' : d.path}` }));
  return problems.length ? reject('invalid-data', problems) : undefined;
}

/** Starts a case: the initial snapshot, with optional prefilled data. Refused unless the actor may start cases here. */
export function startCase(
  compiled: CompiledProcess,
  options: { now: number | Date; actor: Actor; unitPath: readonly string[]; data?: Record<string, unknown>; system?: boolean },
): TransitionResult {
  if (!options.system && !mayAct(startRolesOf(compiled.definition), options.actor, options.unitPath)) return reject('forbidden-role');
  const now = toMs(options.now);
  let data = options.data;
  if (!options.system) {
    // What a user prefills is the first step's form: its computed fields are the engine's, as on submit (a formula the
    // prefill cannot give a value yet, a number still blank, leaves its field blank: the step's submit computes it again).
    const form = compiled.startForm ? compiled.forms[compiled.startForm] : undefined;
    if (form?.computed && data && Object.hasOwn(data, form.id)) {
      const computed = computeFields(compiled, form.schema, data[form.id], now);
      if ('rejection' in computed) return { ...computed, rejection: { ...computed.rejection, details: computed.rejection.details.map((d) => ({ ...d, path: `/${form.id}${d.path}` })) } };
      data = { ...data, [form.id]: computed.data };
    }
    const refused = checkStartData(compiled, data);
    if (refused) return refused;
  }
  const input = { now, actorId: options.actor.id, actorName: options.actor.name ?? '', data: data ?? {} };
  const run = metered(compiled, () => {
    compiled.runner.sent = { type: 'xstate.init', ...input };
    const live = compiled.machine.getInitialSnapshot(compiled.runner.scope, input) as AnyMachineSnapshot;
    return { ending: endingOf(live, false), context: live.context as CaseContext, live };
  });
  return isRejected(run) ? run : settled(compiled, run, () => accepted(compiled, run, now));
}

/**
 * The pure transition: checks the event, the actor's role and unit, the data against the
 * step's form, then runs the machine. Returns the new snapshot and effects, or a typed
 * rejection. Time and identity are inputs; nothing here does I/O.
 */
export function transition(compiled: CompiledProcess, snapshot: CaseSnapshot, event: CaseEvent, options: TransitionOptions): TransitionResult {
  if (snapshot.status !== 'active') return reject('case-closed');
  const def = compiled.definition;
  const type = typeof event.type === 'string' ? event.type : '';
  if (type === WITHDRAW_EVENT) return withdraw(snapshot, event, options);
  if (type === CLAIM_EVENT || type === TRANSFER_EVENT || type === RELEASE_EVENT) return claim(compiled, snapshot, event, options);
  if (type === ADD_SIGNER_EVENT) return addSigner(compiled, snapshot, event, options);
  if (type === REASSIGN_SIGNER_EVENT) {
    if (!options.system) return reject('forbidden-role');
    const next = reassignedSigner(snapshot, event.data);
    return typeof next === 'string' ? reject(next) : stayed(compiled, snapshot, next);
  }
  if (type === RECALENDAR_EVENT) {
    if (!options.system) return reject('forbidden-role');
    const next = recalendared(snapshot, event.data);
    return typeof next === 'string' ? reject(next) : stayed(compiled, snapshot, next);
  }
  if (type === COPY_EVENT) {
    if (!options.system) return reject('forbidden-role');
    return stayed(compiled, snapshot, { ...snapshot });
  }
  const spec = Object.hasOwn(def.events, type) ? def.events[type] : undefined;
  const isTimer = type.startsWith('xstate.after.');
  if (!spec && !isTimer) return reject('unknown-event');
  const decides = spec?.kind === 'approve' || spec?.kind === 'return';
  // Someone added to this decision (加签) decides there whatever their role.
  const added = !options.system && decides && isAdded(compiled, snapshot, type, options.actor.id);
  // At a countersign step (联审) its departments decide, each in its turn, whatever the event's roles (a replay too: its people are recorded).
  const signing = decides ? countersignStep(compiled, activeNodes(compiled, snapshot) ?? [], type) : undefined;
  const signed = signing && decide(spec!.kind as 'approve' | 'return', signing.countersign!, countersignState(snapshot, signing.id), options.actor, options.unitPath, options.holders);
  if (signed && !signed.ok) return reject(signed.code, [], signed.message);
  const byRight = added || Boolean(signed);
  if (isTimer || spec?.system) {
    if (!options.system) return reject('forbidden-role');
  } else if (!options.system && !byRight && !mayAct(spec!.roles, options.actor, options.unitPath)) {
    return reject('forbidden-role');
  }
  const nodes = activeNodes(compiled, snapshot);
  if (!nodes) return reject('invalid-snapshot');
  if (!anyHandles(compiled, nodes, type)) return reject('not-allowed-in-state');
  if (!options.system && !byRight && spec?.onlyAssignee && !mayAct(rolesInStep(spec, stepAssignees(compiled, nodes, type)), options.actor, options.unitPath)) {
    return reject('forbidden-role');
  }
  const holder = options.system || byRight ? undefined : claimedBy(compiled, nodes, type, snapshot.claims);
  if (holder && holder !== options.actor.id) return reject('claimed-by-other');

  const formId = spec?.data === 'step' ? stepForm(compiled, nodes, type) : spec?.data;
  let data = event.data;
  if (formId) {
    const form = compiled.forms[formId];
    if (!form) return reject('invalid-data', [], `表单「${formId}」不存在`);
    // Computed fields are the engine's: whatever was submitted for them is replaced before checking.
    let fault: FormulaFault | undefined;
    if (form.computed) {
      const computed = computeFields(compiled, form.schema, data, toMs(options.now));
      if ('rejection' in computed) return computed;
      ({ data, fault } = computed);
    }
    if (!form.validate(data)) {
      // What the cadre typed wrong comes first ("12" in a number field); a computed field left blank by its formula's error is the formula's to report.
      const errors = toFieldErrors(form.schema, form.validate.errors ?? []).filter((e) => !fault || e.path !== fault.pointer);
      if (errors.length || !fault) return reject('invalid-data', errors);
    }
    const unknown = unknownFieldErrors(form.schema, data);
    if (unknown.length) return reject('invalid-data', unknown);
    const wrongField = spec?.kind === 'return' ? returnFieldProblem(Object.values(compiled.forms).filter((f) => f.id !== formId), data) : undefined;
    if (wrongField) return reject('invalid-data', [wrongField]);
    const wrongRow = rowPickProblem(def, form.schema, data, snapshot.context.data);
    if (wrongRow) return reject('invalid-data', [wrongRow]);
    if (fault) return faultedField(compiled, form.schema, fault);
    const large = options.limits ? dataTooLarge(compiled, formId, data, options.limits) : [];
    if (large.length) return reject('too-large', large);
  } else if (!emptyData(event.data)) {
    return reject('invalid-data', [{ path: '/', field: '表单', message: '此操作不需要填写表单数据' }]);
  }

  const now = toMs(options.now);
  // A countersign: an approval is counted until every department has signed.
  if (signing && signed && !signed.complete && spec!.kind === 'approve') {
    const stay = stayed(compiled, snapshot, { ...snapshot, countersigns: { ...(snapshot.countersigns ?? {}), [signing.id]: signed.next } });
    if (formId) Object.assign(stay, { formId, data });
    return stay;
  }
  // A step decided by several approvers: an approval is counted until the step's rule is met.
  const step = spec && (spec.kind === 'approve' || spec.kind === 'return') ? ballotStep(compiled, nodes, type, snapshot) : undefined;
  const ballot = step && ballotOf(step, snapshot.votes, snapshot.added?.[step.id], snapshot.context.data, options.approvers);
  if (step && ballot) {
    // The rule's approvers, or those added; for a one-person step, anyone its role allows (checked above).
    if (ballot.mode !== 'one' && !ballot.approvers.includes(options.actor.id)) return reject('forbidden-role');
    if (spec!.kind === 'approve') {
      if (ballot.approved.includes(options.actor.id)) return reject('already-approved');
      if ((snapshot.waitFor?.[step.id]?.[options.actor.id] ?? []).some((x) => !ballot.approved.includes(x))) return reject('waiting-for-signer');
      const approved = [...ballot.approved, options.actor.id];
      if (!ballotMet(ballot, approved)) {
        const stay = stayed(compiled, snapshot, { ...snapshot, votes: { ...(snapshot.votes ?? {}), [step.id]: approved } });
        if (formId) Object.assign(stay, { formId, data });
        return stay;
      }
    }
  }
  const runEvent: RunEvent = { type, data: formId ? data : undefined, formId, now, actorId: options.actor.id, actorName: options.actor.name ?? '' };
  const from = nodes.filter((n) => n.type === 'atomic').map((n) => n.id);
  const run = metered(compiled, () => macrostep(compiled, snapshot, runEvent), from);
  if (isRejected(run)) return run;
  // A guard whose author wrote why it refuses says so, instead of the generic words.
  if (run.ending.same) return reject('condition-not-met', [], compiled.runner.refusals.at(-1) ?? REJECTION_MESSAGES['condition-not-met']);
  const long = options.limits ? listsTooLong(compiled, snapshot.context, run.context, options.limits) : [];
  if (long.length) return reject('too-large', long);
  return settled(compiled, run, () => accepted(compiled, run, now, formId, data, snapshot));
}
