// The supervisor dashboard over 1,000,000 cases on PostgreSQL, against the time to count
// the same rows (SELECT count(*)) measured in the same run.  Run: npm run bench:dashboard
import { sql } from 'kysely';
import pg from 'pg';
import { dashboard } from '../server/cases/caseQueries';
import { loadConfig } from '../server/config';
import { openDb } from '../server/db/open';
import { seedAll } from '../server/seed/seed';
import type { UserActor } from '../server/rights';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_dash_${process.pid}`;
const N = Number(process.env.BENCH_CASES ?? 1_000_000);
const db = await openDb({ ...loadConfig({}), databaseUrl: url, dbSchema: schema });
try {
  await seedAll(db);
  process.stdout.write(`inserting ${N.toLocaleString('en')} cases…\n`);
  const states = ['registering', 'townshipReview', 'countyReview', 'mobilising', 'allocating', 'moving', 'demolishing', 'employing', 'following', 'stable'];
  const villages = ['532326/jinbi/xiaokangyuan', '532326/jinbi/jinbi-dongshan', '532326/tanhua/tanhua-village'];
  await db.run('*', (k) => sql`
    INSERT INTO cases (county_id, id, process_id, process_version, org_unit_id, org_path, state, status, outcome, snapshot, rev, due_at, parent_id, title, created_by, created_at, updated_at)
    SELECT '532326', 'b' || g, 'relocation', 1, split_part(p, '/', 3), p, s, CASE WHEN s = 'stable' THEN 'done' ELSE 'active' END, NULL,
      '{"status":"active","value":"registering","context":{"data":{},"due":{},"children":{"total":0,"done":0}}}'::jsonb, 1,
      now() + ((g % 100) - 5) * interval '1 day', NULL, '户' || g, 'bench', now(), now()
    FROM generate_series(1, ${N}) g,
      LATERAL (SELECT (${sql.val(states)}::text[])[1 + g % 10] AS s, (${sql.val(villages)}::text[])[1 + g % 3] AS p) x`.execute(k));
  // Bulk rows bypass the write statement, so fill the counters it would have kept.
  await db.run('*', (k) => sql`INSERT INTO case_counts SELECT county_id, process_id, org_path, state, status, count(*) FROM cases GROUP BY 1, 2, 3, 4, 5`.execute(k));
  // As the table's owner (the app role may not vacuum): sets the visibility map, as autovacuum would.
  const owner = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await owner.connect();
  await owner.query('VACUUM ANALYZE cases').finally(() => owner.end());
  const supervisor: UserActor = { county: '532326', id: 'b', username: 'b', name: 'b', grants: [{ role: 'supervisor', unitPath: ['532326'], level: 'county' }] };
  const township: UserActor = { ...supervisor, grants: [{ role: 'township_reviewer', unitPath: ['532326', 'jinbi'], level: 'township' }] };
  const time = async (fn: () => Promise<unknown>) => {
    await fn();
    const runs: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      await fn();
      runs.push(performance.now() - t0);
    }
    return runs.sort((a, b) => a - b)[2]!;
  };
  const now = new Date();
  const count = await time(() => db.run('532326', (k) => sql`SELECT count(*) FROM cases WHERE county_id = '532326' AND process_id = 'relocation'`.execute(k)));
  const county = await time(() => db.run('532326', (k) => dashboard(k, supervisor, 'relocation', now)));
  const town = await time(() => db.run('532326', (k) => dashboard(k, township, 'relocation', now)));
  console.log(`\ndashboard over ${N.toLocaleString('en')} relocation cases (median of 5)`);
  console.log(`  SELECT count(*) of the same rows (baseline): ${count.toFixed(0)} ms`);
  console.log(`  county supervisor (all townships):          ${county.toFixed(0)} ms = ${(county / count).toFixed(2)} × baseline`);
  console.log(`  township reviewer (one township):           ${town.toFixed(0)} ms = ${(town / count).toFixed(2)} × baseline`);
} finally {
  await db.close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
}
