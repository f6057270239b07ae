/**
 * Deliveries: each message a channel should carry is kept as a row and sent from the timer
 * outbox (a timer with event cf.deliver), so nothing is lost to a restart and retries back off
 * (30 s, 1, 2, 4, 8 min; then it is marked failed). Every attempt is logged on the row.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Db } from '../db/open';
import type { Database } from '../db/schema';
import type { AllowHosts } from './channelAddress';
import { accepted, type Outgoing, requestFor } from './channelFormats';
import { postToChannel } from './channelPost';
import { notesOf } from '../metrics/notes';

/** The timer event that means "deliver a message", not a case event. */
export const DELIVER_EVENT = 'cf.deliver';
const MAX_ATTEMPTS = 6;
const TIMEOUT_MS = 5000;
const backoffMs = (attempts: number) => 30_000 * 2 ** (attempts - 1);

/** A message for the county's channels: its kind, and what a channel is sent (Outgoing JSON). */
export interface ChannelPayload {
  kind: string;
  payload: string;
}

/** The Outgoing JSON of a message about a case, as every channel format reads it. */
export const outgoing = (caseId: string, now: Date, m: { kind: string; title: string; body: string }): ChannelPayload => ({
  kind: m.kind,
  payload: JSON.stringify({ kind: m.kind, caseId, title: m.title, body: m.body, at: now.toISOString() } satisfies Outgoing),
});

/**
 * Sub-statements `dl` and `dt` that queue each payload for every channel of the county (and
 * process) carrying its kind, each delivery with its timer. `sent` narrows the payloads to those
 * whose message was written (a condition on `p.kind`).
 */
export function deliveryCtes(at: { county: string; caseId: string; processId: string; now: Date }, payloads: ChannelPayload[], sent: RawBuilder<unknown> = sql`TRUE`): RawBuilder<unknown>[] {
  const when = at.now.toISOString();
  return [
    sql`dl AS (
      INSERT INTO deliveries (county_id, channel_id, case_id, kind, payload, status, created_at)
      SELECT ${at.county}, ch.id, ${at.caseId}, p.kind, p.payload, 'pending', ${when}::timestamptz
      FROM channels ch, jsonb_to_recordset(${JSON.stringify(payloads)}::jsonb) AS p(kind text, payload text)
      WHERE ch.county_id = ${at.county} AND (ch.process_id IS NULL OR ch.process_id = ${at.processId})
        AND p.kind = ANY(string_to_array(ch.kinds, ',')) AND ${sent}
      RETURNING id, case_id)`,
    sql`dt AS (
      INSERT INTO timers (county_id, case_id, timer_id, event_type, due_at)
      SELECT ${at.county}, dl.case_id, 'deliver:' || dl.id, ${DELIVER_EVENT}, ${when}::timestamptz FROM dl)`,
  ];
}

/** Queues messages about a case for the county's channels, in one statement (a step's own are written by its statement: writeStep). */
export async function enqueueDeliveries(k: Kysely<Database>, at: { county: string; caseId: string; processId: string; now: Date }, payloads: ChannelPayload[]): Promise<void> {
  if (!payloads.length) return;
  await sql`WITH ${sql.join(deliveryCtes(at, payloads), sql`, `)} SELECT count(*) FROM dl`.execute(k);
}

/**
 * Sends one delivery (a claimed timer): delivered, retried later with backoff, or failed for good.
 * `allow` is the operator's CHANNEL_ALLOW_HOSTS; every other host must be https and public.
 */
export async function deliver(db: Db, t: { county_id: string; case_id: string; timer_id: string }, now: Date, allow: AllowHosts = []): Promise<void> {
  const id = t.timer_id.slice('deliver:'.length);
  const d = await db.run(t.county_id, (k) => k.selectFrom('deliveries').innerJoin('channels', (j) => j.onRef('channels.id', '=', 'deliveries.channel_id').onRef('channels.county_id', '=', 'deliveries.county_id'))
    .select(['deliveries.payload', 'deliveries.attempts', 'channels.kind', 'channels.url', 'channels.secret']).where('deliveries.county_id', '=', t.county_id).where('deliveries.id', '=', id).executeTakeFirst());
  const dropTimer = (k: Kysely<Database>) => k.deleteFrom('timers').where('county_id', '=', t.county_id).where('case_id', '=', t.case_id).where('timer_id', '=', t.timer_id).execute();
  if (!d) {
    // The channel was removed: nothing to send.
    await db.run(t.county_id, dropTimer);
    return;
  }
  const req = requestFor(d, JSON.parse(d.payload) as Outgoing, now.getTime());
  const result = await postToChannel(req, allow, TIMEOUT_MS);
  const status = result.status;
  // The log keeps the status and a short reason: what a channel answers is never shown to the author.
  const error = result.status === null ? result.reason : accepted(d.kind, result.status, result.text) ? null : result.status >= 200 && result.status < 300 ? '对方未接收' : `HTTP ${result.status}`;
  const attempts = d.attempts + 1;
  notesOf(db).delivery(!error ? 'delivered' : attempts >= MAX_ATTEMPTS ? 'failed' : 'retry');
  await db.run(t.county_id, async (k) => {
    if (!error) {
      await k.updateTable('deliveries').set({ status: 'delivered', attempts, last_status: status, last_error: null, delivered_at: now }).where('county_id', '=', t.county_id).where('id', '=', id).execute();
      await dropTimer(k);
    } else if (attempts >= MAX_ATTEMPTS) {
      await k.updateTable('deliveries').set({ status: 'failed', attempts, last_status: status, last_error: error }).where('county_id', '=', t.county_id).where('id', '=', id).execute();
      await dropTimer(k);
    } else {
      await k.updateTable('deliveries').set({ attempts, last_status: status, last_error: error }).where('county_id', '=', t.county_id).where('id', '=', id).execute();
      await k.updateTable('timers').set({ due_at: new Date(now.getTime() + backoffMs(attempts)), claimed_until: null })
        .where('county_id', '=', t.county_id).where('case_id', '=', t.case_id).where('timer_id', '=', t.timer_id).execute();
    }
  });
}

