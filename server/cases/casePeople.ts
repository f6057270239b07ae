/** Who, by their grants: those holding a step's role where a case is, and those who may see a case. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** The users holding one of these roles at one of these units. */
export async function holdersOf(k: Kysely<Database>, county: string, roles: string[], units: string[]): Promise<string[]> {
  if (!roles.length || !units.length) return [];
  const rows = await k.selectFrom('grants').select('user_id').distinct().where('county_id', '=', county).where('role', 'in', roles).where('unit_id', 'in', units).orderBy('user_id').execute();
  return rows.map((r) => r.user_id);
}

/**
 * The people who may see a case at these units (a grant at its unit or above), by name; only
 * `ids` when given. County IT authors are not among them: they build processes, not cases.
 */
export async function peopleWhoSee(k: Kysely<Database>, county: string, unitPath: string[], ids?: string[]): Promise<{ id: string; name: string }[]> {
  if (ids && !ids.length) return [];
  return k.selectFrom('users').innerJoin('grants', (j) => j.onRef('grants.user_id', '=', 'users.id').onRef('grants.county_id', '=', 'users.county_id'))
    .select(['users.id', 'users.display_name as name']).distinct()
    .where('users.county_id', '=', county).where('grants.unit_id', 'in', unitPath).where('grants.role', '!=', 'author')
    .$if(Boolean(ids), (q) => q.where('users.id', 'in', ids!))
    .execute();
}

/** The names of the county's people with these ids (none for no ids). */
export async function namesOf(k: Kysely<Database>, county: string, ids: string[]): Promise<{ id: string; name: string }[]> {
  return ids.length ? k.selectFrom('users').select(['id', 'display_name as name']).where('county_id', '=', county).where('id', 'in', ids).execute() : [];
}
