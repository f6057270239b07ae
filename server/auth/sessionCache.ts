/**
 * Sessions kept in memory once read, so a request does not ask the database who is calling (a
 * four-table join and a round trip each time). A revoked session (logout) is forgotten at once
 * by the server that revoked it and, through session_revocations, by every other server within
 * a second: each reads what was revoked since it last looked, at most every 400 ms.
 * Entries also lapse after SESSION_CACHE_SECONDS (default 60), and never outlive the session.
 */
import type { Kysely } from 'kysely';
import type { Db } from '../db/open';
import type { Database } from '../db/schema';
import type { UserActor } from '../rights';
import type { Session } from './sessions';

export interface FoundSession {
  session: Session;
  actor: UserActor;
  /** When the session itself expires (ms since the epoch). */
  expiresAt: number;
}

/** How often a server looks for sessions revoked elsewhere: often enough that a revocation (deactivation, sign out everywhere, changed roles) reaches every server within a second */
const REVOCATION_CHECK_MS = 400;
/** Most sessions kept at once: past this, the oldest read is dropped. */
const MAX_ENTRIES = 50_000;

/** Records a revocation for every server to see (in the same unit of work as the revocation itself). */
export async function recordRevocation(k: Kysely<Database>, sessionId: string, now: Date): Promise<void> {
  await k.insertInto('session_revocations').values({ session_id: sessionId, at: now }).execute();
}

export interface SessionCache {
  /** The session with this id (the token's hash), from memory or else `load`; null when there is none. */
  find(id: string, county: string, load: () => Promise<FoundSession | null>, now: number): Promise<FoundSession | null>;
  /** Forgets a session this server revoked. */
  forget(id: string): void;
}

export function sessionCache(db: Db, ttlMs: number): SessionCache {
  const entries = new Map<string, { found: FoundSession; until: number }>();
  let lastSeq: string | null = null;
  let checkedAt = -Infinity;
  let checking: Promise<void> | null = null;

  const readRevocations = (county: string) =>
    (checking ??= db.run(county, async (k) => {
      if (lastSeq === null) {
        // First look: nothing is in memory yet, so only where the log stands matters.
        const top = await k.selectFrom('session_revocations').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
        lastSeq = String(top?.seq ?? 0);
        return;
      }
      const rows = await k.selectFrom('session_revocations').select(['seq', 'session_id']).where('seq', '>', lastSeq).orderBy('seq').execute();
      for (const r of rows) entries.delete(r.session_id);
      if (rows.length) lastSeq = String(rows.at(-1)!.seq);
    }).finally(() => {
      checkedAt = performance.now();
      checking = null;
    }));

  return {
    async find(id, county, load, now) {
      if (ttlMs <= 0) return load();
      if (performance.now() - checkedAt > REVOCATION_CHECK_MS) await readRevocations(county);
      const kept = entries.get(id);
      if (kept && kept.until > now && kept.found.expiresAt > now) return kept.found;
      entries.delete(id);
      const found = await load();
      if (found) {
        if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
        entries.set(id, { found, until: now + ttlMs });
      }
      return found;
    },
    forget(id) {
      entries.delete(id);
    },
  };
}
