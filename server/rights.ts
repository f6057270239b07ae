import { sql } from 'kysely';
import type { Actor } from '../engine/index';

/** The acting user: who they are and the roles they hold where. */
export interface UserActor extends Actor {
  county: string;
  username: string;
  name: string;
  /** Signed in with a one-time or initial password: nothing but changing it is allowed until it is changed. */
  mustChangePassword?: boolean;
}

/** The distinct unit paths the actor holds any role at: the roots of what they may see. */
export function visibleRoots(actor: Actor): string[] {
  const paths = [...new Set(actor.grants.map((g) => g.unitPath.join('/')))].sort();
  return paths.filter((p) => !paths.some((o) => o !== p && p.startsWith(`${o}/`)));
}

/** SQL condition: the org path column lies in one of the roots' subtrees (nothing when there are none). */
export function underRoots(column: string, roots: string[]) {
  if (!roots.length) return sql<boolean>`false`;
  return sql<boolean>`(${sql.join(roots.map((r) => sql`(${sql.ref(column)} = ${r} OR ${sql.ref(column)} LIKE ${`${r}/%`})`), sql` OR `)})`;
}

/** True when a case at this org path is in the actor's sight. */
export function canSee(actor: Actor, orgPath: string): boolean {
  return visibleRoots(actor).some((r) => orgPath === r || orgPath.startsWith(`${r}/`));
}

/** The roles that may re-check a county's audit trail, held at the county itself (its whole chain). */
export const AUDIT_ROLES: readonly string[] = ['supervisor', 'auditor', 'admin'];

/** True when the actor is a county-level supervisor, auditor or administrator. */
export function mayVerifyAudit(actor: Actor): boolean {
  return actor.grants.some((g) => AUDIT_ROLES.includes(g.role) && g.unitPath.length === 1);
}
