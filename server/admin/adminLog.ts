import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { chainLinkCtes, type EventBody, eventText } from '../audit/chainLink';

/** The chain entries of a county's administration (people, units, calendars) are kept under this id, not a case's. */
export const ADMIN_LOG = '~admin';

/** One administrative change: who did what to which person or unit, with the record before and after. */
export interface AdminChange {
  /** What was done, e.g. `user.add`, `user.deactivate`, `unit.close`, `calendar.load`. */
  type: string;
  target: { kind: 'user' | 'unit' | 'calendar' | 'county'; id: string; name: string };
  before?: unknown;
  after?: unknown;
}

/**
 * Appends an administrative change to the county's tamper-evident chain, in the caller's
 * transaction: `countyflow audit verify` checks it with every case's steps.
 */
export async function recordAdminChange(k: Kysely<Database>, county: string, actor: { id: string; name: string }, change: AdminChange, now: Date): Promise<void> {
  const event: EventBody = {
    caseId: ADMIN_LOG, rev: 0, at: now.toISOString(), actor: { id: actor.id, name: actor.name }, type: `admin.${change.type}`,
    data: { target: change.target, ...(change.before === undefined ? {} : { before: change.before }), ...(change.after === undefined ? {} : { after: change.after }) },
    from: '', to: '',
  };
  const parts = [sql`c AS (SELECT ${ADMIN_LOG}::text AS id, 0 AS rev)`, ...chainLinkCtes(county, event, eventText(event))];
  await sql`WITH ${sql.join(parts, sql`, `)} SELECT seq FROM e`.execute(k);
}

/** One entry of the admin area's history, newest first. */
export interface AdminHistoryEntry {
  at: string;
  actor: string;
  type: string;
  target: AdminChange['target'];
  before?: unknown;
  after?: unknown;
}

/** The county's administrative history, newest first (read from the chain itself). */
export async function adminHistory(k: Kysely<Database>, county: string, limit: number, before?: string): Promise<AdminHistoryEntry[]> {
  let q = k.selectFrom('case_events').select(['at', 'actor_name', 'type', 'body']).where('county_id', '=', county).where('case_id', '=', ADMIN_LOG);
  if (before) q = q.where('at', '<', new Date(before));
  const rows = await q.orderBy('at', 'desc').orderBy('seq', 'desc').limit(limit).execute();
  return rows.map((r) => {
    const data = (JSON.parse(r.body) as EventBody).data as { target: AdminChange['target']; before?: unknown; after?: unknown };
    return { at: new Date(r.at).toISOString(), actor: r.actor_name, type: r.type.replace(/^admin\./, ''), target: data.target, before: data.before, after: data.after };
  });
}
