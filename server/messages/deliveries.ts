/**
 * Deliveries: each message a channel should carry is kept as a row and sent from the timer
 * outbox (a timer with event cf.deliver), so nothing is lost to a restart and retries back off
 * (30 s, 1, 2, 4, 8 min; then it is marked failed). Every attempt is logged on the row.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../db/open';
import type { Database } from '../db/schema';
import { accepted, type Outgoing, requestFor } from './channelFormats';

/** The timer event that means "deliver a message", not a case event. */
export const DELIVER_EVENT = 'cf.deliver';
const MAX_ATTEMPTS = 6;
const TIMEOUT_MS = 5000;
const backoffMs = (attempts: number) => 30_000 * 2 ** (attempts - 1);

/** One message for one channel, to be kept as a delivery row with its timer. */
export interface PlannedDelivery {
  channel_id: string;
  case_id: string;
  kind: string;
  payload: string;
}

/** The deliveries these messages make: one for every channel of the county (and process) that carries its kind. Reads only. */
export async function plannedDeliveries(k: Kysely<Database>, county: string, processId: string, messages: Outgoing[]): Promise<PlannedDelivery[]> {
  if (!messages.length) return [];
  const channels = await k.selectFrom('channels').select(['id', 'kinds']).where('county_id', '=', county)
    .where((eb) => eb.or([eb('process_id', 'is', null), eb('process_id', '=', processId)])).execute();
  return channels.flatMap((ch) => {
    const kinds = ch.kinds.split(',');
    return messages.filter((m) => kinds.includes(m.kind)).map((m) => ({ channel_id: ch.id, case_id: m.caseId, kind: m.kind, payload: JSON.stringify(m) }));
  });
}

/** Queues a message for every channel of the county (and process) that carries its kind (a step's own are written by its statement: writeStep). */
export async function enqueueDeliveries(k: Kysely<Database>, county: string, processId: string, messages: Outgoing[], now: Date): Promise<void> {
  for (const d of await plannedDeliveries(k, county, processId, messages)) {
    const row = await k.insertInto('deliveries').values({ county_id: county, ...d, status: 'pending', created_at: now }).returning('id').executeTakeFirstOrThrow();
    await k.insertInto('timers').values({ county_id: county, case_id: d.case_id, timer_id: `deliver:${row.id}`, event_type: DELIVER_EVENT, due_at: now }).execute();
  }
}

/** Sends one delivery (a claimed timer): delivered, retried later with backoff, or failed for good. */
export async function deliver(db: Db, t: { county_id: string; case_id: string; timer_id: string }, now: Date, post: typeof fetch = fetch): Promise<void> {
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
  let status: number | null = null;
  let error: string | null = null;
  try {
    const res = await post(req.url, { method: 'POST', headers: req.headers, body: req.body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    status = res.status;
    const text = await res.text();
    if (!accepted(d.kind, res.status, text)) error = `对方答复 ${res.status}：${text.slice(0, 200)}`;
  } catch (e) {
    error = `发送失败：${(e as Error).message}`.slice(0, 300);
  }
  const attempts = d.attempts + 1;
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

