// One run of the HTTP step benchmark, used by `npm run bench:http` (PostgreSQL or PGlite) and
// `npm run bench:ha` (the same load on a pg_auto_failover cluster): a real `countyflow serve`
// process, relocation cases in 思想动员, and autocannon sending `POST /api/cases/:id/events` with
// a validated mobilisation-visit form — one durable step per request. Optionally two ceilings at
// the same concurrency: our own SQL in a raw loop (no HTTP, no engine), and PostgreSQL's own —
// pgbench running what one accepted step must do at least (bench/pgbench-step.sql).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { sessionCache } from '../server/auth/sessionCache';
import { findSession } from '../server/auth/sessions';
import type { CaseRow } from '../server/cases/caseView';
import { loadConfig } from '../server/config';
import { openDb } from '../server/db/open';
import { findPrimary, hostsOf } from '../server/db/pgPool';
import { writeStep } from '../server/cases/writeStep';
import type { SteadyJob, SteadyResult } from './steadyLoad';

const root = join(import.meta.dirname, '..');
const registration = JSON.parse(readFileSync(join(root, 'bench/fixtures/registration.json'), 'utf8'));
const visit = { date: '2026-03-05', visitors: '村支书、驻村工作队', concerns: '担心搬迁后没有收入', accounts: '搬迁后务工月收入约 3000 元' };

export interface StepBenchOptions {
  /** PostgreSQL URL; absent: the embedded PGlite database in a temporary folder. */
  url?: string;
  cases: number;
  seconds: number;
  connections: number;
  port: number;
  /** Also run our own SQL in a raw loop after the HTTP run. */
  ceiling: boolean;
  /** Also run pgbench (PostgreSQL only; skipped when pgbench is not installed). */
  pgbench: boolean;
  /** Then hold half the rate reached, for the latency at half load. */
  halfLoad?: boolean;
  /** HTTP runs, each followed by a pgbench run (default 1): on a noisy machine each ratio pairs two runs a few seconds apart. */
  rounds?: number;
}

export interface Rate { rps: number; p50: number; p99: number }
/** CPU ms per accepted step: the server process, and the local PostgreSQL's processes (null where /proc cannot tell). */
export interface CpuPerStep { server: number | null; db: number | null }
export interface StepBenchResult {
  /** With the CPU time spent per accepted step by the server process and by the local PostgreSQL's processes (null where /proc cannot tell). */
  http: Rate & { errors: number; cpuMs: CpuPerStep };
  /** Approval rounds: a case started, submitted, approved twice (4 steps), 50 cases at a time. */
  rounds: { rps: number; cpuMs: CpuPerStep };
  /** At half the rate reached (halfLoad). */
  half?: SteadyResult & { rate: number };
  ceiling?: Rate;
  /** The mean of the pgbench runs, with the CPU ms the local PostgreSQL spent per transaction. */
  pgbench?: { tps: number; latency: string; dbCpuMs: number | null } | null;
  /** Each round's HTTP rate over the pgbench rate of the run right after it. */
  ratios?: number[];
}

/**
 * The kernel's DAMON daemon, when it pages memory out on this machine (some virtual machines run
 * it to hand page cache back to their host): every sampling interval it walks the pages of every
 * process, and requests stall meanwhile. Returns its sampling interval in ms, or null.
 */
export function pageoutDaemon(): number | null {
  const root = '/sys/kernel/mm/damon/admin/kdamonds';
  try {
    for (const k of readdirSync(root).filter((d) => /^\d+$/.test(d))) {
      if (readFileSync(join(root, k, 'state'), 'utf8').trim() !== 'on') continue;
      const ctxs = join(root, k, 'contexts');
      for (const c of readdirSync(ctxs).filter((d) => /^\d+$/.test(d))) {
        const schemes = join(ctxs, c, 'schemes');
        const pageout = readdirSync(schemes).some((d) => /^\d+$/.test(d) && readFileSync(join(schemes, d, 'action'), 'utf8').trim() === 'pageout');
        if (pageout) return Number(readFileSync(join(ctxs, c, 'monitoring_attrs/intervals/sample_us'), 'utf8')) / 1000;
      }
    }
  } catch {
    // No DAMON here (or not readable): nothing to report.
  }
  return null;
}

