import { type Kysely, sql } from 'kysely';
import type { Actor, Level } from '../engine/types';
import type { Database } from './db/schema';

/** The acting user: who they are and the roles they hold where. */
export interface UserActor extends Actor {
  county: string;
  username: string;
  name: string;
}

/** Splits a stored org path (`id/id/id`) into unit ids. */
export const unitPath = (path: string) => path.split('/');

/** Loads the user and their role grants (with each unit's path and level). */
export async function loadActor(db: Kysely<Database>, county: string, userId: string): Promise<UserActor | null> {
  const user = await db.selectFrom('users').select(['id', 'username', 'display_name']).where('county_id', '=', county).where('id', '=', userId).executeTakeFirst();
  if (!user) return null;
  const grants = await db.selectFrom('grants as g').innerJoin('org_units as u', (j) => j.onRef('u.county_id', '=', 'g.county_id').onRef('u.id', '=', 'g.unit_id'))
    .select(['g.role', 'u.path', 'u.level']).where('g.county_id', '=', county).where('g.user_id', '=', userId).execute();
  return {
    county, id: user.id, username: user.username, name: user.display_name,
    grants: grants.map((g) => ({ role: g.role, unitPath: unitPath(g.path), level: g.level as Level })),
  };
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
