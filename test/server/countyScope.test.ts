import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, type TestApp } from '../helpers/testApp';

let t: TestApp;
const pool = process.env.PG_POOL;
beforeAll(async () => {
  // One connection: every unit of work reuses it, whatever county it is for.
  process.env.PG_POOL = '1';
  t = await createTestApp();
});
afterAll(async () => {
  if (pool === undefined) delete process.env.PG_POOL;
  else process.env.PG_POOL = pool;
  await t.close();
});

/** The counties whose org units a unit of work for `scope` can see. */
const countiesSeen = (scope: string) => t.db.run(scope, async (k) => [...new Set((await k.selectFrom('org_units').select('county_id').execute()).map((r) => r.county_id))].sort());

describe(`each unit of work sees its own county only, on a reused connection (${dbKind})`, () => {
  it('alternating counties, system work and a failed statement on one connection never show one county another county\'s rows', async () => {
    const all = await countiesSeen('*');
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (let round = 0; round < 5; round++) {
      for (const county of all) expect(await countiesSeen(county)).toEqual([county]);
      // A statement that fails must not leave the connection in another county.
      await expect(t.db.run(all[0]!, (k) => k.selectFrom('org_units').select('county_id').where('no_such_column' as 'county_id', '=', 'x').execute())).rejects.toThrow();
      expect(await countiesSeen(all[1]!)).toEqual([all[1]]);
      expect(await countiesSeen('*')).toEqual(all);
    }
  });
});
