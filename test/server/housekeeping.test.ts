import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prune } from '../../server/housekeeping/prune';
import { createTestApp, dbKind, login, type TestApp } from '../helpers/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const county = '532326';
const days = (n: number) => new Date(Date.now() - n * 86_400_000);

describe(`housekeeping (${dbKind})`, () => {
  it('prunes idempotency records, sessions and refused-access rows past their retention, and keeps the rest', async () => {
    const user = (await t.db.run(county, (k) => k.selectFrom('users').select('id').where('county_id', '=', county).where('username', '=', 'cun').executeTakeFirstOrThrow())).id;
    await t.db.run(county, async (k) => {
      await k.insertInto('idempotency').values([
        { county_id: county, user_id: user, key: 'old-key-0001', request_hash: 'h', status: 200, response: '{}', created_at: days(40) },
        { county_id: county, user_id: user, key: 'new-key-0001', request_hash: 'h', status: 200, response: '{}', created_at: days(2) },
      ]).execute();
      await k.insertInto('sessions').values([
        { county_id: county, id: 'old-expired', user_id: user, csrf: 'c', created_at: days(30), expires_at: days(20), revoked_at: null },
        { county_id: county, id: 'old-revoked', user_id: user, csrf: 'c', created_at: days(30), expires_at: days(-1), revoked_at: days(10) },
        { county_id: county, id: 'just-expired', user_id: user, csrf: 'c', created_at: days(2), expires_at: days(1), revoked_at: null },
      ]).execute();
      await k.insertInto('auth_failures').values([
        { county_id: county, user_id: user, action: 'login', target: 'x', at: days(400) },
        { county_id: county, user_id: user, action: 'login', target: 'y', at: days(3) },
      ]).execute();
    });
    const live = await login(t.app, county, 'cun');
    const gone = await prune(t.db, new Date(), { idempotencyDays: 30, sessionDays: 7, authFailureDays: 180 });
    expect(gone).toEqual({ idempotency: 1, sessions: 2, authFailures: 1 });
    const left = await t.db.run(county, async (k) => ({
      keys: (await k.selectFrom('idempotency').select('key').where('county_id', '=', county).execute()).map((r) => r.key),
      sessions: (await k.selectFrom('sessions').select('id').where('county_id', '=', county).where('id', 'in', ['old-expired', 'old-revoked', 'just-expired']).execute()).map((r) => r.id),
      failures: (await k.selectFrom('auth_failures').select('target').where('county_id', '=', county).where('target', 'in', ['x', 'y']).execute()).map((r) => r.target),
    }));
    expect(left).toEqual({ keys: ['new-key-0001'], sessions: ['just-expired'], failures: ['y'] });
    // The session in use survives.
    expect((await live.get('/api/me')).statusCode).toBe(200);
  });
});
