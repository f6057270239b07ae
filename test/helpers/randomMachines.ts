import fc from 'fast-check';
import type { Actor, Definition, StateNodeConfig } from '../../engine/types';

export const EVENTS = ['GO', 'BACK', 'NEXT'];
export const unitPath = ['c1', 't1', 'v1'];
export const actor: Actor = { id: 'u1', name: '村干部', grants: [{ role: 'cadre', unitPath, level: 'village' }] };

type Gen = fc.GeneratorValue;

/**
 * A random machine an author could write by mistake: nested, parallel and history states,
 * `always` and `onDone` transitions (cycles likely), guards on a counter, actions that write
 * and append data on every step.
 */
export function randomMachine(g: Gen): StateNodeConfig {
  const ids: string[] = [];
  const historyIds: string[] = [];
  const build = (depth: number, path: string[], parallelChild = false): StateNodeConfig => {
    const kind = parallelChild ? 'compound' : depth >= 3 ? 'atomic' : g(fc.constantFrom, 'atomic', 'atomic', 'compound', 'parallel', 'final');
    const id = path.join('.');
    const node: Record<string, unknown> = {};
    if (kind === 'final') node.type = 'final';
    if (kind === 'compound' || kind === 'parallel') {
      const n = g(fc.integer, { min: 1, max: 3 });
      const states: Record<string, StateNodeConfig> = {};
      for (let i = 0; i < n; i++) states[`s${i}`] = build(depth + 1, [...path, `s${i}`], kind === 'parallel');
      if (kind === 'compound') {
        if (g(fc.boolean)) {
          states.h = { type: 'history', history: g(fc.constantFrom, 'shallow', 'deep') } as StateNodeConfig;
          historyIds.push(`${id}.h`);
        }
        if (parallelChild || g(fc.boolean)) states.f = { type: 'final' };
        node.initial = 's0';
      } else node.type = 'parallel';
      node.states = states;
    }
    if (kind !== 'final') ids.push(id);
    return node as StateNodeConfig;
  };
  const root = build(0, ['case']) as Record<string, unknown>;
  if (!root.states) {
    root.states = { s0: {}, f: { type: 'final' } };
    root.initial = 's0';
    delete root.type;
    ids.push('case.s0');
  }
  const targets = [...ids.filter((i) => i !== 'case'), ...historyIds];
  const transitionTo = (): Record<string, unknown> => {
    const t: Record<string, unknown> = { target: `#${g(fc.constantFrom, ...targets)}` };
    const guard = g(fc.integer, { min: 0, max: 3 });
    if (guard === 1) t.guard = { type: 'matches', params: { schema: { properties: { n: { type: 'number', maximum: g(fc.integer, { min: 0, max: 5 }) } } } } };
    if (guard === 2) t.guard = { type: 'not', params: { guard: { type: 'matches', params: { schema: { required: ['n'] } } } } };
    const actions = [];
    if (g(fc.boolean)) actions.push({ type: 'set', params: { path: 'n', value: g(fc.integer, { min: 0, max: 9 }) } });
    if (g(fc.boolean)) actions.push({ type: 'append', params: { to: 'log', stamp: true } });
    if (g(fc.boolean)) actions.push({ type: 'set', params: { path: 'blob', value: 'x'.repeat(g(fc.integer, { min: 0, max: 50_000 })) } });
    if (actions.length) t.actions = actions;
    return t;
  };
  const addTransitions = (node: Record<string, unknown>, id: string) => {
    const states = (node.states ?? {}) as Record<string, Record<string, unknown>>;
    for (const [k, child] of Object.entries(states)) addTransitions(child, `${id}.${k}`);
    if (node.type === 'final' || node.type === 'history' || !targets.length) return;
    const on: Record<string, unknown> = {};
    for (const e of EVENTS) if (g(fc.boolean)) on[e] = transitionTo();
    if (Object.keys(on).length) node.on = on;
    if (g(fc.integer, { min: 0, max: 3 }) > 0) node.always = g(fc.boolean) ? transitionTo() : [transitionTo(), transitionTo()];
    if (node.states && id !== 'case' && g(fc.boolean)) node.onDone = transitionTo();
    if (g(fc.integer, { min: 0, max: 3 }) === 0) node.entry = [{ type: 'append', params: { to: 'entered' } }];
  };
  addTransitions(root, 'case');
  return { id: 'case', ...root } as StateNodeConfig;
}

export function definitionOf(machine: StateNodeConfig): Definition {
  return {
    id: 'random',
    title: '随机流程',
    version: 1,
    caseLevel: 'village',
    roles: { cadre: { label: '村干部', level: 'village' } },
    startRoles: ['cadre'],
    forms: {},
    events: Object.fromEntries(EVENTS.map((e) => [e, { label: e, roles: ['cadre'] }])),
    machine,
  } as unknown as Definition;
}

