import { sql } from 'kysely';
import { systemActor } from '../cases/acceptedStep';
import { sendEvent, StaleError } from '../cases/sendEvent';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { notesOf } from '../metrics/notes';
import { alertDeadlines } from '../messages/deadlineAlerts';
import type { AllowHosts } from '../messages/channelAddress';
import { deliver, DELIVER_EVENT } from '../messages/deliveries';

/** How long a claimed timer stays reserved for the process that claimed it. */
const CLAIM_MS = 30_000;

/**
 * Claims up to `limit` due timers (skipping rows another process holds), and fires each
 * through the ordinary transition path. A timer fires once: its row is deleted in the same
 * statement that applies its transition. Returns how many fired. Channel messages go only to
 * https public hosts and to `allowHosts` (CHANNEL_ALLOW_HOSTS).
 */
export async function fireDueTimers(db: Db, now: Date, limit = 50, log: (msg: string, extra?: object) => void = () => undefined, allowHosts: AllowHosts = []): Promise<number> {
  const claimed = await db.run('*', (k) => sql<{ county_id: string; case_id: string; timer_id: string; event_type: string; due_at: Date | string }>`
    UPDATE timers SET claimed_until = ${new Date(now.getTime() + CLAIM_MS)}
    WHERE (county_id, case_id, timer_id) IN (
      SELECT county_id, case_id, timer_id FROM timers
      WHERE due_at <= ${now} AND (claimed_until IS NULL OR claimed_until < ${now})
      ORDER BY due_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING county_id, case_id, timer_id, event_type, due_at`.execute(k));
  const notes = notesOf(db);
  let fired = 0;
  for (const t of claimed.rows) {
    const lagSeconds = Math.max(0, now.getTime() - new Date(t.due_at).getTime()) / 1000;
    if (t.event_type === DELIVER_EVENT) {
      // A message for a channel, not a case event: sent, or put back with backoff.
      await deliver(db, t, now, allowHosts).catch((e: unknown) => log('delivery round failed', { county: t.county_id, timer: t.timer_id, err: String(e) }));
      continue;
    }
    try {
      await sendEvent(db, systemActor(t.county_id), t.case_id, { type: t.event_type }, { now, firedTimer: t.timer_id });
      notes.timer('fired', lagSeconds);
      fired++;
    } catch (e) {
      if (e instanceof StaleError) {
        // A user acted on the case at the same moment: try again on the next round.
        notes.timer('stale', lagSeconds);
        await db.run(t.county_id, (k) => k.updateTable('timers').set({ claimed_until: null }).where('county_id', '=', t.county_id).where('case_id', '=', t.case_id).where('timer_id', '=', t.timer_id).execute());
        continue;
      }
      // The case moved on (or closed) without cancelling this timer: it can never apply.
      notes.timer('dropped', lagSeconds);
      log('timer dropped', { county: t.county_id, caseId: t.case_id, timer: t.timer_id, reason: e instanceof AppError ? e.code : String(e), ...(e instanceof AppError && e.fault ? { fault: e.fault } : {}) });
      await db.run(t.county_id, (k) => k.deleteFrom('timers').where('county_id', '=', t.county_id).where('case_id', '=', t.case_id).where('timer_id', '=', t.timer_id).execute());
    }
  }
  return fired;
}

/** Runs fireDueTimers at `clock`'s time every `intervalMs` until stopped; never two rounds at once in one process. */
export function startScheduler(db: Db, clock: Clock, intervalMs: number, log: (msg: string, extra?: object) => void, dueSoonMs?: number, allowHosts: AllowHosts = []): () => Promise<void> {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let alertedAt = 0;
  const tick = async () => {
    try {
      while (!stopped && (await fireDueTimers(db, clock.now(), 50, log, allowHosts)) === 50);
      // Deadline reminders: looked for once a minute (of the clock's time).
      const now = clock.now();
      if (!stopped && now.getTime() - alertedAt >= 60_000) {
        alertedAt = now.getTime();
        await alertDeadlines(db, now, dueSoonMs);
      }
    } catch (e) {
      log('timer round failed', { err: String(e) });
    }
  };
  const handle = setInterval(() => {
    running = running.then(tick);
  }, intervalMs);
  return async () => {
    stopped = true;
    clearInterval(handle);
    await running;
  };
}
