import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { recordRevocation } from '../../server/auth/sessionCache';
import type { Database } from '../../server/db/schema';
import { createTestApp, dbKind, login, type TestApp } from '../helpers/testApp';

let t: TestApp;

/** A demo user's id, by username (a subquery). */
const userId = (k: Kysely<Database>, username: string) => k.selectFrom('users').select('id').where('county_id', '=', '532326').where('username', '=', username);
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

/** Polls until the cookie is refused; returns how long that took (ms), or null if it never was. */
async function refusedWithin(cookie: string, ms: number): Promise<number | null> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    const res = await t.app.inject({ method: 'GET', url: '/api/me', cookies: { cf_session: cookie } });
    if (res.statusCode === 401) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

describe(`sessions kept in memory (${dbKind})`, () => {
  it('a session once read is not read again from the database on each request', async () => {
    const cadre = await login(t.app, '532326', 'cun');
    expect((await cadre.get('/api/me')).statusCode).toBe(200);
    // Gone from the table without a revocation (no server would do this): the server still knows it.
    const gone = await t.db.run('532326', (k) => k.deleteFrom('sessions').where('county_id', '=', '532326').where('user_id', '=', userId(k, 'cun')).executeTakeFirst());
    expect(Number(gone.numDeletedRows)).toBeGreaterThan(0);
    expect((await cadre.get('/api/me')).statusCode).toBe(200);
  });

  it('a logout here is refused at once; one on another server within a second', async () => {
    const here = await login(t.app, '532326', 'xiang');
    expect((await here.get('/api/me')).statusCode).toBe(200);
    expect((await here.send('DELETE', '/api/session')).statusCode).toBe(204);
    expect((await here.get('/api/me')).statusCode).toBe(401);

    const there = await login(t.app, '532326', 'xiang2');
    expect((await there.get('/api/me')).statusCode).toBe(200);
    // What another server's logout writes: the session revoked, and the revocation recorded.
    await t.db.run('532326', async (k) => {
      const s = await k.updateTable('sessions').set({ revoked_at: new Date() }).where('county_id', '=', '532326').where('user_id', '=', userId(k, 'xiang2')).returning('id').executeTakeFirstOrThrow();
      await recordRevocation(k, s.id, new Date());
    });
    const took = await refusedWithin(there.cookie, 5_000);
    expect(took).not.toBeNull();
    expect(took!).toBeLessThan(1_000);
  });
});
