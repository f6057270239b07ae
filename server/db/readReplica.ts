/**
 * Reading work (dashboards, exports, lists) on a read replica: READ_DATABASE_URL, a streaming
 * standby of the primary. Reads go there only while it is caught up (its replay within
 * READ_MAX_LAG_SECONDS of what it has received, checked every two seconds) and only for users
 * who have not just written: a request carrying a recent `cf_wrote` cookie (set on every
 * accepted write, valid READ_AFTER_WRITE_SECONDS) reads from the primary, so a cadre always
 * sees the step they just took. A replica that cannot be reached sends reads to the primary.
 */
import { type Kysely, sql } from 'kysely';
import { isConnectionError, type ScopedDb } from './pgPool';
import type { Database } from './schema';

export interface ReadReplica {
  /** Runs read-only work on the replica; null when the replica should not or could not serve it. */
  tryRead<T>(scope: string, fn: (k: Kysely<Database>) => Promise<T>): Promise<{ value: T } | null>;
  where(): { host: string; lagMs: number | null; serving: boolean };
  close(): Promise<void>;
}

const LAG_CHECK_MS = 2000;

export function readReplica(replica: ScopedDb, maxLagMs: number): ReadReplica {
  const { db } = replica;
  let lagMs: number | null = null;
  const check = async () => {
    try {
      // Caught up when everything received is replayed; else how old the last replayed commit is.
      const r = await sql<{ lag: number | null }>`SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
        ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000 END AS lag`.execute(db);
      lagMs = r.rows[0]?.lag === null || r.rows[0]?.lag === undefined ? null : Number(r.rows[0].lag);
    } catch {
      lagMs = null;
    }
  };
  void check();
  const timer = setInterval(() => void check(), LAG_CHECK_MS);
  timer.unref();
  const serving = () => lagMs !== null && lagMs <= maxLagMs;
  return {
    async tryRead(scope, fn) {
      if (!serving()) return null;
      try {
        return { value: await replica.run(scope, fn) };
      } catch (e) {
        if (!isConnectionError(e)) throw e;
        lagMs = null;
        return null;
      }
    },
    where: () => ({ host: replica.where().host, lagMs, serving: serving() }),
    close: async () => {
      clearInterval(timer);
      await db.destroy();
    },
  };
}

/** The cookie a write sets so that its author's next reads come from the primary. */
export const WROTE_COOKIE = 'cf_wrote';
