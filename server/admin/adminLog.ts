import type { Kysely } from 'kysely';
import { appendLogEntry, readLog } from '../audit/countyLog';
import type { Database } from '../db/schema';
import { roleLabels } from './roleLabels';

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

/** The kinds of change the history can be narrowed to (管理记录's filter): people, the org tree, calendars. */
export const ADMIN_CHANGE_KINDS = ['user', 'unit', 'calendar'] as const;

/** One entry of the admin area's history, newest first. */
export interface AdminHistoryEntry {
  /** Its place in the chain: ask for `beforeSeq` = the last entry's seq to read the next (older) page. */
  seq: number;
  at: string;
  actor: string;
  type: string;
  target: AdminChange['target'];
  before?: unknown;
  after?: unknown;
  /**
   * Each role a person's record names (`village_cadre@dacun`, as stored) in words: 角色名@单位名,
   * the role's label and the unit's name as the county has them now (the id where one is gone).
   */
  grantNames?: Record<string, string>;
}

/** Which page of the history to read. */
export interface AdminHistoryPage {
  limit: number;
  before?: string;
  beforeSeq?: number;
  kind?: (typeof ADMIN_CHANGE_KINDS)[number];
}

/** The role grants (`role@unitId`) a person's record (server/admin/peopleQueries.ts auditRecord) holds. */
const grantsOf = (record: unknown): string[] => {
  const grants = (record as { grants?: unknown } | null | undefined)?.grants;
  return Array.isArray(grants) ? grants.filter((g): g is string => typeof g === 'string' && g.includes('@')) : [];
};

/** The county's administrative history, newest first (read from the chain itself), a page at a time; the records stay as stored. */
export async function adminHistory(k: Kysely<Database>, county: string, page: AdminHistoryPage): Promise<AdminHistoryEntry[]> {
  const rows = await readLog(k, county, ADMIN_LOG, { limit: page.limit, before: page.before, beforeSeq: page.beforeSeq, typePrefix: page.kind ? `admin.${page.kind}.` : undefined });
  const entries = rows.map((r) => {
    const data = r.data as { target: AdminChange['target']; before?: unknown; after?: unknown };
    return { seq: r.seq, at: r.at, actor: r.actor, type: r.type.replace(/^admin\./, ''), target: data.target, before: data.before, after: data.after };
  });
  const grants = new Set(entries.flatMap((e) => [...grantsOf(e.before), ...grantsOf(e.after)]));
  if (!grants.size) return entries;
  const unitIds = [...new Set([...grants].map((g) => g.slice(g.indexOf('@') + 1)))];
  const roles = await roleLabels(k, county);
  const units = await k.selectFrom('org_units').select(['id', 'name']).where('county_id', '=', county).where('id', 'in', unitIds).execute();
  const unitNames = new Map(units.map((u) => [u.id, u.name]));
  const named = (g: string) => {
    const at = g.indexOf('@');
    const role = g.slice(0, at);
    const unit = g.slice(at + 1);
    return `${roles.get(role)?.label ?? role}@${unitNames.get(unit) ?? unit}`;
  };
  return entries.map((e) => {
    const own = [...grantsOf(e.before), ...grantsOf(e.after)];
    return own.length ? { ...e, grantNames: Object.fromEntries(own.map((g) => [g, named(g)])) } : e;
  });
}
