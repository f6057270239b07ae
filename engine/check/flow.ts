import { computedDelay, resolveDelay } from '../delays';
import { reachableStates, resolveTarget, type WalkedState, type WalkedTransition } from '../stateWalk';
import type { Definition } from '../types';
import { checkFlowLoops } from './flowLoops';
import { type Problem, problem } from './problems';

const name = (s: WalkedState) => s.path.join('.') || '(根)';

/** Checks the machine's graph: initials, targets, reachability, dead ends, delays, finals, history. */
export function checkFlow(def: Definition, states: WalkedState[], transitions: WalkedTransition[]): Problem[] {
  const out: Problem[] = [];
  const ids = new Map<string, WalkedState>();
  for (const s of states) {
    if (s.node.id !== undefined) {
      if (ids.has(s.node.id)) out.push(problem('state-id-duplicate', `${s.pointer}/id`, { id: s.node.id }));
      ids.set(s.node.id, s);
    }
    const children = Object.keys(s.node.states ?? {});
    if (s.kind === 'compound' && children.length) {
      if (s.node.initial === undefined) out.push(problem('initial-missing', s.pointer, { state: name(s) }));
      else if (!children.includes(s.node.initial)) out.push(problem('initial-invalid', `${s.pointer}/initial`, { initial: s.node.initial, state: name(s) }));
    } else if (s.kind === 'compound' && s.path.length === 0) {
      out.push(problem('initial-missing', s.pointer, { state: name(s) }));
    }
    if (s.kind === 'final' && (s.node.on || s.node.always || s.node.after || s.node.onDone || children.length)) {
      out.push(problem('final-has-transitions', s.pointer, { state: name(s) }));
    }
    if (s.kind === 'history' && (children.length || s.parent?.kind !== 'compound')) out.push(problem('history-invalid', s.pointer, { state: name(s) }));
    if (s.node.meta?.sla !== undefined) {
      // A computed deadline (=formula) is type-checked with the data it reads (dataPaths.ts).
      if (s.kind === 'final') out.push(problem('sla-on-final', `${s.pointer}/meta/sla`, { state: name(s) }));
      else if (!computedDelay(def, s.node.meta.sla) && !resolveDelay(def, s.node.meta.sla)) out.push(problem('delay-unknown', `${s.pointer}/meta/sla`, { delay: s.node.meta.sla }));
    }
    for (const delay of Object.keys(s.node.after ?? {})) {
      if (!resolveDelay(def, delay) && !computedDelay(def, delay)) out.push(problem('delay-unknown', `${s.pointer}/after/${delay}`, { delay }));
    }
  }

  const resolved = new Map<WalkedTransition, WalkedState[]>();
  for (const t of transitions) {
    const targets: WalkedState[] = [];
    t.targets.forEach((target, i) => {
      const hit = resolveTarget(states, t.source, target);
      if (hit) targets.push(hit);
      else out.push(problem('state-target-unknown', t.targets.length > 1 ? `${t.pointer}/target/${i}` : t.pointer, { target }));
    });
    resolved.set(t, targets);
    if (t.trigger.startsWith('after:') && t.targets.length === 0) {
      out.push(problem('after-without-target', t.pointer, { delay: t.trigger.slice(6) }));
    }
  }
  if (out.some((p) => p.severity === 'error')) return out;
  out.push(...checkFlowLoops(states, transitions));

  const targetsOf = (t: WalkedTransition) => resolved.get(t) ?? [];
  const reachable = reachableStates(states, transitions, targetsOf);
  for (const s of states) {
    if (!reachable.has(s) && s.kind !== 'history') out.push(problem('state-unreachable', s.pointer, { state: name(s) }));
  }
  out.push(...returnsForward(def, states, transitions, targetsOf));
  for (const s of states) {
    if (reachable.has(s) && isDeadEnd(s, transitions, resolved)) out.push(problem('state-dead-end', s.pointer, { state: name(s) }));
  }
  return out;
}

const isWithin = (s: WalkedState, ancestor: WalkedState) =>
  s.path.length >= ancestor.path.length && ancestor.path.every((k, i) => s.path[i] === k);

/**
 * A return (kind return) that sends the case to a step it would reach only later going forward:
 * a return goes back. Steps reached only by returns (a 补正 step of their own) are not compared.
 */
function returnsForward(def: Definition, states: WalkedState[], transitions: WalkedTransition[], targetsOf: (t: WalkedTransition) => readonly WalkedState[]): Problem[] {
  const isReturn = (t: WalkedTransition) => Object.hasOwn(def.events, t.trigger) && def.events[t.trigger]!.kind === 'return';
  const forward = reachableStates(states, transitions, targetsOf, { skip: isReturn });
  const out: Problem[] = [];
  for (const t of transitions.filter(isReturn)) {
    const from = forward.get(t.source);
    for (const target of targetsOf(t)) {
      const to = forward.get(target);
      if (from !== undefined && to !== undefined && to > from) out.push(problem('return-forward', t.pointer, { event: def.events[t.trigger]!.label, from: name(t.source), to: name(target) }));
    }
  }
  return out;
}

/**
 * A non-final state with no transition leading out of it (on itself or an ancestor), or a
 * final state inside a nested state that nothing leaves when it is reached (no onDone).
 */
function isDeadEnd(s: WalkedState, transitions: WalkedTransition[], resolved: Map<WalkedTransition, WalkedState[]>): boolean {
  if (s.path.length === 0 || s.kind === 'history' || s.kind === 'parallel') return false;
  if (s.kind === 'compound' && Object.keys(s.node.states ?? {}).length) return false;
  const leaves = (from: WalkedState, scope: WalkedState) =>
    transitions.some((t) => t.source === from && (resolved.get(t) ?? []).some((target) => !isWithin(target, scope) || t.trigger.startsWith('after:')));
  if (s.kind === 'final') {
    if (!s.parent || s.parent.path.length === 0) return false;
    for (let cur: WalkedState | null = s.parent; cur && cur.path.length; cur = cur.parent) {
      if (cur.node.onDone !== undefined || leaves(cur, s.parent)) return false;
      // A region of a parallel root: when every region is final, the case is done.
      if (cur.parent?.path.length === 0 && cur.parent.kind === 'parallel') return false;
    }
    return true;
  }
  for (let cur: WalkedState | null = s; cur; cur = cur.parent) if (leaves(cur, s)) return false;
  return true;
}
