import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type TestApp } from '../helpers/testApp';

const pgUrl = process.env.DATABASE_URL;
let t: TestApp;
beforeAll(async () => {
  // On PostgreSQL the database itself stands in for its replica (it is caught up by definition).
  t = await createTestApp(pgUrl ? { readDatabaseUrl: pgUrl } : {});
});
afterAll(() => t.close());

describe(`reading work on a read replica (${dbKind})`, () => {
  it(pgUrl ? 'lists and the dashboard read from the replica; a write marks its author to read from the primary for a while' : 'without a replica nothing is marked and everything reads from the one database', async () => {
    const cadre = await login(t.app, '532326', 'cun');
    const started = await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
    expect(started.statusCode).toBe(201);
    const wrote = started.cookies.find((c) => c.name === 'cf_wrote');
    const health = (await t.app.inject({ method: 'GET', url: '/health' })).json() as { database: { reads?: { serving: boolean; lagMs: number } } };
    if (pgUrl) {
      expect(Number(wrote?.value)).toBeGreaterThan(Date.now() - 60_000);
      expect(wrote?.httpOnly).toBe(true);
      await expect.poll(async () => ((await t.app.inject({ method: 'GET', url: '/health' })).json() as typeof health).database.reads, { timeout: 5_000 }).toMatchObject({ serving: true, lagMs: 0 });
    } else {
      expect(wrote).toBeUndefined();
      expect(health.database.reads).toBeUndefined();
    }
    // Whether from the replica or the primary, the user finds the case they just started.
    const id = (started.json() as { id: string }).id;
    const mine = (await cadre.get('/api/cases?mine=started&pageSize=5')).json() as { items: { id: string }[] };
    expect(mine.items.map((c) => c.id)).toContain(id);
    const township = await login(t.app, '532326', 'xiang');
    expect((await township.get('/api/dashboard?processId=relocation')).statusCode).toBe(200);
  });
});
