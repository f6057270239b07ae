// Durable transitions per second through HTTP on PostgreSQL, against two ceilings measured in
// the same run at the same concurrency: our own SQL in a raw loop (session, actor, case,
// one-statement write: no HTTP, no engine), and PostgreSQL's own — pgbench running what one
// accepted step must do at least (read the case, write it, append an event: bench/pgbench-step.sql).
// Run: npm run bench:http   (DATABASE_URL defaults to the local test database)
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { findSession } from '../server/auth/sessions';
import { loadConfig } from '../server/config';
import { openDb } from '../server/db/open';
import { writeStep } from '../server/cases/writeStep';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_http_${process.pid}`;
const port = 4900;
const base = `http://127.0.0.1:${port}`;
const CASES = Number(process.env.BENCH_CASES ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const root = join(import.meta.dirname, '..');

async function api(cookie: string, csrf: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`${base}${path}`, { method, headers: { cookie, 'x-csrf-token': csrf, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json() as Promise<Record<string, unknown>>;
}

async function login(username: string) {
  const r = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ county: '532326', username, password: 'demo1234' }) });
  const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
  return { cookie, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
}

/**
 * PostgreSQL's own ceiling: pgbench runs bench/pgbench-step.sql over the prepared cases at the
 * same concurrency for the same time. Null when pgbench is not installed.
 */
function pgbenchCeiling(ids: string[]): { tps: number; latency: string } | null {
  const psql = (sqlText: string) => spawnSync('psql', [url, '-q', '-v', 'ON_ERROR_STOP=1', '-c', sqlText], { env: { ...process.env, PGOPTIONS: `-c search_path=${schema}` }, encoding: 'utf8' });
  if (spawnSync('pgbench', ['--version']).status !== 0) return null;
  const values = ids.map((id, i) => `(${i + 1}, '${id}')`).join(',');
  const made = psql(`CREATE TABLE bench_ids (n int PRIMARY KEY, id text, rev int DEFAULT 0); INSERT INTO bench_ids (n, id) VALUES ${values}; CREATE SEQUENCE bench_seq;`);
  if (made.status !== 0) throw new Error(made.stderr);
  const body = JSON.stringify({ type: 'LOG_VISIT', data: visit, actor: { id: 'bench', name: 'bench' }, at: new Date().toISOString() });
  const run = spawnSync('pgbench', ['-n', '-M', 'prepared', '-c', String(CONNECTIONS), '-j', '2', '-T', String(SECONDS), '-D', `cases=${ids.length}`, '-D', `body=${body}`, '-f', join(root, 'bench/pgbench-step.sql'), url], {
    env: { ...process.env, PGOPTIONS: `-c search_path=${schema}` }, encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`pgbench: ${run.stderr}`);
  const tps = Number(/tps = ([\d.]+)/.exec(run.stdout)?.[1]);
  const latency = /latency average = ([\d.]+) ms/.exec(run.stdout)?.[1] ?? '?';
  return { tps, latency };
}

const registration = JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(join(root, 'bench/fixtures/registration.json'), 'utf8')));
const visit = { date: '2026-03-05', visitors: '村支书、驻村工作队', concerns: '担心搬迁后没有收入', accounts: '搬迁后务工月收入约 3000 元' };

