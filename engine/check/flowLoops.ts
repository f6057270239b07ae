/** Flow checks about what the engine would do at run time: eventless loops, transitions never taken, parallel states never done, history defaults. */
import { initialChild, resolveTarget, type WalkedState, type WalkedTransition } from '../stateWalk';
import { type Problem, problem } from './problems';

const key = (s: WalkedState) => s.path.join('.') || '(根)';
const childrenOf = (states: WalkedState[], s: WalkedState) => states.filter((c) => c.parent === s);

/** The atomic (and final) states entered when a transition targets `s`: initials followed down, every parallel region. */
function entered(states: WalkedState[], s: WalkedState | undefined, seen = new Set<WalkedState>()): WalkedState[] {
  if (!s || seen.has(s)) return [];
  seen.add(s);
  switch (s.kind) {
    case 'atomic':
    case 'final':
      return [s];
    case 'parallel':
      return childrenOf(states, s).flatMap((c) => entered(states, c, seen));
    case 'history':
      return s.node.target ? entered(states, resolveTarget(states, s, s.node.target), seen) : s.parent ? entered(states, initialChild(states, s.parent), seen) : [];
    default:
      return entered(states, initialChild(states, s), seen);
  }
}

/**
 * The eventless transition XState is sure to take from an atomic state: the first `always`
 * transition met (on the state, then its ancestors) when it has no guard. A guarded one met
 * first may divert the case, so then nothing is certain.
 */
function certainAlways(atomic: WalkedState, alwaysOf: Map<WalkedState, WalkedTransition[]>): WalkedTransition | undefined {
  for (let cur: WalkedState | null = atomic; cur; cur = cur.parent) {
    const first = alwaysOf.get(cur)?.[0];
    if (first) return first.guard === undefined ? first : undefined;
  }
  return undefined;
}

/** Cycles of unguarded `always` transitions: a case entering one never comes to rest (the engine's budget stops it). */
function alwaysCycles(states: WalkedState[], transitions: WalkedTransition[]): Problem[] {
  const alwaysOf = new Map<WalkedState, WalkedTransition[]>();
  for (const t of transitions) if (t.trigger === 'always') alwaysOf.set(t.source, [...(alwaysOf.get(t.source) ?? []), t]);
  const next = new Map<WalkedState, { via: WalkedTransition; to: WalkedState[] }>();
  for (const s of states) {
    if (s.kind !== 'atomic') continue;
    const t = certainAlways(s, alwaysOf);
    if (!t) continue;
    const to = t.targets.length ? t.targets.flatMap((target) => entered(states, resolveTarget(states, t.source, target))) : [s];
    next.set(s, { via: t, to });
  }
  const out: Problem[] = [];
  const reported = new Set<WalkedState>();
  const done = new Set<WalkedState>();
  // Depth-first search for a way back to a state on the current path.
  const visit = (s: WalkedState, path: WalkedState[]) => {
    if (done.has(s)) return;
    const at = path.indexOf(s);
    if (at >= 0) {
      const cycle = path.slice(at);
      if (cycle.some((c) => reported.has(c))) return;
      cycle.forEach((c) => reported.add(c));
      const names = [...cycle, s].map((c) => `「${key(c)}」`).join(' → ');
      out.push(problem('always-cycle', next.get(cycle[0]!)!.via.pointer, { cycle: names }));
      return;
    }
    const step = next.get(s);
    if (step) for (const to of step.to) visit(to, [...path, s]);
    done.add(s);
  };
  for (const s of states) visit(s, []);
  return out;
}

/** A transition after an unguarded one for the same trigger on the same state is never taken. */
function shadowed(transitions: WalkedTransition[]): Problem[] {
  const out: Problem[] = [];
  const groups = new Map<string, WalkedTransition[]>();
  for (const t of transitions) {
    const k = `${t.source.pointer}\u0000${t.trigger}`;
    groups.set(k, [...(groups.get(k) ?? []), t]);
  }
  for (const list of groups.values()) {
    const first = list.findIndex((t) => t.guard === undefined);
    if (first < 0) continue;
    for (const t of list.slice(first + 1)) out.push(problem('transition-shadowed', t.pointer, { index: first + 1, trigger: t.trigger.replace(/^after:/, '') }));
  }
  return out;
}

/** A parallel state that waits for onDone finishes only when every region reaches a final state of its own. */
function regionsNeverDone(states: WalkedState[]): Problem[] {
  const out: Problem[] = [];
  for (const s of states) {
    if (s.kind !== 'parallel' || s.node.onDone === undefined) continue;
    for (const region of childrenOf(states, s)) {
      const hasFinal = region.kind === 'final' || childrenOf(states, region).some((c) => c.kind === 'final');
      if (!hasFinal) out.push(problem('region-never-done', region.pointer, { parent: key(s), state: key(region) }));
    }
  }
  return out;
}

/** A history state's default target must be a state inside the history state's parent. */
function historyTargets(states: WalkedState[]): Problem[] {
  const out: Problem[] = [];
  for (const s of states) {
    if (s.kind !== 'history' || s.node.target === undefined || !s.parent) continue;
    const target = resolveTarget(states, s, s.node.target);
    const inside = target && target !== s && target.path.length > s.parent.path.length && s.parent.path.every((k, i) => target.path[i] === k);
    if (!inside) out.push(problem('history-target-invalid', `${s.pointer}/target`, { state: key(s), target: s.node.target, parent: key(s.parent) }));
  }
  return out;
}

/** The run-time checks of the flow graph (after its targets are known to resolve). */
export function checkFlowLoops(states: WalkedState[], transitions: WalkedTransition[]): Problem[] {
  return [...historyTargets(states), ...regionsNeverDone(states), ...shadowed(transitions), ...alwaysCycles(states, transitions)];
}
