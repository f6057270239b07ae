import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { chainLinkCtes, type EventBody, eventText } from './chainLink';

/** One entry of a county log that is not a case's (administration, access to personal information), as read back. */
export interface LogEntry {
  /** The entry's place in its lane of the chain: later entries have larger numbers (the cursor for the next page). */
  seq: number;
  at: string;
  actor: string;
  type: string;
  data: unknown;
}

/**
 * Appends an entry to one of a county's logs kept beside its cases (`~admin`, `~personal`) in its
 * tamper-evident chain, in the caller's transaction: `countyflow audit verify` checks it with every case's steps.
 */
export async function appendLogEntry(k: Kysely<Database>, county: string, log: string, actor: { id: string; name: string }, type: string, data: unknown, now: Date): Promise<void> {
  const event: EventBody = { caseId: log, rev: 0, at: now.toISOString(), actor: { id: actor.id, name: actor.name }, type, data, from: '', to: '' };
  const parts = [sql`c AS (SELECT ${log}::text AS id, 0 AS rev)`, ...chainLinkCtes(county, event, eventText(event))];
  await sql`WITH ${sql.join(parts, sql`, `)} SELECT seq FROM e`.execute(k);
}

/** Which entries of a county log to read: one page, newest first. */
export interface LogPage {
  limit: number;
  /** Only entries older than this instant. */
  before?: string;
  /** Only entries before this place in the chain (the `seq` of the last entry of the previous page): keyset, never OFFSET. */
  beforeSeq?: number;
  /** Only entries whose type starts with this, e.g. `admin.user.` (a prefix of our own, never the client's text). */
  typePrefix?: string;
}

/** A county log's entries, newest first in chain order (read from the chain itself). */
export async function readLog(k: Kysely<Database>, county: string, log: string, page: LogPage): Promise<LogEntry[]> {
  let q = k.selectFrom('case_events').select(['seq', 'at', 'actor_name', 'type', 'body']).where('county_id', '=', county).where('case_id', '=', log);
  if (page.before) q = q.where('at', '<', new Date(page.before));
  if (page.beforeSeq !== undefined) q = q.where('seq', '<', page.beforeSeq);
  if (page.typePrefix) q = q.where('type', 'like', `${page.typePrefix}%`);
  const rows = await q.orderBy('seq', 'desc').limit(page.limit).execute();
  return rows.map((r) => ({ seq: Number(r.seq), at: new Date(r.at).toISOString(), actor: r.actor_name, type: r.type, data: (JSON.parse(r.body) as EventBody).data }));
}
