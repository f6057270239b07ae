import type { Kysely } from 'kysely';
import { appendLogEntry, readLog } from '../audit/countyLog';
import type { Database } from '../db/schema';

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
  const data = { target: change.target, ...(change.before === undefined ? {} : { before: change.before }), ...(change.after === undefined ? {} : { after: change.after }) };
  await appendLogEntry(k, county, ADMIN_LOG, actor, `admin.${change.type}`, data, now);
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
  return (await readLog(k, county, ADMIN_LOG, limit, before)).map((r) => {
    const data = r.data as { target: AdminChange['target']; before?: unknown; after?: unknown };
    return { at: r.at, actor: r.actor, type: r.type.replace(/^admin\./, ''), target: data.target, before: data.before, after: data.after };
  });
}
