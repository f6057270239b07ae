/** The steps of a process in the order a case meets them: for progress bars, dashboard columns, ledgers. */
import { reachableStates, resolveTarget, walkMachine, walkTransitions, type WalkedState } from './stateWalk';
import type { Definition } from './types';

/** One named step of a process, in order. */
export interface OrderedStep {
  /** XState id of the state. */
  id: string;
  label: string;
  final: boolean;
  /** For final states: how the case ended there (completed unless said otherwise). */
  outcome?: string;
}

/**
 * The labelled steps in the order a case first reaches them from the start (breadth first over
 * the flow, ties in the order the file lists them): 摸底登记 → 乡镇审核 → 县级审核 → …
 * Steps nothing reaches come last; the root is not a step.
 */
export function stepOrder(def: Pick<Definition, 'machine'>): OrderedStep[] {
  const states = walkMachine(def);
  const transitions = walkTransitions(states);
  const depth = reachableStates(states, transitions, (t) => t.targets.map((x) => resolveTarget(states, t.source, x)).filter((x): x is WalkedState => x !== undefined));
  const position = new Map(states.map((s, i) => [s, i]));
  return states
    .filter((s) => s.path.length > 0 && (s.node.meta?.label !== undefined || s.kind === 'final') && s.kind !== 'history')
    .sort((a, b) => (depth.get(a) ?? Infinity) - (depth.get(b) ?? Infinity) || position.get(a)! - position.get(b)!)
    .map((s) => {
      const step: OrderedStep = { id: s.id, label: s.node.meta?.label ?? s.path[s.path.length - 1]!, final: s.kind === 'final' };
      if (s.kind === 'final') step.outcome = s.node.meta?.outcome ?? 'completed';
      return step;
    });
}

/** Where a case stands on its process's steps: done, current, or still ahead. */
export interface ProgressStep {
  label: string;
  state: 'done' | 'current' | 'todo';
}

/**
 * A case's progress along the ordered steps: those before its current step (the furthest, when
 * parallel) are done. Endings other than completion show only when the case ended there.
 */
export function progressOf(order: OrderedStep[], currentIds: ReadonlySet<string>, done: boolean): ProgressStep[] {
  const shown = order.filter((s) => !s.final || s.outcome === 'completed' || currentIds.has(s.id));
  let last = -1;
  shown.forEach((s, i) => {
    if (currentIds.has(s.id)) last = i;
  });
  return shown.map((s, i) => ({ label: s.label, state: done && currentIds.has(s.id) ? 'done' : currentIds.has(s.id) ? 'current' : i < last ? 'done' : 'todo' }));
}
