import type { CatalogueRef, Definition, StateNodeConfig, StateValue } from './types';

/** The machine's id when a definition gives none: the root of every state's XState id (`case.registering`). */
export const DEFAULT_MACHINE_ID = 'case';

/** The id XState gives the machine: its own `id`, else the default. */
export const machineIdOf = (machine: { id?: string }): string => machine.id ?? DEFAULT_MACHINE_ID;


/** One state node of a definition's machine, with where it sits. */
export interface WalkedState {
  /** Keys from the root, e.g. ['mobilising', 'visiting']. */
  path: string[];
  /** XState id: the explicit `id`, else machineId.path.joined. */
  id: string;
  /** JSON pointer of the node in the definition file. */
  pointer: string;
  node: StateNodeConfig;
  parent: WalkedState | null;
  kind: 'atomic' | 'compound' | 'parallel' | 'final' | 'history';
}

/** A transition found anywhere in the machine, with where it sits in the file. */
export interface WalkedTransition {
  source: WalkedState;
  /** The event type, `always`, `done` (onDone), or `after:<delay>`. */
  trigger: string;
  pointer: string;
  targets: string[];
  guard?: CatalogueRef;
  actions: CatalogueRef[];
  /** The `actions` field as written: one ref or a list. */
  rawActions?: unknown;
}

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

function kindOf(node: StateNodeConfig): WalkedState['kind'] {
  if (node.type) return node.type;
  return node.states && Object.keys(node.states).length ? 'compound' : 'atomic';
}

/** Every state node, depth first, starting with the root (path []). */
export function walkStates(machineId: string, root: StateNodeConfig, rootPointer = '/machine'): WalkedState[] {
  const out: WalkedState[] = [];
  const visit = (node: StateNodeConfig, path: string[], pointer: string, parent: WalkedState | null) => {
    const id = node.id ?? [machineId, ...path].join('.');
    const w: WalkedState = { path, id, pointer, node, parent, kind: path.length === 0 ? (node.type === 'parallel' ? 'parallel' : 'compound') : kindOf(node) };
    out.push(w);
    for (const [key, child] of Object.entries(node.states ?? {})) {
      visit(child, [...path, key], `${pointer}/states/${escape(key)}`, w);
    }
  };
  visit(root, [], rootPointer, null);
  return out;
}

/** Every state node of a definition's machine, under the id XState gives it (see `walkStates`). */
export function walkMachine(def: Pick<Definition, 'machine'>, rootPointer = '/machine'): WalkedState[] {
  return walkStates(machineIdOf(def.machine), def.machine as StateNodeConfig, rootPointer);
}

/** The child a compound state enters first: the one its `initial` names. */
export function initialChild(states: readonly WalkedState[], s: WalkedState): WalkedState | undefined {
  return s.node.initial === undefined ? undefined : states.find((c) => c.parent === s && c.path.at(-1) === s.node.initial);
}

/** The state a new case stands at: down the initials from the root (the root itself when it has none). */
export function firstStep(states: readonly WalkedState[]): WalkedState {
  let cur = states[0]!;
  for (let next = initialChild(states, cur); next; next = initialChild(states, cur)) cur = next;
  return cur;
}

/** A state's key in lists, filters and dashboards: its path from the root, dotted (`publicising.running`). */
export const pathKey = (path: readonly string[]): string => path.join('.');

/** A state value as a key: active leaves as dotted paths, comma-joined (`publicising.running,publicising.objections`). */
export function stateKey(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([k, v]) => (typeof v === 'string' ? `${k}.${v}` : stateKey(v).split(',').map((leaf) => `${k}.${leaf}`).join(',')))
    .join(',');
}

/** The form of a step: its own, or its nearest ancestor's (what an event with `data: "step"` submits there). */
export function stepFormOf(s: WalkedState): string | undefined {
  for (let cur: WalkedState | null = s; cur; cur = cur.parent) if (cur.node.meta?.form) return cur.node.meta.form;
  return undefined;
}

/** Normalises an actions field (one ref or a list) to a list. */
export function actionList(value: unknown): CatalogueRef[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as CatalogueRef[];
}

type TransitionValue = string | { target?: string | string[]; guard?: CatalogueRef; actions?: unknown } | undefined;

function expand(source: WalkedState, trigger: string, pointer: string, value: unknown): WalkedTransition[] {
  const list = (Array.isArray(value) ? value : [value]) as TransitionValue[];
  return list.map((t, i) => {
    const p = Array.isArray(value) ? `${pointer}/${i}` : pointer;
    if (typeof t === 'string') return { source, trigger, pointer: p, targets: [t], actions: [] };
    const targets = t?.target === undefined ? [] : Array.isArray(t.target) ? t.target : [t.target];
    const out: WalkedTransition = { source, trigger, pointer: p, targets, actions: actionList(t?.actions), rawActions: t?.actions };
    if (t?.guard !== undefined) out.guard = t.guard;
    return out;
  });
}

