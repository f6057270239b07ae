// Lists and inboxes over 1,000,000 cases on PostgreSQL: the reviewer's inbox, the county's case
// list, a search, each with its count, against a one-row primary-key read measured in the same
// run (the floor of any request).  Run: npm run bench:lists   (BENCH_CASES to change the size)
import { listCases, listTasks } from '../server/cases/caseQueries';
import type { UserActor } from '../server/rights';
import { medianMs, withManyCases } from './fixtures/millionCases';

const N = Number(process.env.BENCH_CASES ?? 1_000_000);
await withManyCases('lists', N, async (db) => {
  const supervisor: UserActor = { county: '532326', id: 'b', username: 'b', name: 'b', grants: [{ role: 'supervisor', unitPath: ['532326'], level: 'county' }] };
  const township: UserActor = { county: '532326', id: 't', username: 't', name: 't', grants: [{ role: 'township_reviewer', unitPath: ['532326', 'jinbi'], level: 'township' }] };
  const time = (fn: () => Promise<unknown>) => medianMs(fn);
  const now = new Date();
  const floor = await time(() => db.run('532326', (k) => k.selectFrom('cases').select('id').where('county_id', '=', '532326').where('id', '=', 'b4242').execute()));
  const figures: [string, number][] = [
    ['township inbox, first page + count', await time(() => db.run('532326', (k) => listTasks(k, township, { pageSize: 50 }, now)))],
    ['county case list, newest first + count', await time(() => db.run('532326', (k) => listCases(k, supervisor, { pageSize: 50 }, now)))],
    ['county case list, one process, active', await time(() => db.run('532326', (k) => listCases(k, supervisor, { pageSize: 50, processId: 'relocation', status: 'active' }, now)))],
    ['search by name (李明华)', await time(() => db.run('532326', (k) => listCases(k, supervisor, { pageSize: 50, q: '李明华' }, now)))],
    ['overdue list, one township', await time(() => db.run('532326', (k) => listCases(k, township, { pageSize: 50, overdue: true }, now)))],
  ];
  console.log(`\nlists over ${N.toLocaleString('en')} cases (median of 7)`);
  console.log(`  one row by primary key (baseline):          ${floor.toFixed(2)} ms`);
  for (const [name, ms] of figures) console.log(`  ${name.padEnd(42)} ${ms.toFixed(1)} ms = ${(ms / floor).toFixed(0)} × baseline${ms <= 20 ? '' : '   (aim: ≤ 20 ms)'}`);
});