/** CPU seconds (user + system) the processes and their ended children have used so far, from /proc; null off Linux. */
export function cpuSeconds(pids: number[]): number | null {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, then
      // cutime and cstime, what its ended children used (PostgreSQL's postmaster: the backends of closed connections).
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    } catch {
      if (pids.length === 1) return null; // one of many may have ended: count the rest
    }
  }
  return ticks / 100; // USER_HZ is 100 on Linux
}

/**
 * CPU seconds all threads of one process have run so far, to the nanosecond (each thread's /proc schedstat),
 * where /proc's stat counts in 10 ms ticks; threads that ended are not counted. Null off Linux.
 */
export function threadCpuSeconds(pid: number): number | null {
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // The thread ended meanwhile.
      }
    }
    return ns / 1e9;
  } catch {
    return null;
  }
}

/** The local PostgreSQL server's processes (backends, WAL writer, …), when this machine runs it. */
export function postgresPids(): number[] {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).filter((d) => {
      try {
        return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres';
      } catch {
        return false;
      }
    }).map(Number);
  } catch {
    return [];
  }
}

/**
 * PostgreSQL's own ceiling: pgbench runs bench/pgbench-step.sql at the same concurrency for the
 * same time, over copies of the prepared cases (ids prefixed `pgb-`) so that it never moves a case
 * the server holds. `pgbenchCopies` makes them (false when pgbench is not installed); each run
 * first brings them to the size the server's cases have grown to.
 */
function pgbenchCopies(url: string, schema: string, ids: string[]): boolean {
  if (spawnSync('pgbench', ['--version']).status !== 0) return false;
  const values = ids.map((id, i) => `(${i + 1}, 'pgb-${id}')`).join(',');
  const copy = `INSERT INTO cases SELECT (jsonb_populate_record(NULL::cases, to_jsonb(c) || jsonb_build_object('id', 'pgb-' || c.id, 'unique_key', NULL))).* FROM cases c WHERE c.id IN (SELECT substr(id, 5) FROM bench_ids)`;
  psql(url, schema, `CREATE TABLE bench_ids (n int PRIMARY KEY, id text, rev int DEFAULT 0); INSERT INTO bench_ids (n, id) VALUES ${values}; CREATE SEQUENCE bench_seq; ${copy};`);
  return true;
}

/** The environment of a PostgreSQL client tool working in the bench's schema. */
const inSchema = (schema: string) => ({ ...process.env, PGOPTIONS: `-c search_path=${schema}` });

function psql(url: string, schema: string, command: string): void {
  const made = spawnSync('psql', [url, '-q', '-v', 'ON_ERROR_STOP=1', '-c', command], { env: inSchema(schema), encoding: 'utf8' });
  if (made.status !== 0) throw new Error(made.stderr);
}

function pgbenchRun(url: string, schema: string, ids: string[], o: StepBenchOptions): { tps: number; latency: string; dbCpuMs: number | null } {
  psql(url, schema, `UPDATE cases p SET snapshot = c.snapshot FROM cases c WHERE p.county_id = c.county_id AND p.id = 'pgb-' || c.id`);
  const body = JSON.stringify({ type: 'LOG_VISIT', data: visit, actor: { id: 'bench', name: 'bench' }, at: new Date().toISOString() });
  const cpu0 = cpuSeconds(postgresPids());
  const run = spawnSync('pgbench', ['-n', '-M', 'prepared', '-c', String(o.connections), '-j', '2', '-T', String(o.seconds), '-D', `cases=${ids.length}`, '-D', `body=${body}`, '-f', join(root, 'bench/pgbench-step.sql'), url], { env: inSchema(schema), encoding: 'utf8' });
  const cpu = cpuSeconds(postgresPids());
  if (run.status !== 0) throw new Error(`pgbench: ${run.stderr}`);
  const tps = Number(/tps = ([\d.]+)/.exec(run.stdout)?.[1]);
  const done = Number(/number of transactions actually processed: (\d+)/.exec(run.stdout)?.[1]);
  return { tps, latency: /latency average = ([\d.]+) ms/.exec(run.stdout)?.[1] ?? '?', dbCpuMs: cpu === null || cpu0 === null || !done ? null : ((cpu - cpu0) * 1000) / done };
}

