import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';

/** A role held at a unit, as the admin area shows and edits it. */
export interface PersonGrant {
  role: string;
  unitId: string;
  unitName?: string;
}

/** A person of the county as the administrator sees them. */
export interface Person {
  id: string;
  username: string;
  name: string;
  phone: string | null;
  active: boolean;
  mustChangePassword: boolean;
  grants: PersonGrant[];
}

/** What an administrator sets on a person (besides the password). */
export interface PersonFields {
  name: string;
  phone: string | null;
  grants: PersonGrant[];
}

/** What the admin area's list may be narrowed by. */
export interface PeopleFilter {
  /** Part of a name, username or phone number. */
  q?: string;
  /** Holding a role at this unit or under it. */
  unitId?: string;
  active?: boolean;
}

/** People of the county matching the filter, by name, with their roles (at most `limit`). */
export async function listPeople(k: Kysely<Database>, county: string, f: PeopleFilter, limit: number): Promise<Person[]> {
  let q = k.selectFrom('users').select(['id', 'username', 'display_name', 'phone', 'active', 'must_change_password']).where('county_id', '=', county);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where((eb) => eb.or([eb('display_name', 'ilike', like), eb('username', 'ilike', like), eb('phone', 'like', like)]));
  }
  if (f.active !== undefined) q = q.where('active', '=', f.active);
  if (f.unitId) {
    const unitId = f.unitId;
    q = q.where('id', 'in', (eb) => eb.selectFrom('grants as g').innerJoin('org_units as o', (j) => j.onRef('o.county_id', '=', 'g.county_id').onRef('o.id', '=', 'g.unit_id'))
      .select('g.user_id').where('g.county_id', '=', county)
      .where(sql<boolean>`(o.path = (SELECT path FROM org_units WHERE county_id = ${county} AND id = ${unitId}) OR o.path LIKE (SELECT path FROM org_units WHERE county_id = ${county} AND id = ${unitId}) || '/%')`));
  }
  const users = await q.orderBy('display_name').orderBy('username').limit(limit).execute();
  return withGrants(k, county, users);
}

/** One person, or undefined. */
export async function readPerson(k: Kysely<Database>, county: string, id: string): Promise<Person | undefined> {
  const users = await k.selectFrom('users').select(['id', 'username', 'display_name', 'phone', 'active', 'must_change_password']).where('county_id', '=', county).where('id', '=', id).execute();
  return (await withGrants(k, county, users))[0];
}

async function withGrants(k: Kysely<Database>, county: string, users: { id: string; username: string; display_name: string; phone: string | null; active: boolean; must_change_password: boolean }[]): Promise<Person[]> {
  if (!users.length) return [];
  const grants = await k.selectFrom('grants as g').innerJoin('org_units as o', (j) => j.onRef('o.county_id', '=', 'g.county_id').onRef('o.id', '=', 'g.unit_id'))
    .select(['g.user_id', 'g.role', 'g.unit_id', 'o.name']).where('g.county_id', '=', county).where('g.user_id', 'in', users.map((u) => u.id))
    .orderBy('o.path').orderBy('g.role').execute();
  return users.map((u) => ({
    id: u.id, username: u.username, name: u.display_name, phone: u.phone, active: u.active, mustChangePassword: u.must_change_password,
    grants: grants.filter((g) => g.user_id === u.id).map((g) => ({ role: g.role, unitId: g.unit_id, unitName: g.name })),
  }));
}

/** Adds a person with a password hash that must be changed at first sign-in (until `expiresAt`). */
export async function insertPerson(k: Kysely<Database>, county: string, id: string, username: string, fields: PersonFields, passwordHash: string, expiresAt: Date | null): Promise<void> {
  await k.insertInto('users').values({
    county_id: county, id, username, display_name: fields.name, phone: fields.phone, password_hash: passwordHash, must_change_password: true, password_expires_at: expiresAt,
  }).execute();
  await writeGrants(k, county, id, fields.grants);
}

/** True when the county has an account of this username. */
export async function usernameTaken(k: Kysely<Database>, county: string, username: string): Promise<boolean> {
  return Boolean(await k.selectFrom('users').select('id').where('county_id', '=', county).where('username', '=', username).executeTakeFirst());
}

/** Stops a person's account from signing in. */
export async function deactivatePerson(k: Kysely<Database>, county: string, id: string): Promise<void> {
  await k.updateTable('users').set({ active: false }).where('county_id', '=', county).where('id', '=', id).execute();
}

/** Lets a deactivated person sign in again, their failed sign-ins forgotten. */
export async function reactivatePerson(k: Kysely<Database>, county: string, id: string): Promise<void> {
  await k.updateTable('users').set({ active: true, failed_logins: 0, login_after: null }).where('county_id', '=', county).where('id', '=', id).execute();
}

/** Changes a person's name, phone and roles. */
export async function updatePerson(k: Kysely<Database>, county: string, id: string, fields: PersonFields): Promise<void> {
  await k.updateTable('users').set({ display_name: fields.name, phone: fields.phone }).where('county_id', '=', county).where('id', '=', id).execute();
  await k.deleteFrom('grants').where('county_id', '=', county).where('user_id', '=', id).execute();
  await writeGrants(k, county, id, fields.grants);
}

async function writeGrants(k: Kysely<Database>, county: string, userId: string, grants: PersonGrant[]): Promise<void> {
  const unique = [...new Map(grants.map((g) => [`${g.role}@${g.unitId}`, g])).values()];
  if (unique.length) await k.insertInto('grants').values(unique.map((g) => ({ county_id: county, user_id: userId, role: g.role, unit_id: g.unitId }))).execute();
}

/** The ids of the units among these that exist and are open. */
export async function openUnits(k: Kysely<Database>, county: string, ids: string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await k.selectFrom('org_units').select('id').where('county_id', '=', county).where('id', 'in', ids).where('closed_at', 'is', null).execute();
  return new Set(rows.map((r) => r.id));
}

/** The record of a person kept in the audit chain (before / after a change): no password, no hash. */
export const auditRecord = (p: Person) => ({ username: p.username, name: p.name, phone: p.phone, active: p.active, grants: p.grants.map((g) => `${g.role}@${g.unitId}`) });

/** The roles the county's people hold, by role and the level of the unit they hold it at, with how many people hold each (by role). */
export function rolesHeld(k: Kysely<Database>, county: string) {
  return k.selectFrom('grants as g').innerJoin('org_units as u', (j) => j.onRef('u.county_id', '=', 'g.county_id').onRef('u.id', '=', 'g.unit_id'))
    .select(['g.role', 'u.level', (eb) => eb.fn.count<string>('g.user_id').distinct().as('n')]).where('g.county_id', '=', county)
    .groupBy(['g.role', 'u.level']).orderBy('g.role').execute();
}
