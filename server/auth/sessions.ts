import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../db/open';

/** A signed-in user's session, as the routes see it. */
export interface Session {
  county: string;
  userId: string;
  sessionId: string;
  csrf: string;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Cookie value `county.token`; the database keeps only the token's hash. */
export async function createSession(db: Db, county: string, userId: string, hours: number, now = new Date()): Promise<{ cookie: string; csrf: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  await db.run(county, (k) =>
    k.insertInto('sessions').values({
      county_id: county, id: sha256(token), user_id: userId, csrf,
      created_at: now, expires_at: new Date(now.getTime() + hours * 3_600_000), revoked_at: null,
    }).execute(),
  );
  return { cookie: `${county}.${token}`, csrf };
}

/** Parses a session cookie into its county and token, or null when malformed. */
export function parseCookie(value: string | undefined): { county: string; token: string } | null {
  const m = /^(\d{6})\.([A-Za-z0-9_-]{20,100})$/.exec(value ?? '');
  return m ? { county: m[1]!, token: m[2]! } : null;
}

/** The live session for a cookie, or null (unknown, expired or revoked). */
export async function findSession(db: Db, cookie: string | undefined, now = new Date()): Promise<Session | null> {
  const parsed = parseCookie(cookie);
  if (!parsed) return null;
  const row = await db.run(parsed.county, (k) =>
    k.selectFrom('sessions').select(['id', 'user_id', 'csrf', 'expires_at', 'revoked_at'])
      .where('county_id', '=', parsed.county).where('id', '=', sha256(parsed.token)).executeTakeFirst(),
  );
  if (!row || row.revoked_at || new Date(row.expires_at) <= now) return null;
  return { county: parsed.county, userId: row.user_id, sessionId: row.id, csrf: row.csrf };
}

/** Revokes a session server-side: the cookie stops working everywhere at once. */
export async function revokeSession(db: Db, session: Session, now = new Date()): Promise<void> {
  await db.run(session.county, (k) =>
    k.updateTable('sessions').set({ revoked_at: now }).where('county_id', '=', session.county).where('id', '=', session.sessionId).execute(),
  );
}
