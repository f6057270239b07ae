/**
 * Macrostep plans: what XState did for one configuration, history and event, kept as the
 * guards it checked and the actions it ran, in order, so the next case in the same spot runs
 * them without XState. A plan is a tree: each guard's answer picks the branch that follows.
 * A branch never taken yet is a miss, and the caller runs XState, which records that branch.
 *
 * Why this is exact: a macrostep is decided by the configuration, the history, the event type
 * and the answers of its guards; everything else a case holds reaches it only through guards
 * and actions, which a plan calls again (the same functions, params and event) on the case's
 * own context. The differential test (test/engine/plans.property.test.ts) holds it to XState.
 */
import type { CaseContext, StateValue } from './types';

/** An XState state node as the engine reads it. */
export interface LiveNode {
  id: string;
  type: string;
  parent?: LiveNode;
  meta?: { form?: string };
}

/** A guard or an assignment as XState calls it. */
export type Call = (args: { context: CaseContext; event: unknown }, params: unknown) => unknown;

/** An action XState hands to the executor (a timer, a cancel, an effect): what the effects are built from. */
export interface ExecAction {
  type: string;
  params?: unknown;
}

/** Where a macrostep ends: all of it fixed by the path taken, except the context. */
export interface Ending {
  /** No transition was taken: XState gave back the snapshot it was given. */
  same: boolean;
  value: StateValue;
  /** As stored: history state id → the ids it remembers. */
  historyValue: Record<string, { id: string }[]>;
  status: 'active' | 'done' | 'error' | 'stopped';
  output?: unknown;
  /** Only on an error status, which no plan keeps. */
  error?: unknown;
  nodes: readonly LiveNode[];
}

/** One thing the macrostep did. `event` is null when it was the event sent, else the internal event (a state's done event). */
export type Recorded =
  | { kind: 'guard'; call: Call; params: unknown; event: unknown; result: boolean }
  | { kind: 'assign'; call: Call; params: unknown; event: unknown }
  | { kind: 'exec'; action: ExecAction }
  | { kind: 'step'; nodes: readonly LiveNode[] };

type Op = Exclude<Recorded, { kind: 'guard' }>;
interface Fork {
  call: Call;
  params: unknown;
  event: unknown;
  branches: [PlanNode | undefined, PlanNode | undefined];
}
interface PlanNode {
  ops: Op[];
  then: Ending | Fork;
}

/** What replaying or running a macrostep gives: where it ended and the context it left. */
export interface Ran {
  ending: Ending;
  context: CaseContext;
}

/** What a replay calls for each step and executor action, as XState's run would. */
export interface ReplayHooks {
  step(nodes: readonly LiveNode[]): void;
  exec(action: ExecAction): void;
}

/** Spots with a plan per compiled process; past this many, new spots run on XState unrecorded (a memory bound). */
const MAX_PLANS = 2_000;
/** A branch longer than this is not kept (a runaway near its budget is not worth remembering). */
const MAX_OPS = 2_000;
/** Operations kept per compiled process in all (a few megabytes), however an author's guards branch. */
const MAX_KEPT = 50_000;

const isFork = (then: Ending | Fork): then is Fork => (then as Fork).branches !== undefined;

/** The internal events a plan may carry: a state's done event, which has nothing from the case in it. */
const fixedEvent = (event: unknown) => {
  const e = event as { type?: unknown; output?: unknown } | null;
  return e === null || (typeof e?.type === 'string' && e.type.startsWith('xstate.done.state.') && e.output === undefined);
};

export class Plans {
  private readonly table = new Map<string, PlanNode>();
  /** The macrostep being recorded, and the event it was sent. */
  private tape: Recorded[] | null = null;
  private sent: unknown = undefined;
  /** Macrosteps replayed from a plan, and branches recorded from XState's runs (for tests and the benchmark). */
  readonly counts = { replayed: 0, recorded: 0 };
  private kept = 0;

