import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { chainLinkCtes, type EventBody, eventText } from './chainLink';

/** One entry of a county log that is not a case's (administration, access to personal information), as read back. */
export interface LogEntry {
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

/** A county log's entries, newest first (read from the chain itself); `before`: older than this instant. */
export async function readLog(k: Kysely<Database>, county: string, log: string, limit: number, before?: string): Promise<LogEntry[]> {
  let q = k.selectFrom('case_events').select(['at', 'actor_name', 'type', 'body']).where('county_id', '=', county).where('case_id', '=', log);
  if (before) q = q.where('at', '<', new Date(before));
  const rows = await q.orderBy('at', 'desc').orderBy('seq', 'desc').limit(limit).execute();
  return rows.map((r) => ({ at: new Date(r.at).toISOString(), actor: r.actor_name, type: r.type, data: (JSON.parse(r.body) as EventBody).data }));
}
