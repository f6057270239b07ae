// The supervisor dashboard over 1,000,000 cases on PostgreSQL, against the time to count
// the same rows (SELECT count(*)) measured in the same run.  Run: npm run bench:dashboard
import { sql } from 'kysely';
import { dashboard } from '../server/cases/caseQueries';
import type { UserActor } from '../server/rights';
import { medianMs, withManyCases } from './fixtures/millionCases';

const N = Number(process.env.BENCH_CASES ?? 1_000_000);
await withManyCases('dash', N, async (db) => {
  const supervisor: UserActor = { county: '532326', id: 'b', username: 'b', name: 'b', grants: [{ role: 'supervisor', unitPath: ['532326'], level: 'county' }] };
  const township: UserActor = { ...supervisor, grants: [{ role: 'township_reviewer', unitPath: ['532326', 'jinbi'], level: 'township' }] };
  const now = new Date();
  const count = await medianMs(() => db.run('532326', (k) => sql`SELECT count(*) FROM cases WHERE county_id = '532326' AND process_id = 'relocation'`.execute(k)), 5);
  const county = await medianMs(() => db.run('532326', (k) => dashboard(k, supervisor, 'relocation', now)), 5);
  const town = await medianMs(() => db.run('532326', (k) => dashboard(k, township, 'relocation', now)), 5);
  console.log(`\ndashboard over ${N.toLocaleString('en')} relocation cases (median of 5)`);
  console.log(`  SELECT count(*) of the same rows (baseline): ${count.toFixed(0)} ms`);
  console.log(`  county supervisor (all townships):          ${county.toFixed(0)} ms = ${(county / count).toFixed(2)} × baseline`);
  console.log(`  township reviewer (one township):           ${town.toFixed(0)} ms = ${(town / count).toFixed(2)} × baseline`);
});
