/** Who, by their grants: those holding a step's role where a case is, the people of its countersigning departments, and those who may see a case. */
import type { Kysely } from 'kysely';
import { type CaseSnapshot, type CompiledProcess, countersignsNow } from '../../engine/index';
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

/**
 * The people of each department of the case's countersign steps (联审), by the department's role:
 * active users holding the role at the case's unit or above, at the department's level when it
 * names one. Recorded with each event at such a step, so a replay counts the same. Undefined when
 * the case is at no countersign step.
 */
export async function departmentHolders(k: Kysely<Database>, county: string, compiled: CompiledProcess, snapshot: CaseSnapshot, orgPath: string): Promise<Record<string, string[]> | undefined> {
  const departments = countersignsNow(compiled, snapshot).flatMap((c) => c.step.countersign!.departments);
  if (!departments.length) return undefined;
  const rows = await k.selectFrom('grants as g')
    .innerJoin('org_units as o', (j) => j.onRef('o.county_id', '=', 'g.county_id').onRef('o.id', '=', 'g.unit_id'))
    .innerJoin('users as u', (j) => j.onRef('u.county_id', '=', 'g.county_id').onRef('u.id', '=', 'g.user_id'))
    .select(['g.user_id', 'g.role', 'o.level']).distinct()
    .where('g.county_id', '=', county).where('g.role', 'in', departments.map((d) => d.role)).where('g.unit_id', 'in', orgPath.split('/')).where('u.active', '=', true)
    .orderBy('g.user_id').execute();
  return Object.fromEntries(departments.map((d) => [d.role, [...new Set(rows.filter((r) => r.role === d.role && (!d.level || r.level === d.level)).map((r) => r.user_id))]]));
}

/** The names of the county's people with these ids (none for no ids). */
export async function namesOf(k: Kysely<Database>, county: string, ids: string[]): Promise<{ id: string; name: string }[]> {
  return ids.length ? k.selectFrom('users').select(['id', 'display_name as name']).where('county_id', '=', county).where('id', 'in', ids).execute() : [];
}
