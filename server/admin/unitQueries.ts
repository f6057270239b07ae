import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { underRoots } from '../rights';

/** The levels of the org tree from the top, as definition.schema.json lists them; a unit sits below its parent. */
export const LEVELS = ['province', 'prefecture', 'county', 'township', 'village', 'site', 'branch', 'grid', 'building', 'household'] as const;

/** A unit as the admin area shows it. */
export interface AdminUnit {
  id: string;
  parentId: string | null;
  level: string;
  name: string;
  path: string;
  divisionCode: string | null;
  closed: boolean;
  /** Running cases at the unit or under it. */
  activeCases: number;
  /** People holding a role at the unit itself. */
  people: number;
}

/** The county's whole org tree, closed units included, with the counts the administrator decides by. */
export async function listUnits(k: Kysely<Database>, county: string): Promise<AdminUnit[]> {
  const rows = await k.selectFrom('org_units as o').select([
    'o.id', 'o.parent_id', 'o.level', 'o.name', 'o.path', 'o.division_code', 'o.closed_at',
    sql<number>`(SELECT count(*) FROM grants g WHERE g.county_id = o.county_id AND g.unit_id = o.id)::int`.as('people'),
  ]).where('o.county_id', '=', county).orderBy('o.path').execute();
  // Running cases counted once per case by its own unit, then summed up the tree.
  const counts = await k.selectFrom('cases').select(['org_path', sql<number>`count(*)::int`.as('n')]).where('county_id', '=', county).where('status', '=', 'active').groupBy('org_path').execute();
  const active = new Map<string, number>();
  for (const c of counts) {
    const parts = c.org_path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const p = parts.slice(0, i).join('/');
      active.set(p, (active.get(p) ?? 0) + Number(c.n));
    }
  }
  return rows.map((r) => ({
    id: r.id, parentId: r.parent_id, level: r.level, name: r.name, path: r.path, divisionCode: r.division_code,
    closed: r.closed_at !== null, activeCases: active.get(r.path) ?? 0, people: Number(r.people),
  }));
}

/** A unit's row as the admin routes change it. */
export type UnitRow = { id: string; parent_id: string | null; level: string; name: string; path: string; division_code: string | null; closed_at: Date | null };

/** One unit of the county, or undefined. */
export function readUnit(k: Kysely<Database>, county: string, id: string) {
  return k.selectFrom('org_units').select(['id', 'parent_id', 'level', 'name', 'path', 'division_code', 'closed_at']).where('county_id', '=', county).where('id', '=', id).executeTakeFirst();
}

/** The name of the unit (other than `exceptId`) holding this 统计用区划代码, or undefined. */
export function unitWithDivisionCode(k: Kysely<Database>, county: string, code: string, exceptId?: string) {
  return k.selectFrom('org_units').select('name').where('county_id', '=', county).where('division_code', '=', code).where('id', '<>', exceptId ?? '').executeTakeFirst();
}

/** Adds a unit under `parent`, after the units already there. */
export async function insertUnit(k: Kysely<Database>, county: string, parent: { id: string; path: string }, unit: { id: string; level: string; name: string; divisionCode: string | null }): Promise<void> {
  const sort = await k.selectFrom('org_units').select((eb) => eb.fn.countAll<number>().as('n')).where('county_id', '=', county).where('parent_id', '=', parent.id).executeTakeFirstOrThrow();
  await k.insertInto('org_units').values({
    county_id: county, id: unit.id, parent_id: parent.id, level: unit.level, name: unit.name, path: `${parent.path}/${unit.id}`, sort: Number(sort.n), division_code: unit.divisionCode,
  }).execute();
}

/** Hangs a unit under another parent (its path is moveSubtree's). */
export async function setUnitParent(k: Kysely<Database>, county: string, id: string, parentId: string): Promise<void> {
  await k.updateTable('org_units').set({ parent_id: parentId }).where('county_id', '=', county).where('id', '=', id).execute();
}

/** Renames a unit and/or changes its 统计用区划代码 (what is undefined stays). */
export async function updateUnit(k: Kysely<Database>, county: string, id: string, change: { name?: string; divisionCode?: string | null }): Promise<void> {
  await k.updateTable('org_units').set({
    ...(change.name === undefined ? {} : { name: change.name }), ...(change.divisionCode === undefined ? {} : { division_code: change.divisionCode }),
  }).where('county_id', '=', county).where('id', '=', id).execute();
}

/** Closes a unit at `closedAt`, or reopens it (null). */
export async function setUnitClosed(k: Kysely<Database>, county: string, id: string, closedAt: Date | null): Promise<void> {
  await k.updateTable('org_units').set({ closed_at: closedAt }).where('county_id', '=', county).where('id', '=', id).execute();
}

/** Deletes a unit (unitInUse must be false). */
export async function deleteUnit(k: Kysely<Database>, county: string, id: string): Promise<void> {
  await k.deleteFrom('org_units').where('county_id', '=', county).where('id', '=', id).execute();
}

/** The county's units at or under these paths, by path. */
export function unitsUnder(k: Kysely<Database>, county: string, roots: string[]) {
  return k.selectFrom('org_units').select(['id', 'parent_id', 'level', 'name', 'path'])
    .where('county_id', '=', county).where(underRoots('path', roots)).orderBy('path').execute();
}

/** The names of the county's units with these ids (none for no ids). */
export function unitNames(k: Kysely<Database>, county: string, ids: string[]) {
  return k.selectFrom('org_units').select(['id', 'name']).where('county_id', '=', county).where('id', 'in', ids.length ? ids : ['']).execute();
}

/** The paths of the county's units with these ids (none for no ids). */
export function unitPaths(k: Kysely<Database>, county: string, ids: string[]) {
  return k.selectFrom('org_units').select('path').where('county_id', '=', county).where('id', 'in', ids.length ? ids : ['']).execute();
}

/** Moves a unit and everything under it (units, cases, the dashboard's counters) to a new path. */
export async function moveSubtree(k: Kysely<Database>, county: string, from: string, to: string): Promise<void> {
  const under = (column: string) => sql<boolean>`(${sql.ref(column)} = ${from} OR ${sql.ref(column)} LIKE ${`${from}/%`})`;
  const moved = (column: string) => sql<string>`${to} || substr(${sql.ref(column)}, ${from.length + 1})`;
  await k.updateTable('org_units').set({ path: moved('path') }).where('county_id', '=', county).where(under('path')).execute();
  await k.updateTable('cases').set({ org_path: moved('org_path') }).where('county_id', '=', county).where(under('org_path')).execute();
  await k.updateTable('case_counts').set({ org_path: moved('org_path') }).where('county_id', '=', county).where(under('org_path')).execute();
}

/** Whether anything still hangs on a unit: cases (any, finished too), units under it, people holding a role there. */
export async function unitInUse(k: Kysely<Database>, county: string, id: string, path: string): Promise<boolean> {
  const row = await k.selectNoFrom((eb) => [
    eb.exists(eb.selectFrom('cases').select('id').where('county_id', '=', county).where(sql<boolean>`(org_path = ${path} OR org_path LIKE ${`${path}/%`})`)).as('cases'),
    eb.exists(eb.selectFrom('org_units').select('id').where('county_id', '=', county).where('parent_id', '=', id)).as('children'),
    eb.exists(eb.selectFrom('grants').select('user_id').where('county_id', '=', county).where('unit_id', '=', id)).as('grants'),
  ]).executeTakeFirstOrThrow();
  return Boolean(row.cases) || Boolean(row.children) || Boolean(row.grants);
}
