/** A process's roles as the designer adds them: from the county's roles on the roles tab, or made up where a step is assigned. */
import type { Definition, Level } from '../../../engine/index';
import { setMeta, stateAt } from './flow/machineEdit';

export type Role = Definition['roles'][string];
export type RoleKind = NonNullable<Role['kind']>;

/** The entry a process holds for a role: its name, the level it works at, and what its holders do. */
export function roleEntry(r: { label: string; level?: Level; kind?: RoleKind }): Role {
  return { label: r.label.trim(), ...(r.level ? { level: r.level } : {}), kind: r.kind ?? 'cadre' };
}

/** The id a new role gets, named as the county's roles are (township_reviewer), numbered when the process already has it. */
export function newRoleId(d: Definition, r: { level?: Level; kind?: RoleKind }): string {
  const base = `${r.level ?? 'any'}_${r.kind ?? 'cadre'}`;
  if (!Object.hasOwn(d.roles, base)) return base;
  let n = 2;
  while (Object.hasOwn(d.roles, `${base}${n}`)) n++;
  return `${base}${n}`;
}

/** The definition with a new role that handles the step at `path`, and the role's id. */
export function addRoleForStep(d: Definition, path: string[], r: { label: string; level?: Level; kind?: RoleKind }): { definition: Definition; role: string } {
  const role = newRoleId(d, r);
  const withRole = { ...d, roles: { ...d.roles, [role]: roleEntry(r) } };
  return { definition: setMeta(withRole, path, { ...(stateAt(d, path)?.meta ?? {}), assignee: role }), role };
}
