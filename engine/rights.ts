import type { Actor, Definition } from './types';

type EventSpec = Definition['events'][string];
type EventRoles = NonNullable<EventSpec['roles']>;

const roleName = (r: EventRoles[number]) => (typeof r === 'string' ? r : r.role);

/**
 * The roles that may send an event in a step. With `onlyAssignee`, only the step's assignee:
 * the first of `assignees` (innermost state first) that the event lists; otherwise all its roles.
 */
export function rolesInStep(spec: Pick<EventSpec, 'roles' | 'onlyAssignee'>, assignees: readonly string[]): EventRoles {
  const roles = spec.roles ?? [];
  if (!spec.onlyAssignee) return roles;
  const assignee = assignees.find((a) => roles.some((r) => roleName(r) === a));
  return assignee ? roles.filter((r) => roleName(r) === assignee) : roles;
}

/** True when `ancestor` (ids from the county root) is the unit itself or one above it. */
export function coversUnit(ancestor: readonly string[], unitPath: readonly string[]): boolean {
  return ancestor.length <= unitPath.length && ancestor.every((id, i) => unitPath[i] === id);
}

/** True when the actor holds one of the roles (at the required level) at the unit or an ancestor. */
export function mayAct(roles: EventRoles | undefined, actor: Actor, unitPath: readonly string[]): boolean {
  return actor.grants.some(
    (g) =>
      coversUnit(g.unitPath, unitPath) &&
      (roles ?? []).some((r) => roleName(r) === g.role && (typeof r === 'string' || !r.level || r.level === g.level)),
  );
}

/** The roles that may start a case: `startRoles`, else the assignee of the first state (none for a parallel root without one). */
export function startRolesOf(def: Pick<Definition, 'startRoles' | 'machine'>): string[] {
  if (def.startRoles) return [...def.startRoles];
  const first = def.machine.initial === undefined ? undefined : def.machine.states[def.machine.initial];
  return first?.meta?.assignee ? [first.meta.assignee] : [];
}
