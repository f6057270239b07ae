import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Effect } from '../../engine/index';
import type { Database } from '../db/schema';
import { deliveryCtes } from '../messages/deliveries';
import type { RoleHolders, StepMessages } from '../messages/stepMessages';
import { chainLinkCtes, type EventBody, eventText, laneOf } from '../audit/chainLink';

/** The case columns a step writes. */
export interface CaseColumns {
  snapshot: unknown;
  state: string;
  status: string;
  outcome: string | null;
  dueAt: string | null;
  /** The case's display title, when the step changes it, and as whoever is not on its step reads it (null: the same). */
  title?: string;
  maskedTitle?: string | null;
  /** The case's uniqueness key, when the step changes it (the database refuses a second case holding it). */
  uniqueKey?: string;
  /** The digests of the case's personal values, when the step changes them (a search by a full value finds the case by them: personalSearch.ts). */
  personal?: string[];
  /** Who has claimed its active steps, and who was added to their decision (from the snapshot, for the inbox). */
  claimedBy: string[] | null;
  addedTo: string[] | null;
}

/** One accepted step, written atomically: the case, one event, timers, messages (and their deliveries), the idempotency record. */
export interface Step {
  county: string;
  caseId: string;
  columns: CaseColumns;
  /** Insert a new case with these extra columns, or update the existing one at `expectedRev`. */
  create?: { processId: string; processVersion: number; orgUnitId: string; orgPath: string; parentId: string | null; title: string; maskedTitle?: string; createdBy: string; uniqueKey?: string };
  expectedRev?: number;
  /** For an update: the case's process, place and state before the step (to move its count). */
  previous?: { processId: string; orgPath: string; state: string; status: string };
  /** A timer event must still be pending for the step to apply (so a timer fires once). */
  firedTimer?: string;
  event: EventBody;
  effects: Effect[];
  /** Extra timer rows for other cases (e.g. CHILD.DONE for the parent when a child finishes). */
  outbox?: { caseId: string; timerId: string; eventType: string; dueAt: string }[];
  idempotency?: { userId: string; key: string; requestHash: string; status: number; response: unknown };
  /** The messages the step brings and their deliveries to the county's channels (each with its timer). */
  messages?: StepMessages;
}

/** Timer changes netted per timer id: the last word wins, so no row is touched twice in one statement. */
export function netTimers(effects: Effect[]): { upsert: { timer_id: string; event_type: string; due_at: string }[]; cancel: string[] } {
  const last = new Map<string, Effect>();
  for (const e of effects) if (e.type === 'schedule' || e.type === 'cancel') last.set(e.timerId, e);
  const upsert: { timer_id: string; event_type: string; due_at: string }[] = [];
  const cancel: string[] = [];
  for (const [id, e] of last) {
    if (e.type === 'schedule') upsert.push({ timer_id: id, event_type: e.event.type, due_at: e.dueAt });
    else cancel.push(id);
  }
  return { upsert, cancel };
}

function caseCte(s: Step): RawBuilder<unknown> {
  const c = s.columns;
  const snapshot = JSON.stringify(s.columns.snapshot);
  if (s.create) {
    const k = s.create;
    return sql`INSERT INTO cases (county_id, id, process_id, process_version, org_unit_id, org_path, state, status, outcome, snapshot, rev, due_at, parent_id, title, masked_title, created_by, created_at, updated_at, unique_key, claimed_by, added_to)
      VALUES (${s.county}, ${s.caseId}, ${k.processId}, ${k.processVersion}, ${k.orgUnitId}, ${k.orgPath}, ${c.state}, ${c.status}, ${c.outcome}, ${snapshot}::jsonb, 1, ${c.dueAt}::timestamptz, ${k.parentId}, ${k.title}, ${k.maskedTitle ?? null}, ${k.createdBy}, ${s.event.at}::timestamptz, ${s.event.at}::timestamptz, ${k.uniqueKey || null}, ${c.claimedBy}::text[], ${c.addedTo}::text[])
      RETURNING id, rev`;
  }
  const timerCheck = s.firedTimer
    ? sql`AND EXISTS (SELECT 1 FROM timers WHERE county_id = ${s.county} AND case_id = ${s.caseId} AND timer_id = ${s.firedTimer})`
    : sql``;
  return sql`UPDATE cases SET snapshot = ${snapshot}::jsonb, state = ${c.state}, status = ${c.status}, outcome = ${c.outcome}, claimed_by = ${c.claimedBy}::text[], added_to = ${c.addedTo}::text[],
      due_at = ${c.dueAt}::timestamptz, rev = rev + 1, updated_at = ${s.event.at}::timestamptz${c.title === undefined ? sql`` : sql`, title = ${c.title}, masked_title = ${c.maskedTitle ?? null}`}${c.uniqueKey === undefined ? sql`` : sql`, unique_key = ${c.uniqueKey || null}`}
    WHERE county_id = ${s.county} AND id = ${s.caseId} AND rev = ${s.expectedRev ?? -1} ${timerCheck}
    RETURNING id, rev`;
}

