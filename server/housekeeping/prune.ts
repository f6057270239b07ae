import type { Clock } from '../clock';
import type { Db } from '../db/open';
import { expireUploads } from '../files/openUploads';

/** How long records that only serve a while are kept (days). */
export interface Retention {
  /** Stored answers to requests with an Idempotency-Key: a phone may resend a queued step days later. */
  idempotencyDays: number;
  /** Expired or revoked sessions, kept a little for the record. */
  sessionDays: number;
  /** Refused logins and access attempts, kept for security review. */
  authFailureDays: number;
}

export const DEFAULT_RETENTION: Retention = { idempotencyDays: 30, sessionDays: 7, authFailureDays: 180 };

const daysBefore = (now: Date, days: number) => new Date(now.getTime() - days * 86_400_000);

/** Deletes what has outlived its retention, across counties; returns how many rows of each kind went. */
export async function prune(db: Db, now: Date, retention: Retention = DEFAULT_RETENTION): Promise<{ idempotency: number; sessions: number; authFailures: number }> {
  return db.run('*', async (k) => {
    const idempotency = await k.deleteFrom('idempotency').where('created_at', '<', daysBefore(now, retention.idempotencyDays)).executeTakeFirst();
    const sessionCut = daysBefore(now, retention.sessionDays);
    const sessions = await k.deleteFrom('sessions').where((eb) => eb.or([eb('expires_at', '<', sessionCut), eb('revoked_at', '<', sessionCut)])).executeTakeFirst();
    // Every running server has read a revocation within a second of it; a day is ample.
    await k.deleteFrom('session_revocations').where('at', '<', daysBefore(now, 1)).execute();
    const authFailures = await k.deleteFrom('auth_failures').where('at', '<', daysBefore(now, retention.authFailureDays)).executeTakeFirst();
    return { idempotency: Number(idempotency.numDeletedRows), sessions: Number(sessions.numDeletedRows), authFailures: Number(authFailures.numDeletedRows) };
  });
}

/** Prunes at `clock`'s time every `intervalMs` until stopped (the first round soon after start); with `uploads`, deletes uploads older than `expireMs` in `dir` too. */
export function startHousekeeping(db: Db, clock: Clock, intervalMs: number, retention: Retention, log: (msg: string, extra?: object) => void, uploads?: { dir: string; expireMs: number }): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const round = () => {
    running = running.then(async () => {
      try {
        const now = clock.now();
        const gone = { ...(await prune(db, now, retention)), uploads: uploads ? await expireUploads(uploads.dir, now, uploads.expireMs) : 0 };
        if (gone.idempotency || gone.sessions || gone.authFailures || gone.uploads) log('housekeeping', gone);
      } catch (e) {
        log('housekeeping failed', { err: String(e) });
      }
    });
  };
  const first = setTimeout(round, Math.min(intervalMs, 60_000));
  const handle = setInterval(round, intervalMs);
  return async () => {
    clearTimeout(first);
    clearInterval(handle);
    await running;
  };
}
