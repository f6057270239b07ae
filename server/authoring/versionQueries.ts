import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';

/** The latest published version of each of a county's processes, by process id, with whether a draft of it waits. */
export function latestVersions(k: Kysely<Database>, county: string) {
  return k.selectFrom('definition_versions as v')
    .select(['v.process_id', 'v.version', 'v.body', 'v.published_at', sql<boolean>`EXISTS (SELECT 1 FROM definition_drafts d WHERE d.county_id = v.county_id AND d.process_id = v.process_id)`.as('has_draft')])
    .where('v.county_id', '=', county)
    .where('v.version', '=', (eb) => eb.selectFrom('definition_versions as w').select((w) => w.fn.max('w.version').as('m')).whereRef('w.county_id', '=', 'v.county_id').whereRef('w.process_id', '=', 'v.process_id'))
    .orderBy('v.process_id').execute();
}

/** A published version of a process (the latest when `version` is not given), or undefined. */
export function publishedVersion(k: Kysely<Database>, county: string, processId: string, version?: number) {
  let q = k.selectFrom('definition_versions').select(['version', 'body', 'published_at', 'note']).where('county_id', '=', county).where('process_id', '=', processId);
  q = version ? q.where('version', '=', version) : q.orderBy('version', 'desc').limit(1);
  return q.executeTakeFirst();
}

/** The number the next published version of a process takes (1 for the first). */
export async function nextVersion(k: Kysely<Database>, county: string, processId: string): Promise<number> {
  const last = await k.selectFrom('definition_versions').select((eb) => eb.fn.max('version').as('m')).where('county_id', '=', county).where('process_id', '=', processId).executeTakeFirst();
  return Number(last?.m ?? 0) + 1;
}

/** What a published version records. */
export interface NewVersion {
  processId: string;
  version: number;
  /** The definition as it runs (a variation merged over its template). */
  body: string;
  hash: string;
  /** The county's variation as the author wrote it, or null for a whole definition. */
  source: string | null;
  note: string;
  publishedAt: Date;
  publishedBy: string;
}

/** Writes a published, immutable version. */
export async function insertVersion(k: Kysely<Database>, county: string, v: NewVersion): Promise<void> {
  await k.insertInto('definition_versions').values({
    county_id: county, process_id: v.processId, version: v.version, body: v.body, hash: v.hash,
    source: v.source,
    note: v.note, published_at: v.publishedAt, published_by: v.publishedBy,
  }).execute();
}
