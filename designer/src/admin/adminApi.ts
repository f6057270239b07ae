/** The admin area's replies, typed from the server's route schemas. */
import type { HistoryReply, PersonReply, RoleReply } from '../../../server/routes/adminPeopleRoutes';
import type { UnitReply } from '../../../server/routes/adminUnitRoutes';
import type { PersonalAccessReply } from '../../../server/routes/personalRoutes';

export type Person = PersonReply;
export type Role = RoleReply;
export type HistoryEntry = HistoryReply;
export type Unit = UnitReply;
export type PersonalAccess = PersonalAccessReply;

/** The org tree in display order (each unit after its parent), with each unit's depth. */
export function treeOrder(units: Unit[]): { unit: Unit; depth: number }[] {
  const children = new Map<string | null, Unit[]>();
  for (const u of units) children.set(u.parentId, [...(children.get(u.parentId) ?? []), u]);
  const out: { unit: Unit; depth: number }[] = [];
  const walk = (parent: string | null, depth: number) => {
    for (const u of children.get(parent) ?? []) {
      out.push({ unit: u, depth });
      walk(u.id, depth + 1);
    }
  };
  walk(null, 0);
  return out;
}
