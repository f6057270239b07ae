// Throughput on a highly available PostgreSQL (pg_auto_failover: monitor, primary, standby on
// loopback ports; scripts/ha/cluster.ts), with the standby synchronous and asynchronous, alternating,
// in the same run: the same HTTP step load
// as bench:http (httpSteps.ts), and pgbench running what one accepted step must do at least. The
// standby's replay lag is sampled once a second during each run.
// Run: npm run bench:ha   (needs postgresql-15-auto-failover and pg-auto-failover-cli)
import { haAvailable, startCluster } from '../scripts/ha/cluster';
import { runStepBench, type StepBenchResult } from './httpSteps';

if (!haAvailable()) {
  console.log('pg_autoctl not found: install postgresql-15-auto-failover and pg-auto-failover-cli (Debian)');
  process.exit(1);
}
const o = { cases: Number(process.env.BENCH_CASES ?? 1000), seconds: Number(process.env.BENCH_SECONDS ?? 15), connections: Number(process.env.BENCH_CONNECTIONS ?? 32), port: 4950, ceiling: false, pgbench: true };
const cluster = await startCluster(6700);
try {
  const runs: [string, StepBenchResult, number[]][] = [];
  // Alternating, twice each, since one machine's figures drift from run to run.
  for (const mode of ['synchronous standby', 'asynchronous standby', 'synchronous standby', 'asynchronous standby'] as const) {
    await cluster.setSynchronous(mode === 'synchronous standby');
    const lags: number[] = [];
    const sampler = setInterval(() => {
      const lag = cluster.replayLagMs();
      if (lag !== null) lags.push(lag);
    }, 1000);
    const result = await runStepBench({ ...o, url: cluster.url }).finally(() => clearInterval(sampler));
    runs.push([mode, result, lags]);
  }
  const [base] = runs[0]!;
  console.log(`\nPOST /api/cases/:id/events on pg_auto_failover (primary + standby, one machine), ${o.connections} connections, ${o.seconds} s, ${o.cases} cases`);
  for (const [name, { http, pgbench }, lags] of runs) {
    const ratio = (x: number, y: number) => (x / y).toFixed(2);
    lags.sort((a, b) => a - b);
    console.log(`  ${name}:`);
    console.log(`    HTTP     ${Math.round(http.rps)} transitions/s (p50 ${http.p50} ms, p99 ${http.p99} ms, non-2xx ${http.errors}) = ${ratio(http.rps, runs[0]![1].http.rps)} × ${base}`);
    if (pgbench) console.log(`    pgbench  ${Math.round(pgbench.tps)} transactions/s (latency average ${pgbench.latency} ms) = ${ratio(pgbench.tps, runs[0]![1].pgbench!.tps)} × ${base};  HTTP / pgbench = ${ratio(http.rps, pgbench.tps)}`);
    if (lags.length) console.log(`    standby replay lag during the run: median ${lags[Math.floor(lags.length / 2)]?.toFixed(1) ?? '?'} ms, max ${lags.at(-1)?.toFixed(1) ?? '?'} ms (${lags.length} samples, 1/s)`);
  }
} finally {
  cluster.stop();
}