/** The middle value (the lower of the two middle ones for an even count). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** Where the bench's data lives: a schema of its own on PostgreSQL, or a temporary folder for PGlite. */
export function benchPlace(url: string | undefined, port: number): { schema: string; dataDir: string | undefined; where: Record<string, string> } {
  const schema = `bench_http_${process.pid}_${port}`;
  const dataDir = url ? undefined : mkdtempSync(join(tmpdir(), 'cf-bench-'));
  return { schema, dataDir, where: url ? { DATABASE_URL: url, DB_SCHEMA: schema } : { DATA_DIR: dataDir! } };
}

/** A bench's own server process, answering at `base`. */
export interface BenchServer {
  proc: ChildProcess;
  base: string;
  /** Stops it and waits until it has. */
  stop(): Promise<void>;
}

/**
 * Starts `countyflow serve` on the bench's database and waits until it answers; `without`: parts
 * switched off (bench/serveWithout.ts: `masking`, `limits`, `metrics`), for paired rounds.
 */
export async function startServer(port: number, where: Record<string, string>, without?: string[]): Promise<BenchServer> {
  const base = `http://127.0.0.1:${port}`;
  // BENCH_PROFILE=<folder>: the server writes a CPU profile there (open it in Chrome's DevTools).
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROFILE] : [];
  const entry = without ? ['--import', 'tsx', join(root, 'bench/serveWithout.ts'), without.join(',')] : [join(root, 'bin/countyflow.mjs'), 'serve'];
  const proc = spawn(process.execPath, [...profile, ...entry], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: '', ...where, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TIMER_INTERVAL_MS: '0', SCRYPT_LOG_N: '14', PG_POOL: '16', SERVE_API_ONLY: '1' },
    stdio: 'inherit',
  });
  const exited = new Promise((r) => proc.once('exit', r));
  for (let i = 0; i < 1200 && proc.exitCode === null && !(await fetch(`${base}/health`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 100));
  return { proc, base, stop: async () => { proc.kill('SIGTERM'); await exited; } };
}

/** Someone signed in: their session cookie and CSRF token. */
export interface Who { cookie: string; csrf: string }

/** Calls the API as someone (throws on an answer that is not 2xx). */
export async function api(base: string, who: Who, method: string, path: string, body?: unknown, extra: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const r = await fetch(`${base}${path}`, { method, headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json', ...extra }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json() as Promise<Record<string, unknown>>;
}

/** Signs a demo user of 大姚县 in. */
export async function login(base: string, username: string): Promise<Who> {
  const r = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ county: '532326', username, password: 'demo1234' }) });
  return { cookie: r.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
}

/**
 * Relocation cases brought to 思想动员 as the field app would: each started, its registration
 * submitted, approved at township and at county (If-Match, a key each), 50 cases at a time.
 * Returns their ids and revisions.
 */
export async function prepareCases(base: string, count: number): Promise<{ ids: string[]; revs: Map<string, number> }> {
  const [cadre, township, county] = [await login(base, 'cun'), await login(base, 'xiang'), await login(base, 'banqian')];
  const ids: string[] = [];
  const revs = new Map<string, number>();
  for (let i = 0; i < count; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, count - i) }, async () => {
      const started = await api(base, cadre, 'POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
      const id = started.id as string;
      let rev = started.rev as number;
      for (const [who, event] of [[cadre, { type: 'SUBMIT', data: registration }], [township, { type: 'APPROVE' }], [county, { type: 'APPROVE' }]] as const) {
        rev = (await api(base, who, 'POST', `/api/cases/${id}/events`, event, { 'if-match': String(rev), 'idempotency-key': randomUUID() })).rev as number;
      }
      ids.push(id);
      revs.set(id, rev);
    }));
  }
  return { ids, revs };
}

/** The mobilisation visit the load sends, as the body of `POST /api/cases/:id/events`. */
export const visitBody = JSON.stringify({ type: 'LOG_VISIT', data: visit });

/** Reads each case's revision afresh (steps in flight when a load stopped were applied but not counted). */
export async function rereadRevs(base: string, who: Who, ids: string[], revs: Map<string, number>): Promise<void> {
  for (let i = 0; i < ids.length; i += 50) {
    await Promise.all(ids.slice(i, i + 50).map(async (id) => revs.set(id, ((await api(base, who, 'GET', `/api/cases/${id}`)).case as { rev: number }).rev)));
  }
}

/**
 * The visit load for autocannon: each request the next case's step as the field app sends it, with the
 * revision it saw (If-Match) and a key of its own (Idempotency-Key).
 */