/**
 * The step's messages and their deliveries, as sub-statements: the people holding the new step's
 * role are found from the grants in the same statement, and each channel of the county (and
 * process) carries each kind of message written once (deliveryCtes).
 */
function messageCtes(s: Step, m: StepMessages): RawBuilder<unknown>[] {
  const holding = (h: RoleHolders) => sql`FROM grants g WHERE g.county_id = ${s.county} AND g.role = ANY(${h.roles}::text[]) AND g.unit_id = ANY(${h.units}::text[])`;
  const toHolders = (h: RoleHolders) => sql`SELECT DISTINCT g.user_id, ${h.text.kind}::text AS kind, ${h.text.title}::text AS title, ${h.text.body}::text AS body ${holding(h)} AND g.user_id <> ${h.except}`;
  const h = m.holders;
  const who: RawBuilder<unknown>[] = [...(h ? [h] : []), ...(m.notices ?? [])].map(toHolders);
  if (m.starter) {
    const t = m.starter.text;
    const reached = h ? sql`WHERE NOT EXISTS (SELECT 1 ${holding(h)} AND g.user_id = ${m.starter.userId})` : sql``;
    who.push(sql`SELECT ${m.starter.userId}::text, ${t.kind}::text, ${t.title}::text, ${t.body}::text ${reached}`);
  }
  return [
    sql`m AS (
      INSERT INTO messages (county_id, case_id, user_id, kind, title, body, created_at)
      SELECT ${s.county}, ${s.caseId}, x.user_id, x.kind, x.title, x.body, ${s.event.at}::timestamptz
      FROM (${sql.join(who, sql` UNION ALL `)}) AS x(user_id, kind, title, body) WHERE EXISTS (SELECT 1 FROM c)
      RETURNING kind)`,
    ...deliveryCtes({ county: s.county, caseId: s.caseId, processId: m.processId, now: new Date(s.event.at) }, m.payloads, sql`EXISTS (SELECT 1 FROM m WHERE m.kind = p.kind)`),
  ];
}

/**
 * Writes one step in a single statement. Returns the new revision, or null when the case
 * was not at the expected revision (or the timer had already fired): then nothing changed.
 */
