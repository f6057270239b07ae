import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** Every county in the database, by code, with its name. */
export function allCounties(k: Kysely<Database>) {
  return k.selectFrom('counties').select(['county_id', 'name']).orderBy('county_id').execute();
}

/** One county's code and name; the county must exist. */
export function countyNamed(k: Kysely<Database>, county: string) {
  return k.selectFrom('counties').select(['county_id', 'name']).where('county_id', '=', county).executeTakeFirstOrThrow();
}
