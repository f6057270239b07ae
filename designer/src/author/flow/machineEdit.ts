/** Edits to a definition's flow, as pure functions: the graph and side panels call these, never touch JSON directly. */
import type { CatalogueRef, Definition, StateNodeConfig } from '../../../../engine/index';
import { t } from '../../i18n';

type Transition = { target?: string; guard?: CatalogueRef; actions?: CatalogueRef[] };
type Meta = NonNullable<StateNodeConfig['meta']>;
export type EventDef = Definition['events'][string];

const clone = <T,>(v: T): T => structuredClone(v);

/** The state node at a path (keys from the root), or undefined. */
export function stateAt(d: Definition, path: string[]): StateNodeConfig | undefined {
  let node = d.machine as StateNodeConfig;
  for (const key of path) {
    node = node.states?.[key] as StateNodeConfig;
    if (!node) return undefined;
  }
  return node;
}

function withState(d: Definition, path: string[], change: (node: StateNodeConfig) => void): Definition {
  const next = clone(d);
  const node = stateAt(next, path);
  if (node) change(node);
  return next;
}

/** A state key not yet used among the siblings. */
function freeKey(siblings: Record<string, unknown>, base: string): string {
  let n = 1;
  while (Object.hasOwn(siblings, `${base}${n}`)) n++;
  return `${base}${n}`;
}

/** Adds a step (or an end) at the top level; returns the new definition and the new state's key. */
export function addState(d: Definition, final: boolean): { definition: Definition; key: string } {
  const next = clone(d);
  const states = (next.machine.states ??= {}) as Record<string, StateNodeConfig>;
  const key = freeKey(states, final ? 'end' : 'step');
  states[key] = final ? { type: 'final', meta: { label: t('machineEdit.end'), outcome: 'completed' } } : { meta: { label: t('machineEdit.newStep') } };
  return { definition: next, key };
}

export function setMeta(d: Definition, path: string[], meta: Meta): Definition {
  return withState(d, path, (node) => {
    const clean = Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined && v !== '')) as Meta;
    node.meta = clean;
  });
}

/** Removes a state and every transition aimed at it by name. */
export function removeState(d: Definition, path: string[]): Definition {
  const next = clone(d);
  const parent = stateAt(next, path.slice(0, -1));
  const key = path.at(-1)!;
  if (parent?.states) delete parent.states[key];
  const strip = (node: StateNodeConfig) => {
    for (const [ev, t] of Object.entries(node.on ?? {})) {
      const list = (Array.isArray(t) ? t : [t]).filter((x) => (typeof x === 'string' ? x : (x as Transition)?.target) !== key);
      if (list.length) (node.on as Record<string, unknown>)[ev] = list.length === 1 ? list[0] : list;
      else delete (node.on as Record<string, unknown>)[ev];
    }
    for (const [delay, t] of Object.entries(node.after ?? {})) if ((t as Transition)?.target === key) delete (node.after as Record<string, unknown>)[delay];
    for (const child of Object.values(node.states ?? {})) strip(child);
  };
  strip(next.machine as StateNodeConfig);
  if (next.machine.initial === key) next.machine.initial = Object.keys(next.machine.states ?? {})[0] ?? '';
  return next;
}

/** An event name not yet declared. */
function freeEvent(d: Definition, base: string): string {
  if (!Object.hasOwn(d.events, base)) return base;
  let n = 2;
  while (Object.hasOwn(d.events, `${base}_${n}`)) n++;
  return `${base}_${n}`;
}

/** Adds a transition from one state to a sibling, on a new event (or an existing one), sent by the source step's assignee. */
export function addTransition(d: Definition, from: string[], to: string, event?: string): { definition: Definition; event: string } {
  const source = stateAt(d, from);
  const name = event ?? freeEvent(d, 'NEXT');
  let next = clone(d);
  if (!Object.hasOwn(next.events, name)) {
    const assignee = source?.meta?.assignee;
    next.events[name] = { label: t('machineEdit.next'), kind: 'other', roles: assignee ? [assignee] : [] } as EventDef;
  }
  next = withState(next, from, (node) => {
    const on = (node.on ??= {}) as Record<string, unknown>;
    const existing = on[name];
    const t: Transition = { target: to };
    on[name] = existing === undefined ? t : [...(Array.isArray(existing) ? existing : [existing]), t];
  });
  return { definition: next, event: name };
}