export function visitRequests(who: Who, ids: string[], revs: Map<string, number>): { headers: Record<string, string>; request: autocannon.Request } {
  let next = 0;
  const headers = { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json' };
  const nextStep = () => {
    const id = ids[next++ % ids.length]!;
    const rev = revs.get(id)!;
    revs.set(id, rev + 1);
    return { path: `/api/cases/${id}/events`, headers: { ...headers, 'if-match': String(rev), 'idempotency-key': randomUUID() } };
  };
  return { headers, request: { method: 'POST', headers, body: visitBody, setupRequest: (req) => ({ ...req, ...nextStep() }) } };
}

/** Drops the bench's schema (PostgreSQL) or removes its folder (PGlite). */
export async function dropPlace(url: string | undefined, schema: string, dataDir: string | undefined): Promise<void> {
  if (url) {
    const c = new pg.Client({ connectionString: await findPrimary(hostsOf(url), 30_000) });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => c.end());
  } else rmSync(dataDir!, { recursive: true, force: true });
}

export async function runStepBench(o: StepBenchOptions): Promise<StepBenchResult> {
  const { schema, dataDir, where } = benchPlace(o.url, o.port);
  const server = await startServer(o.port, where);
  const base = server.base;
  const result: Partial<StepBenchResult> = {};
  try {
    const cadre = await login(base, 'cun');
    process.stdout.write(`preparing ${o.cases} relocation cases in 思想动员 (mobilising)…\n`);
    // The preparation is the approval bench: each case started, its registration submitted, approved at
    // township and at county — the steps that change state, with what the field app sends (If-Match, a key).
    const roundsCpu0 = { server: cpuSeconds([server.proc.pid!]), db: cpuSeconds(postgresPids()) };
    const roundsStart = performance.now();
    const { ids, revs } = await prepareCases(base, o.cases);
    const roundSteps = 4 * o.cases;
    const perRoundStep = (now: number | null, before: number | null) => (now === null || before === null ? null : ((now - before) * 1000) / roundSteps);
    result.rounds = {
      rps: roundSteps / ((performance.now() - roundsStart) / 1000),
      cpuMs: { server: perRoundStep(cpuSeconds([server.proc.pid!]), roundsCpu0.server), db: o.url ? perRoundStep(cpuSeconds(postgresPids()), roundsCpu0.db) : null },
    };

    const body = visitBody;
    const { headers, request } = visitRequests(cadre, ids, revs);
    const withPgbench = o.pgbench && o.url ? pgbenchCopies(o.url, schema, ids) : false;
    const runs: { steps: number; p50: number; p99: number; errors: number; server: number | null; db: number | null }[] = [];
    const tps: { tps: number; latency: string; dbCpuMs: number | null }[] = [];
    for (let round = 0; round < (o.rounds ?? 1); round++) {
      if (round > 0) await rereadRevs(base, cadre, ids, revs);
      const cpu0 = { server: cpuSeconds([server.proc.pid!]), db: cpuSeconds(postgresPids()) };
      const run = await autocannon({ url: base, connections: o.connections, duration: o.seconds, requests: [request] });
      const used = (now: number | null, before: number | null) => (now === null || before === null ? null : now - before);
      runs.push({ steps: run['2xx'], p50: run.latency.p50, p99: run.latency.p99, errors: run.non2xx + run.errors, server: used(cpuSeconds([server.proc.pid!]), cpu0.server), db: o.url ? used(cpuSeconds(postgresPids()), cpu0.db) : null });
      // Right after, while the machine is as it was: PostgreSQL's own rate (the server sits idle meanwhile).
      if (withPgbench) tps.push(pgbenchRun(o.url!, schema, ids, o));
    }
    const steps = runs.reduce((a, r) => a + r.steps, 0);
    const perStep = (pick: (r: (typeof runs)[number]) => number | null) =>
      runs.some((r) => pick(r) === null) || !steps ? null : (runs.reduce((a, r) => a + pick(r)!, 0) * 1000) / steps;
    result.http = {
      rps: steps / (o.seconds * runs.length), p50: median(runs.map((r) => r.p50)), p99: median(runs.map((r) => r.p99)), errors: runs.reduce((a, r) => a + r.errors, 0),
      cpuMs: { server: perStep((r) => r.server), db: perStep((r) => r.db) },
    };
    if (withPgbench) {
      const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
      result.pgbench = { tps: mean(tps.map((t) => t.tps)), latency: tps.at(-1)!.latency, dbCpuMs: tps.some((t) => t.dbCpuMs === null) ? null : mean(tps.map((t) => t.dbCpuMs!)) };
      result.ratios = runs.map((r, i) => r.steps / o.seconds / tps[i]!.tps);
    } else if (o.pgbench && o.url) result.pgbench = null;
    if (o.halfLoad) {
      // The latency a user sees on a busy day, not at the limit: half the rate just measured, held steady.
      const rate = Math.max(1, Math.round(result.http.rps / 2));
      await rereadRevs(base, cadre, ids, revs);
      // In a process of its own (bench/steadyLoad.ts), so that this one's pauses are not counted as the server's.
      const job: SteadyJob = { port: o.port, rate, seconds: o.seconds, connections: o.connections, body, headers, cases: [...revs] };
      const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench/steadyLoad.ts')], { cwd: root, input: JSON.stringify(job), encoding: 'utf8', maxBuffer: 1 << 20 });
      if (run.status !== 0) throw new Error(`steadyLoad: ${run.stderr}`);
      result.half = { rate, ...(JSON.parse(run.stdout) as SteadyResult) };
    }
    await server.stop();

    if (o.ceiling) result.ceiling = await rawLoop(o, schema, dataDir, ids, cadre.cookie.split('=')[1]!);
    return result as StepBenchResult;
  } finally {
    server.proc.kill('SIGTERM');
    await dropPlace(o.url, schema, dataDir);
  }
}

