import { createHash, randomBytes } from 'node:crypto';
import type { Level } from '../../engine/index';
import type { Kysely } from 'kysely';
import type { Db } from '../db/open';
import type { Database, SessionMethod } from '../db/schema';
import { type FoundSession, recordRevocation, type SessionCache } from './sessionCache';

/** A signed-in user's session, as the routes see it. */
export interface Session {
  county: string;
  userId: string;
  sessionId: string;
  csrf: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Cookie value `county.token`; the database keeps only the token's hash. `method`: how the person was authenticated. */
export async function createSession(db: Db, county: string, userId: string, hours: number, now: Date, method: SessionMethod = 'password'): Promise<{ cookie: string; csrf: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  await db.run(county, (k) =>
    k.insertInto('sessions').values({
      county_id: county, id: sha256(token), user_id: userId, csrf,
      created_at: now, expires_at: new Date(now.getTime() + hours * 3_600_000), revoked_at: null, method,
    }).execute(),
  );
  return { cookie: `${county}.${token}`, csrf };
}

/** Parses a session cookie into its county and token, or null when malformed. */
export function parseCookie(value: string | undefined): { county: string; token: string } | null {
  const m = /^(\d{6})\.([A-Za-z0-9_-]{20,100})$/.exec(value ?? '');
  return m ? { county: m[1]!, token: m[2]! } : null;
}

/**
 * The live session for a cookie with its user and role grants, or null (unknown, expired or
 * revoked): from the server's memory when it has read it lately (sessionCache.ts), else in one query.
 */
export async function findSession(db: Db, cookie: string | undefined, cache: SessionCache | undefined, now: Date): Promise<FoundSession | null> {
  const parsed = parseCookie(cookie);
  if (!parsed) return null;
  const id = sha256(parsed.token);
  const load = () => loadSession(db, parsed.county, id, now);
  // Both refuse an expired session: the query by its expiry, the cache by the expiry it kept.
  return cache ? cache.find(id, parsed.county, load, now.getTime()) : load();
}

async function loadSession(db: Db, county: string, id: string, now: Date): Promise<FoundSession | null> {
  const rows = await db.run(county, (k) =>
    k.selectFrom('sessions as s')
      .innerJoin('users as u', (j) => j.onRef('u.county_id', '=', 's.county_id').onRef('u.id', '=', 's.user_id'))
      .leftJoin('grants as g', (j) => j.onRef('g.county_id', '=', 's.county_id').onRef('g.user_id', '=', 's.user_id'))
      .leftJoin('org_units as o', (j) => j.onRef('o.county_id', '=', 'g.county_id').onRef('o.id', '=', 'g.unit_id'))
      .select(['s.id', 's.user_id', 's.csrf', 's.expires_at', 's.revoked_at', 's.method', 'u.username', 'u.display_name', 'u.active', 'u.must_change_password', 'g.role', 'o.path', 'o.level'])
      .where('s.county_id', '=', county).where('s.id', '=', id).execute(),
  );
  const first = rows[0];
  if (!first || first.revoked_at || !first.active || new Date(first.expires_at) <= now) return null;
  const grants = rows.flatMap((r) => (r.role && r.path && r.level ? [{ role: r.role, unitPath: r.path.split('/'), level: r.level as Level }] : []));
  return {
    session: { county, userId: first.user_id, sessionId: first.id, csrf: first.csrf },
    // The password that must be changed did not open a single sign-on session: the identity provider authenticated the person.
    actor: { county, id: first.user_id, username: first.username, name: first.display_name, grants, ...(first.must_change_password && first.method === 'password' ? { mustChangePassword: true } : {}) },
    expiresAt: new Date(first.expires_at).getTime(),
  };
}

/** Revokes a session server-side: the cookie stops working here at once and on every other server within a second. */
export async function revokeSession(db: Db, session: Session, cache: SessionCache | undefined, now: Date): Promise<void> {
  await db.transaction(session.county, async (k) => {
    await k.updateTable('sessions').set({ revoked_at: now }).where('county_id', '=', session.county).where('id', '=', session.sessionId).execute();
    await recordRevocation(k, session.sessionId, now);
  });
  cache?.forget(session.sessionId);
}

/**
 * Every server forgets what it keeps of a user's live sessions within a second, so the next
 * request reads the account again (roles changed, password changed). With `revoke` the sessions are
 * also signed out, all but `keep` (sign out everywhere, deactivation, a new password). Returns how many were live.
 */
export async function refreshUserSessions(k: Kysely<Database>, who: { county: string; userId: string }, revoke: boolean, now: Date, cache?: SessionCache, keep?: string): Promise<number> {
  const live = await k.selectFrom('sessions').select('id').where('county_id', '=', who.county).where('user_id', '=', who.userId)
    .where('revoked_at', 'is', null).where('expires_at', '>', now).execute();
  const ended = live.map((s) => s.id).filter((id) => id !== keep);
  if (revoke && ended.length) await k.updateTable('sessions').set({ revoked_at: now }).where('county_id', '=', who.county).where('id', 'in', ended).execute();
  for (const s of live) {
    await recordRevocation(k, s.id, now);
    cache?.forget(s.id);
  }
  return revoke ? ended.length : live.length;
}
