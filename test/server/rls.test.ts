import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, type TestApp } from '../helpers/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe(`row-level security, the second wall (${dbKind})`, () => {
  it('works as a role that is neither superuser nor owner', async () => {
    const who = await t.db.run('532326', (k) => sql<{ user: string; su: string }>`SELECT current_user AS user, current_setting('is_superuser') AS su`.execute(k));
    expect(who.rows[0]).toEqual({ user: 'countyflow_app', su: 'off' });
  });

  it('hides another county\'s rows even from a query that forgets to filter by county', async () => {
    const all = await t.db.run('*', (k) => k.selectFrom('users').select('county_id').distinct().execute());
    expect(all.map((r) => r.county_id).sort()).toEqual(['140524', '140525', '500102', '532326', '532622', '621226']);
    const seen = await t.db.run('532326', (k) => k.selectFrom('users').select('county_id').distinct().execute());
    expect(seen.map((r) => r.county_id)).toEqual(['532326']);
  });

  it('guards every county table, reading the county once per statement (not for each row it scans)', async () => {
    const policies = await t.db.run('*', (k) => sql<{ tablename: string; qual: string }>`SELECT tablename, qual FROM pg_policies WHERE policyname = 'county_only' AND schemaname = current_schema()`.execute(k));
    expect(policies.rows.map((p) => p.tablename)).toEqual(expect.arrayContaining(['cases', 'case_events', 'case_titles', 'users', 'messages']));
    for (const p of policies.rows) expect(p.qual, p.tablename).toMatch(/^\(\(county_id = \( SELECT current_setting\('app\.county'::text, true\) AS current_setting\)\) OR \(\( SELECT current_setting/);
  });

  it('refuses to write a row into another county', async () => {
    await expect(t.db.run('532326', (k) => k.insertInto('org_units').values({ county_id: '621226', id: 'x', parent_id: null, level: 'village', name: 'x', path: 'x', sort: 0 }).execute())).rejects.toThrow();
  });
});