const server = spawn(process.execPath, [join(root, 'bin/countyflow.mjs'), 'serve'], {
  env: { ...process.env, DATABASE_URL: url, DB_SCHEMA: schema, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TIMER_INTERVAL_MS: '0', SCRYPT_LOG_N: '14', PG_POOL: '16' },
  stdio: 'inherit',
});
try {
  for (let i = 0; i < 600 && !(await fetch(`${base}/health`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
  const cadre = await login('cun');
  const township = await login('xiang');
  const county = await login('banqian');
  process.stdout.write(`preparing ${CASES} relocation cases in 思想动员 (mobilising)…\n`);
  const ids: string[] = [];
  for (let i = 0; i < CASES; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, CASES - i) }, async () => {
      const c = await api(cadre.cookie, cadre.csrf, 'POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
      const id = c.id as string;
      await api(cadre.cookie, cadre.csrf, 'POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: registration });
      await api(township.cookie, township.csrf, 'POST', `/api/cases/${id}/events`, { type: 'APPROVE' });
      await api(county.cookie, county.csrf, 'POST', `/api/cases/${id}/events`, { type: 'APPROVE' });
      ids.push(id);
    }));
  }

  // HTTP: each request logs a mobilisation visit (validated form, appended, one durable step) on the next case.
  let next = 0;
  const body = JSON.stringify({ type: 'LOG_VISIT', data: visit });
  const result = await autocannon({
    url: base, connections: CONNECTIONS, duration: SECONDS,
    requests: [{ method: 'POST', headers: { cookie: cadre.cookie, 'x-csrf-token': cadre.csrf, 'content-type': 'application/json' }, body, setupRequest: (req) => ({ ...req, path: `/api/cases/${ids[next++ % ids.length]}/events` }) }],
  });
  const ok = result['2xx'];
  const http = { rps: ok / SECONDS, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors };

  // Ceiling: the same statements per transition, straight to PostgreSQL at the same concurrency.
  const db = await openDb({ ...loadConfig({}), databaseUrl: url, dbSchema: schema });
  const samples = await db.run('532326', (k) => k.selectFrom('cases').select(['id', 'rev', 'snapshot', 'state']).where('id', 'in', ids.slice(0, 200)).execute());
  let done = 0;
  const latencies: number[] = [];
  const deadline = performance.now() + SECONDS * 1000;
  let cursor = 0;
  await Promise.all(Array.from({ length: CONNECTIONS }, async () => {
    while (performance.now() < deadline) {
      const sample = samples[cursor++ % samples.length]!;
      const t0 = performance.now();
      // The server's two units of work per request: session with user and grants, then load + write.
      const s = await findSession(db, cadre.cookie.split('=')[1]);
      await db.run('532326', async (k) => {
        const row = await k.selectFrom('cases').selectAll().where('county_id', '=', '532326').where('id', '=', sample.id).executeTakeFirstOrThrow();
        const now = new Date().toISOString();
        await writeStep(k, {
          county: '532326', caseId: sample.id, expectedRev: row.rev,
          columns: { snapshot: row.snapshot, state: row.state, status: 'active', outcome: null, dueAt: null, claimedBy: null, addedTo: null },
          event: { caseId: sample.id, rev: row.rev + 1, at: now, actor: { id: s!.session.userId, name: 'bench' }, type: 'LOG_VISIT', data: visit, from: row.state, to: row.state },
          effects: [],
        });
      });
      latencies.push(performance.now() - t0);
      done++;
    }
  }));
  await db.close();
  latencies.sort((a, b) => a - b);
  const ceiling = { rps: done / SECONDS, p50: latencies[Math.floor(latencies.length / 2)]!, p99: latencies[Math.floor(latencies.length * 0.99)]! };

  const pgb = pgbenchCeiling(ids);

  console.log(`\nPOST /api/cases/:id/events on PostgreSQL, ${CONNECTIONS} connections, ${SECONDS} s, ${CASES} cases`);
  if (pgb) console.log(`  HTTP / pgbench = ${(http.rps / pgb.tps).toFixed(2)}   (the headline: our share of what PostgreSQL itself does on this machine)`);
  if (pgb) console.log(`  pgbench (read case, write case, append event):  ${Math.round(pgb.tps)} transactions/s, latency average ${pgb.latency} ms`);
  else console.log('  pgbench: not found on this machine (it ships with PostgreSQL): no physical ceiling this run');
  console.log(`  HTTP (fastify + engine + one-statement write):  ${Math.round(http.rps)} transitions/s, p50 ${http.p50} ms, p99 ${http.p99} ms, non-2xx ${http.errors}`);
  console.log(`  ceiling (same SQL, raw loop, no HTTP/engine):   ${Math.round(ceiling.rps)} transitions/s, p50 ${ceiling.p50.toFixed(1)} ms, p99 ${ceiling.p99.toFixed(1)} ms`);
  console.log(`  HTTP / ceiling = ${(http.rps / ceiling.rps).toFixed(2)}`);
} finally {
  server.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
}
