import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';

/** A published version as the library lists it. */
export interface LibraryVersion { process_id: string; version: number; published_at: Date | string; note: string; title: string | null; extends: string | null; by: string | null }

/**
 * What the authors' library shows of a county: every published version (newest first within a
 * process) with who published it, every draft with who saved it, and how many cases each version
 * has, by status.
 */
export async function libraryRows(k: Kysely<Database>, county: string) {
  return {
    versions: await k.selectFrom('definition_versions as v').leftJoin('users as u', (j) => j.onRef('u.county_id', '=', 'v.county_id').onRef('u.id', '=', 'v.published_by'))
      .select(['v.process_id', 'v.version', 'v.published_at', 'v.note', sql<string | null>`v.body->>'title'`.as('title'), sql<string | null>`v.source->>'extends'`.as('extends'), 'u.display_name as by'])
      .where('v.county_id', '=', county).orderBy('v.process_id').orderBy('v.version', 'desc').execute() as LibraryVersion[],
    drafts: await k.selectFrom('definition_drafts as d').leftJoin('users as u', (j) => j.onRef('u.county_id', '=', 'd.county_id').onRef('u.id', '=', 'd.updated_by'))
      .select(['d.process_id', 'd.updated_at', 'd.body', 'u.display_name as by']).where('d.county_id', '=', county).execute(),
    counts: await k.selectFrom('cases').select(['process_id', 'process_version', 'status', (eb) => eb.fn.countAll<string>().as('n')])
      .where('county_id', '=', county).groupBy(['process_id', 'process_version', 'status']).execute(),
  };
}
