import type { Actor, Definition } from './types';

type EventRoles = NonNullable<Definition['events'][string]['roles']>;

/** True when `ancestor` (ids from the county root) is the unit itself or one above it. */
export function coversUnit(ancestor: readonly string[], unitPath: readonly string[]): boolean {
  return ancestor.length <= unitPath.length && ancestor.every((id, i) => unitPath[i] === id);
}

/** True when the actor holds one of the roles (at the required level) at the unit or an ancestor. */
export function mayAct(roles: EventRoles | undefined, actor: Actor, unitPath: readonly string[]): boolean {
  return actor.grants.some(
    (g) =>
      coversUnit(g.unitPath, unitPath) &&
      (roles ?? []).some((r) => (typeof r === 'string' ? r === g.role : r.role === g.role && (!r.level || r.level === g.level))),
  );
}
