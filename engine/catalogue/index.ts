import { actionEntries } from './actions';
import type { ActionEntry, GuardEntry } from './entry';
import { guardEntries } from './guards';

export type { ActionEntry, ActionTools, GuardEntry, GuardTools, RunEvent } from './entry';

function byName<T extends { name: string }>(entries: T[]): Record<string, T> {
  // A null-prototype map: "constructor" or "__proto__" must never resolve to anything.
  const map = Object.create(null) as Record<string, T>;
  for (const e of entries) map[e.name] = e;
  return map;
}

/** Guards by name (null-prototype map). */
export const guards: Record<string, GuardEntry> = byName(guardEntries);
/** Actions by name (null-prototype map). */
export const actions: Record<string, ActionEntry> = byName(actionEntries);

/** The guard of this name, or undefined: only own entries count. */
export const findGuard = (name: string): GuardEntry | undefined => (Object.hasOwn(guards, name) ? guards[name] : undefined);
/** The action of this name, or undefined: only own entries count. */
export const findAction = (name: string): ActionEntry | undefined => (Object.hasOwn(actions, name) ? actions[name] : undefined);