export async function writeStep(db: Kysely<Database>, s: Step): Promise<number | null> {
  const body = eventText(s.event);
  const { upsert, cancel } = netTimers(s.effects);
  if (s.firedTimer && !upsert.some((t) => t.timer_id === s.firedTimer) && !cancel.includes(s.firedTimer)) cancel.push(s.firedTimer);
  const idem = s.idempotency;
  const timerRows = [...upsert.map((t) => ({ ...t, case_id: s.caseId })), ...(s.outbox ?? []).map((o) => ({ case_id: o.caseId, timer_id: o.timerId, event_type: o.eventType, due_at: o.dueAt }))];
  // Only the parts this step needs: fewer sub-statements for PostgreSQL to plan and run.
  const parts = [sql`c AS (${caseCte(s)})`, ...chainLinkCtes(s.county, s.event, body)];
  // The dashboard's counters move with the case, in the same statement, in the case's lane's row (readers sum the lanes):
  // cases of one village in different lanes do not queue on one counter row.
  const counts: { process_id: string; org_path: string; state: string; status: string; n: number }[] = [];
  const place = s.create ? { processId: s.create.processId, orgPath: s.create.orgPath } : s.previous;
  if (place && (!s.previous || s.previous.state !== s.columns.state || s.previous.status !== s.columns.status)) {
    counts.push({ process_id: place.processId, org_path: place.orgPath, state: s.columns.state, status: s.columns.status, n: 1 });
    if (s.previous) counts.push({ process_id: place.processId, org_path: place.orgPath, state: s.previous.state, status: s.previous.status, n: -1 });
  }
  if (counts.length) {
    // Rows locked in one order by every step (a submit and a return in one lane cross the same two rows the other way).
    counts.sort((a, b) => (a.state < b.state ? -1 : a.state > b.state ? 1 : a.status < b.status ? -1 : a.status > b.status ? 1 : 0));
    parts.push(sql`cc AS (
      INSERT INTO case_counts (county_id, process_id, org_path, state, status, lane, n)
      SELECT ${s.county}, x.process_id, x.org_path, x.state, x.status, ${laneOf(s.caseId)}, x.n
      FROM jsonb_to_recordset(${JSON.stringify(counts)}::jsonb) AS x(process_id text, org_path text, state text, status text, n bigint)
      WHERE EXISTS (SELECT 1 FROM c)
      ON CONFLICT (county_id, process_id, org_path, state, status, lane) DO UPDATE SET n = case_counts.n + excluded.n)`);
  }
  if (s.columns.personal) {
    // Digests no longer held go, new ones come: the two touch different rows, so one statement does both.
    const digests = s.columns.personal;
    if (!s.create) parts.push(sql`pd AS (DELETE FROM case_personal WHERE county_id = ${s.county} AND case_id = ${s.caseId} AND NOT (digest = ANY(${digests}::text[])) AND EXISTS (SELECT 1 FROM c))`);
    if (digests.length) parts.push(sql`pi AS (INSERT INTO case_personal (county_id, digest, case_id) SELECT ${s.county}, d, ${s.caseId} FROM unnest(${digests}::text[]) AS d WHERE EXISTS (SELECT 1 FROM c) ON CONFLICT DO NOTHING)`);
  }
  if (cancel.length) {
    parts.push(sql`td AS (DELETE FROM timers WHERE county_id = ${s.county} AND case_id = ${s.caseId} AND timer_id = ANY(${cancel}::text[]) AND EXISTS (SELECT 1 FROM c))`);
  }
  if (timerRows.length) {
    parts.push(sql`ti AS (
      INSERT INTO timers (county_id, case_id, timer_id, event_type, due_at)
      SELECT ${s.county}, x.case_id, x.timer_id, x.event_type, x.due_at
      FROM jsonb_to_recordset(${JSON.stringify(timerRows)}::jsonb) AS x(case_id text, timer_id text, event_type text, due_at timestamptz)
      WHERE EXISTS (SELECT 1 FROM c)
      ON CONFLICT (county_id, case_id, timer_id) DO UPDATE SET event_type = excluded.event_type, due_at = excluded.due_at, claimed_until = NULL)`);
  }
  if (s.messages) parts.push(...messageCtes(s, s.messages));
  if (idem) {
    parts.push(sql`i AS (
      INSERT INTO idempotency (county_id, user_id, key, request_hash, status, response, created_at)
      SELECT ${s.county}, ${idem.userId}, ${idem.key}, ${idem.requestHash}, ${idem.status}, ${JSON.stringify(idem.response)}, ${s.event.at}::timestamptz
      WHERE EXISTS (SELECT 1 FROM c))`);
  }
  const result = await sql<{ rev: number }>`WITH ${sql.join(parts, sql`, `)} SELECT c.rev FROM c, e`.execute(db);
  return result.rows[0]?.rev ?? null;
}