/** Every transition of every state: `on`, `always` and `after`. */
export function walkTransitions(states: WalkedState[]): WalkedTransition[] {
  const out: WalkedTransition[] = [];
  for (const s of states) {
    for (const [ev, t] of Object.entries(s.node.on ?? {})) out.push(...expand(s, ev, `${s.pointer}/on/${escape(ev)}`, t));
    if (s.node.always !== undefined) out.push(...expand(s, 'always', `${s.pointer}/always`, s.node.always));
    if (s.node.onDone !== undefined) out.push(...expand(s, 'done', `${s.pointer}/onDone`, s.node.onDone));
    for (const [delay, t] of Object.entries(s.node.after ?? {})) out.push(...expand(s, `after:${delay}`, `${s.pointer}/after/${escape(delay)}`, t));
  }
  return out;
}

/** Resolves an XState target string from a source state: `#id`, `.child`, or a sibling path. */
export function resolveTarget(states: readonly WalkedState[], source: WalkedState, target: string): WalkedState | undefined {
  if (target.startsWith('#')) {
    const [id, ...rest] = target.slice(1).split('.');
    const base = states.find((s) => s.id === id);
    return base && descend(states, base, rest);
  }
  if (target.startsWith('.')) return descend(states, source, target.slice(1).split('.'));
  const parent = source.parent ?? source;
  return descend(states, parent, target.split('.'));
}

function descend(states: readonly WalkedState[], from: WalkedState, keys: string[]): WalkedState | undefined {
  let cur: WalkedState | undefined = from;
  for (const key of keys) {
    if (!cur) return undefined;
    const path: string[] = [...cur.path, key];
    cur = states.find((s) => s.path.length === path.length && s.path.every((p, i) => p === path[i]));
  }
  return cur;
}

/** Where a walk over the process graph starts and what it leaves out (see `reachableStates`). */
export interface ReachOptions {
  /** The states entered first (default: the root, so the walk is from the start of a case). */
  from?: readonly WalkedState[];
  /** Transitions not followed. */
  skip?: (t: WalkedTransition) => boolean;
}

/**
 * The one walk over the process graph: every state a case can reach from `from`, with how many
 * transitions away it first is. Entering a state enters its ancestors (whose transitions then apply,
 * and whose other parallel regions start too) and its children down the initials (every region of a
 * parallel state, a history state's default). An ancestor already around the state is not entered
 * afresh, so its initial child is not reached again by going deeper.
 */
export function reachableStates(
  states: readonly WalkedState[],
  transitions: readonly WalkedTransition[],
  targetsOf: (t: WalkedTransition) => readonly WalkedState[],
  options: ReachOptions = {},
): Map<WalkedState, number> {
  const bySource = new Map<WalkedState, WalkedTransition[]>();
  for (const t of transitions) if (!options.skip?.(t)) bySource.set(t.source, [...(bySource.get(t.source) ?? []), t]);
  const childrenOf = (s: WalkedState) => states.filter((c) => c.parent === s);
  const seen = new Map<WalkedState, number>();
  const entered = new Set<WalkedState>();
  const queue: WalkedState[] = [];
  const see = (s: WalkedState, depth: number) => {
    if (seen.has(s)) return;
    seen.set(s, depth);
    queue.push(s);
  };
  const enter = (s: WalkedState | undefined, depth: number) => {
    if (!s || entered.has(s)) return;
    entered.add(s);
    // A state first met as an ancestor is entered afresh now: it is walked again, into its children.
    if (seen.has(s)) queue.push(s);
    else see(s, depth);
    for (let below = s, cur = s.parent; cur; below = cur, cur = cur.parent) {
      if (seen.has(cur)) continue;
      see(cur, depth);
      if (cur.kind === 'parallel') for (const region of childrenOf(cur)) if (region !== below) enter(region, depth);
    }
  };
  for (const s of options.from ?? states.slice(0, 1)) enter(s, 0);
  while (queue.length) {
    const s = queue.shift()!;
    const next = seen.get(s)! + 1;
    if (entered.has(s)) {
      if (s.kind === 'parallel') childrenOf(s).forEach((k) => enter(k, next));
      if (s.kind === 'compound') enter(initialChild(states, s), next);
      if (s.kind === 'history') enter(s.node.target ? resolveTarget(states, s, s.node.target) : s.parent ? initialChild(states, s.parent) : undefined, next);
    }
    for (const t of bySource.get(s) ?? []) targetsOf(t).forEach((x) => enter(x, next));
  }
  return seen;
}
