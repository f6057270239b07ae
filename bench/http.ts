// Durable transitions per second through HTTP, against ceilings measured in the same run at the
// same concurrency (see httpSteps.ts).
// Run: npm run bench:http              PostgreSQL (DATABASE_URL, default the local test database):
//                                      HTTP / pgbench is the headline, our own SQL in a raw loop beside it
//      npm run bench:http -- --pglite  the embedded database: HTTP / the same SQL in a raw loop in-process
//      npm run bench:http -- --costs   only the paired rounds: what masking, the step limits and /metrics cost a request
//                                      (they follow the rest on PostgreSQL; BENCH_COST_ROUNDS, BENCH_COST_SECONDS, BENCH_COST_CASES,
//                                      BENCH_COST_WARMUP, BENCH_COST_SEED: where each round places the servers, printed by each run)
import { printCosts, runCostRounds } from './httpCosts';
import { median, pageoutDaemon, runStepBench } from './httpSteps';

const pglite = process.argv.includes('--pglite');
const o = {
  url: pglite ? undefined : (process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'),
  cases: Number(process.env.BENCH_CASES ?? 1000),
  seconds: Number(process.env.BENCH_SECONDS ?? 15),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
  port: 4900,
  ceiling: true,
  pgbench: !pglite,
  halfLoad: true,
  // On PostgreSQL, HTTP and pgbench take turns: each ratio pairs two runs a few seconds apart, and the headline is their median.
  rounds: pglite ? 1 : Number(process.env.BENCH_ROUNDS ?? 3),
};
// The paired rounds need PostgreSQL: five servers share the database.
const costs = o.url ? {
  url: o.url, connections: o.connections, port: o.port + 10,
  cases: Number(process.env.BENCH_COST_CASES ?? 100), seconds: Number(process.env.BENCH_COST_SECONDS ?? 8), warmup: Number(process.env.BENCH_COST_WARMUP ?? 3),
  rounds: Number(process.env.BENCH_COST_ROUNDS ?? 10), ...(process.env.BENCH_COST_SEED ? { seed: Number(process.env.BENCH_COST_SEED) } : {}),
} : undefined;
if (process.argv.includes('--costs')) {
  if (!costs) throw new Error('--costs runs on PostgreSQL (five servers share the database), not with --pglite');
  printCosts(await runCostRounds(costs), costs);
  process.exit(0);
}
const { http, half, rounds, ceiling, pgbench, ratios } = await runStepBench(o);
console.log(`\nPOST /api/cases/:id/events on ${pglite ? 'PGlite (embedded)' : 'PostgreSQL'}, ${o.connections} connections, ${o.seconds} s, ${o.cases} cases`);
if (pgbench && ratios) {
  console.log(`  HTTP / pgbench = ${median(ratios).toFixed(2)}   (the headline: our share of what PostgreSQL itself does on this machine)`);
  console.log(`    ${ratios.length} rounds of HTTP then pgbench, ${o.seconds} s each; each round's ratio: ${ratios.map((r) => r.toFixed(2)).join(', ')} (the median above)`);
  console.log(`  pgbench (read case, write case, append event):  ${Math.round(pgbench.tps)} transactions/s (mean of the rounds), latency average ${pgbench.latency} ms, PostgreSQL CPU ${pgbench.dbCpuMs === null ? '?' : pgbench.dbCpuMs.toFixed(2)} ms per transaction`);
}
else if (!pglite) console.log('  pgbench: not found on this machine (it ships with PostgreSQL): no physical ceiling this run');
console.log(`  HTTP (fastify + engine + one-statement write):  ${Math.round(http.rps)} transitions/s${o.rounds > 1 ? ' (all rounds)' : ''}, p50 ${http.p50} ms, p99 ${http.p99} ms, non-2xx ${http.errors}`);
if (half) console.log(`  at half that rate (${half.rate}/s held):        ${Math.round(half.rps)} transitions/s, p50 ${half.p50} ms, p99 ${half.p99} ms, non-2xx ${half.errors}${half.p99 <= 15 ? '' : '   (aim: p99 ≤ 15 ms)'}`);
if (half) {
  const { share, bursts, everyMs } = half.slow;
  console.log(`    over 15 ms: ${(100 * share).toFixed(1)}% of requests, in ${bursts} bursts${everyMs === null ? '' : `, one every ${everyMs} ms (median)`}`);
  const daemon = pageoutDaemon();
  if (daemon !== null) console.log(`    this machine's kernel runs DAMON pageout (kdamond), sampling every ${daemon} ms: expect a burst that often (docs/benchmarks.md)`);
}
const ms = (v: number | null) => (v === null ? '?' : v.toFixed(2));
console.log(`  CPU per step: server ${ms(http.cpuMs.server)} ms${pglite ? ' (database inside)' : `, PostgreSQL ${ms(http.cpuMs.db)} ms`}   (2 cores here, shared with the load generator)`);
console.log(`  steps that change state (start, submit the registration, approve at township and county; 50 cases at a time): ${Math.round(rounds.rps)} steps/s, CPU per step: server ${ms(rounds.cpuMs.server)} ms${pglite ? '' : `, PostgreSQL ${ms(rounds.cpuMs.db)} ms`}`);
console.log(`  ceiling (same SQL, raw loop, no HTTP/engine):   ${Math.round(ceiling!.rps)} transitions/s, p50 ${ceiling!.p50.toFixed(1)} ms, p99 ${ceiling!.p99.toFixed(1)} ms`);
console.log(`  HTTP / ceiling = ${(http.rps / ceiling!.rps).toFixed(2)}`);
if (costs) printCosts(await runCostRounds(costs), costs);
