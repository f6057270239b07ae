// Lists and inboxes over 1,000,000 cases on PostgreSQL: the reviewer's inbox, the county's case
// list, a search, each with its count, against a one-row primary-key read measured in the same
// run (the floor of any request).  Run: npm run bench:lists   (BENCH_CASES to change the size)
import { sql } from 'kysely';
import pg from 'pg';
import { listCases, listTasks } from '../server/cases/caseQueries';
import { loadConfig } from '../server/config';
import { openDb } from '../server/db/open';
import { seedAll } from '../server/seed/seed';
import type { UserActor } from '../server/rights';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_lists_${process.pid}`;
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
      now() + ((g % 100) - 5) * interval '1 day', NULL, '户主' || g, 'bench', now() - (g % 1000) * interval '1 hour', now() - (g % 997) * interval '1 minute'
    FROM generate_series(1, ${N}) g,
      LATERAL (SELECT (${sql.val(states)}::text[])[1 + g % 10] AS s, (${sql.val(villages)}::text[])[1 + g % 3] AS p) x`.execute(k));
  await db.run('*', (k) => sql`INSERT INTO case_counts SELECT county_id, process_id, org_path, state, status, count(*) FROM cases GROUP BY 1, 2, 3, 4, 5`.execute(k));
  const owner = new pg.Client({ connectionString: url, options: `-c search_path=${schema}` });
  await owner.connect();
  await owner.query('VACUUM ANALYZE cases').finally(() => owner.end());

  const supervisor: UserActor = { county: '532326', id: 'b', username: 'b', name: 'b', grants: [{ role: 'supervisor', unitPath: ['532326'], level: 'county' }] };
  const township: UserActor = { county: '532326', id: 't', username: 't', name: 't', grants: [{ role: 'township_reviewer', unitPath: ['532326', 'jinbi'], level: 'township' }] };
  const time = async (fn: () => Promise<unknown>) => {
    await fn();
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t0 = performance.now();
      await fn();
      runs.push(performance.now() - t0);
    }
    return runs.sort((a, b) => a - b)[3]!;
  };
  const now = new Date();
  const floor = await time(() => db.run('532326', (k) => k.selectFrom('cases').select('id').where('county_id', '=', '532326').where('id', '=', 'b4242').execute()));
  const figures: [string, number][] = [
    ['township inbox, first page + count', await time(() => db.run('532326', (k) => listTasks(k, township, { pageSize: 50 }, now)))],
    ['county case list, newest first + count', await time(() => db.run('532326', (k) => listCases(k, supervisor, { pageSize: 50 }, now)))],
    ['county case list, one process, active', await time(() => db.run('532326', (k) => listCases(k, supervisor, { pageSize: 50, processId: 'relocation', status: 'active' }, now)))],
    ['search by name (户主4242)', await time(() => db.run('532326', (k) => listCases(k, supervisor, { pageSize: 50, q: '户主4242' }, now)))],
    ['overdue list, one township', await time(() => db.run('532326', (k) => listCases(k, township, { pageSize: 50, overdue: true }, now)))],
  ];
  console.log(`\nlists over ${N.toLocaleString('en')} cases (median of 7)`);
  console.log(`  one row by primary key (baseline):          ${floor.toFixed(2)} ms`);
  for (const [name, ms] of figures) console.log(`  ${name.padEnd(42)} ${ms.toFixed(1)} ms = ${(ms / floor).toFixed(0)} × baseline${ms <= 20 ? '' : '   (aim: ≤ 20 ms)'}`);
} finally {
  await db.close();
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
}