/**
 * What the server asks of the database per request, straight to it: the session (kept for a
 * while, as the server keeps it), then the step's write — the case read only when not remembered
 * from its last write or overtaken (server/cases/caseCache.ts).
 */
async function rawLoop(o: StepBenchOptions, schema: string, dataDir: string | undefined, ids: string[], sessionId: string): Promise<Rate> {
  const db = await openDb({ ...loadConfig({}), ...(o.url ? { databaseUrl: o.url, dbSchema: schema } : { databaseUrl: undefined, dataDir: dataDir! }) });
  try {
    const samples = await db.run('532326', (k) => k.selectFrom('cases').select(['id']).where('id', 'in', ids.slice(0, 200)).execute());
    const known = new Map<string, CaseRow>();
    const config = loadConfig({});
    const sessions = sessionCache(db, config.sessionCacheMs);
    let done = 0;
    let cursor = 0;
    const latencies: number[] = [];
    const deadline = performance.now() + o.seconds * 1000;
    await Promise.all(Array.from({ length: o.connections }, async () => {
      while (performance.now() < deadline) {
        const sample = samples[cursor++ % samples.length]!;
        const t0 = performance.now();
        const s = await findSession(db, sessionId, sessions, new Date());
        await db.run('532326', async (k) => {
          // As the server does: the case as last written, read only when not remembered or overtaken.
          for (;;) {
            const row = known.get(sample.id) ?? (await k.selectFrom('cases').selectAll().where('county_id', '=', '532326').where('id', '=', sample.id).executeTakeFirstOrThrow());
            const rev = await writeStep(k, {
              county: '532326', caseId: sample.id, expectedRev: row.rev,
              columns: { snapshot: row.snapshot, state: row.state, status: 'active', outcome: null, dueAt: null, claimedBy: null, addedTo: null },
              event: { caseId: sample.id, rev: row.rev + 1, at: new Date().toISOString(), actor: { id: s!.session.userId, name: 'bench' }, type: 'LOG_VISIT', data: visit, from: row.state, to: row.state },
              effects: [],
              idempotency: { userId: s!.session.userId, key: randomUUID(), requestHash: 'bench', status: 200, response: { id: sample.id } },
            });
            if (rev !== null) {
              known.set(sample.id, { ...row, rev });
              return;
            }
            known.delete(sample.id);
          }
        });
        latencies.push(performance.now() - t0);
        done++;
      }
    }));
    latencies.sort((a, b) => a - b);
    return { rps: done / o.seconds, p50: latencies[Math.floor(latencies.length / 2)]!, p99: latencies[Math.floor(latencies.length * 0.99)]! };
  } finally {
    await db.close();
  }
}