/** The transitions of one state on one event, as a list. */
export function transitionsOn(d: Definition, from: string[], event: string): Transition[] {
  const t = stateAt(d, from)?.on?.[event] as unknown;
  if (t === undefined) return [];
  return (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? { target: x } : (x as Transition)));
}

/** Replaces the i-th transition of a state on an event (undefined removes it). */
export function setTransition(d: Definition, from: string[], event: string, index: number, t: Transition | undefined): Definition {
  const list = transitionsOn(d, from, event);
  if (t) list[index] = Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as Transition;
  else list.splice(index, 1);
  return withState(d, from, (node) => {
    const on = (node.on ??= {}) as Record<string, unknown>;
    if (list.length === 0) delete on[event];
    else on[event] = list.length === 1 ? list[0] : list;
  });
}

/** Declares or changes an event (label, kind, who may send it, what it carries). */
export function setEvent(d: Definition, name: string, event: EventDef): Definition {
  return { ...d, events: { ...d.events, [name]: event } };
}

export type DeadlineUnit = 'workingDays' | 'days' | 'hours';

/** The step's deadline as the author sees it: an amount and a unit, or none. */
export function deadlineOf(d: Definition, path: string[]): { amount: number; unit: DeadlineUnit } | undefined {
  const sla = stateAt(d, path)?.meta?.sla;
  if (!sla) return undefined;
  const delay = d.delays?.[sla];
  const iso = delay?.duration ?? sla;
  const m = /^P(?:(\d+)D|T(\d+)H)$/.exec(iso);
  if (!m) return undefined;
  return m[1] ? { amount: Number(m[1]), unit: delay?.workingDays ? 'workingDays' : 'days' } : { amount: Number(m[2]), unit: 'hours' };
}

/** Sets (or clears) a step's deadline; working days go through a named delay, which the checker and engine understand. */
export function setDeadline(d: Definition, path: string[], deadline: { amount: number; unit: DeadlineUnit } | undefined): Definition {
  const next = clone(d);
  const node = stateAt(next, path);
  if (!node) return d;
  const meta = { ...(node.meta ?? {}) } as Meta;
  const name = `${path.join('_')}Deadline`;
  if (next.delays) delete next.delays[name];
  if (!deadline || !(deadline.amount > 0)) {
    delete meta.sla;
  } else {
    const duration = deadline.unit === 'hours' ? `PT${deadline.amount}H` : `P${deadline.amount}D`;
    next.delays = { ...(next.delays ?? {}), [name]: { duration, ...(deadline.unit === 'workingDays' ? { workingDays: true } : {}) } } as Definition['delays'];
    meta.sla = name;
  }
  if (next.delays && Object.keys(next.delays).length === 0) delete next.delays;
  node.meta = meta;
  return next;
}

/** Imports a plain XState machine config drawn elsewhere: states keep their keys; events it uses and lacks are declared for the author to finish. */
export function importMachine(d: Definition, machine: Definition['machine']): Definition {
  const events = { ...d.events };
  const visit = (node: StateNodeConfig) => {
    for (const ev of Object.keys(node.on ?? {})) if (!Object.hasOwn(events, ev)) events[ev] = { label: ev, kind: 'other', roles: [] } as EventDef;
    for (const child of Object.values(node.states ?? {})) visit(child);
  };
  visit(machine as StateNodeConfig);
  return { ...d, machine, events };
}

/** When the step's deadline passes, move the case on by itself to this sibling (or stop doing so). */
export function setTimeoutTarget(d: Definition, path: string[], target: string | undefined): Definition {
  return withState(d, path, (node) => {
    const sla = node.meta?.sla;
    const after = { ...(node.after ?? {}) } as Record<string, unknown>;
    for (const k of Object.keys(after)) if (k === sla) delete after[k];
    if (target && sla) after[sla] = { target };
    if (Object.keys(after).length) node.after = after as StateNodeConfig['after'];
    else delete node.after;
  });
}
