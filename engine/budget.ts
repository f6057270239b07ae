/**
 * The budget of one engine call (a transition, a case start, a timer firing): how many
 * microsteps, actions, guard and schema evaluations it may run and how much data it may
 * write. Counts, not time, so a replay of the audit trail meets exactly the same limits.
 * No definition, however wrong, can make one call run away: over budget, the call is
 * refused and the case is untouched.
 */
export const BUDGET = {
  /** Microsteps (each taken transition, `always` and `onDone` included). Real processes take under 20. */
  microsteps: 200,
  /** Actions run, the engine's own bookkeeping included. */
  actions: 2_000,
  /** Guard and condition-schema evaluations. */
  evaluations: 10_000,
  /** Bytes (JSON text) of data the actions write into the case. */
  bytes: 8 * 1024 * 1024,
  /** Formula steps: each value computed and each list row read. */
  formulaSteps: 200_000,
  /** Characters of one text a formula builds (with & or CONCAT, or a list read as text). */
  textLength: 1_000_000,
} as const;

export type BudgetKind = keyof typeof BUDGET;

/** Thrown inside the machine run when a count goes over its limit; `transition` turns it into a rejection. */
export class BudgetExceeded extends Error {
  constructor(readonly kind: BudgetKind, readonly stateIds: string[]) {
    super(`over budget: ${kind}`);
    this.name = 'BudgetExceeded';
  }
}

interface LiveNode {
  id: string;
  type: string;
}
const RECENT = 8;

/** Counts one engine call against the budget: armed at its start, disarmed at its end (runs outside a call, like XState's own tools over the machine, count nothing). */
export class Meter {
  private armed = false;
  private steps = 0;
  private actions = 0;
  private evaluations = 0;
  private bytes = 0;
  private formulaSteps = 0;
  /** The last few snapshots the run passed through, to name the states of a runaway. */
  private recent: unknown[] = [];
  private sizes = new WeakMap<object, number>();
  /** The first overrun of this call: XState wraps errors thrown in guards, so the class alone is not enough. */
  exceeded: BudgetExceeded | null = null;

  /** Starts counting one call from zero. */
  arm(): void {
    this.disarm();
    this.armed = true;
  }

  disarm(): void {
    this.armed = false;
    this.steps = this.actions = this.evaluations = this.bytes = this.formulaSteps = 0;
    this.recent.length = 0;
    this.exceeded = null;
  }

  /** One microstep, with the snapshot it produced. */
  step(snapshot: unknown): void {
    if (!this.armed) return;
    this.recent[this.steps % RECENT] = snapshot;
    if (++this.steps > BUDGET.microsteps) this.over('microsteps');
  }

  action(): void {
    if (this.armed && ++this.actions > BUDGET.actions) this.over('actions');
  }

  evaluation(): void {
    if (this.armed && ++this.evaluations > BUDGET.evaluations) this.over('evaluations');
  }

  /** `n` formula steps (a formula's size, a list's rows), counted before they are taken. */
  formulaStep(n = 1): void {
    if (this.armed && (this.formulaSteps += n) > BUDGET.formulaSteps) this.over('formulaSteps');
  }

  /** Counts the JSON size of a value an action writes (object sizes remembered, so a value written in a loop is measured once). */
  wrote(value: unknown): void {
    if (!this.armed || value === undefined) return;
    let size: number;
    if (value !== null && typeof value === 'object') {
      const known = this.sizes.get(value);
      size = known ?? JSON.stringify(value).length;
      if (known === undefined) this.sizes.set(value, size);
    } else {
      size = typeof value === 'string' ? value.length + 2 : 8;
    }
    this.bytes += size;
    if (this.bytes > BUDGET.bytes) this.over('bytes');
  }

  /** Runs `fn`, remembering an overrun it throws that the meter did not count (a formula's text, budget.textLength): XState wraps what a guard throws in an Error of its own. */
  watch<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof BudgetExceeded) this.exceeded ??= e;
      throw e;
    }
  }

  /** The atomic states the run passed through last, outermost first, without repeats. */
  private stateIds(): string[] {
    const ids = new Set<string>();
    for (const s of this.recent) {
      const nodes = (s as { _nodes?: LiveNode[] } | undefined)?._nodes ?? [];
      for (const n of nodes) if (n.type === 'atomic' || n.type === 'final') ids.add(n.id);
    }
    return [...ids];
  }

  private over(kind: BudgetKind): never {
    this.exceeded ??= new BudgetExceeded(kind, this.stateIds());
    throw this.exceeded;
  }
}

/** A meter that counts nothing: the benchmark's way to measure what counting costs. */
export class UncountedMeter extends Meter {
  override step(): void {}
  override action(): void {}
  override evaluation(): void {}
  override wrote(): void {}
  override formulaStep(): void {}
}

const WHAT: Record<BudgetKind, string> = {
  microsteps: `连续流转超过 ${BUDGET.microsteps} 步`,
  actions: `执行的动作超过 ${BUDGET.actions} 个`,
  evaluations: `判断条件超过 ${BUDGET.evaluations} 次`,
  bytes: `写入的数据超过 ${BUDGET.bytes / 1024 / 1024} MB`,
  formulaSteps: `公式计算超过 ${BUDGET.formulaSteps} 步`,
  textLength: `公式得到的文字超过 ${BUDGET.textLength} 个字`,
};

/** What went over, in Chinese (公式得到的文字超过 1000000 个字). */
export const overrunWhat = (kind: BudgetKind): string => WHAT[kind];

/** The Chinese message of an overrun, naming the states (label and id) it went round, or the computed field whose formula went over. */
export function budgetMessage(e: BudgetExceeded, label: (stateId: string) => string, field?: string): string {
  const names = e.stateIds.slice(0, 6).map((id) => `「${label(id)}」(${id})`);
  const where = field !== undefined ? `计算字段「${field}」的` : `这一步${names.length > 1 ? `在${names.join('、')}之间` : names.length ? `在${names[0]}` : ''}`;
  return `流程定义有误：${where}${WHAT[e.kind]}，已停止，案件没有任何改变。请联系县里的流程管理员修改流程。`;
}