  /** The plan's key: configuration, history and event type. */
  static key(value: StateValue, historyValue: Record<string, unknown> | undefined, type: string): string {
    const v = typeof value === 'string' ? value : JSON.stringify(value);
    let h = '';
    for (const _ in historyValue) {
      h = JSON.stringify(historyValue);
      break;
    }
    return `${type}\n${v}\n${h}`;
  }

  start(sent: unknown): void {
    this.tape = [];
    this.sent = sent;
  }

  guard(call: Call, params: unknown, event: unknown, result: boolean): void {
    this.tape?.push({ kind: 'guard', call, params, event: event === this.sent ? null : event, result });
  }

  assign(call: Call, params: unknown, event: unknown): void {
    this.tape?.push({ kind: 'assign', call, params, event: event === this.sent ? null : event });
  }

  exec(action: ExecAction): void {
    this.tape?.push({ kind: 'exec', action: { type: action.type, params: action.params } });
  }

  step(nodes: readonly LiveNode[]): void {
    this.tape?.push({ kind: 'step', nodes });
  }

  /** Ends the recording; with an ending, keeps it as the plan's branch for this key. */
  stop(key: string, ending?: Ending): void {
    const tape = this.tape;
    this.tape = null;
    this.sent = undefined;
    if (!tape || !ending || ending.status === 'error' || tape.length > MAX_OPS || this.kept + tape.length > MAX_KEPT || !tape.every((r) => r.kind === 'exec' || r.kind === 'step' || fixedEvent(r.event))) return;
    const grown = this.table.get(key);
    if (!grown) {
      if (this.table.size < MAX_PLANS) {
        this.table.set(key, branch(tape, 0, ending));
        this.counts.recorded++;
        this.kept += tape.length;
      }
      return;
    }
    // Walk the kept tree along the recording to where it leaves it, and graft the rest there.
    let node = grown;
    let i = 0;
    for (;;) {
      for (const op of node.ops) if (tape[i++]?.kind !== op.kind) return;
      const then = node.then;
      const rec = tape[i];
      if (!isFork(then) || rec?.kind !== 'guard' || rec.call !== then.call) return;
      const side = rec.result ? 0 : 1;
      const next = then.branches[side];
      if (!next) {
        then.branches[side] = branch(tape, i + 1, ending);
        this.counts.recorded++;
        this.kept += tape.length - i - 1;
        return;
      }
      node = next;
      i++;
    }
  }

  /**
   * Runs the plan for this key on a case's context: every guard and assignment called again,
   * every microstep and executor action reported to the hooks. Undefined when there is no
   * plan, or a guard answers a way no case has before (the caller then runs XState from the start).
   */
  replay(key: string, context: CaseContext, event: unknown, hooks: ReplayHooks): Ran | undefined {
    let node = this.table.get(key);
    let ctx = context;
    while (node) {
      for (const op of node.ops) {
        if (op.kind === 'assign') ctx = Object.assign({}, ctx, op.call({ context: ctx, event: op.event ?? event }, op.params));
        else if (op.kind === 'exec') hooks.exec(op.action);
        else hooks.step(op.nodes);
      }
      const then = node.then;
      if (!isFork(then)) {
        this.counts.replayed++;
        return { ending: then, context: ctx };
      }
      node = then.branches[then.call({ context: ctx, event: then.event ?? event }, then.params) ? 0 : 1];
    }
    return undefined;
  }
}

/** The tree for the recording from `from` on: its operations up to the first guard, which forks. */
function branch(tape: Recorded[], from: number, ending: Ending): PlanNode {
  const ops: Op[] = [];
  for (let i = from; i < tape.length; i++) {
    const rec = tape[i]!;
    if (rec.kind !== 'guard') {
      ops.push(rec);
      continue;
    }
    const fork: Fork = { call: rec.call, params: rec.params, event: rec.event, branches: [undefined, undefined] };
    fork.branches[rec.result ? 0 : 1] = branch(tape, i + 1, ending);
    return { ops, then: fork };
  }
  return { ops, then: ending };
}
