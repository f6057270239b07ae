/**
 * npm run test:ha — PostgreSQL high availability, proven by killing the primary.
 *
 * pg_auto_failover runs a monitor, a primary and a synchronous standby on loopback ports
 * (cluster.ts); two CountyFlow servers use the multi-host URL. Four clients start cases and
 * submit their registration, each request with an Idempotency-Key (and If-Match for the step),
 * sending it again until it is acknowledged, as the phone's outbox does. The primary is killed
 * (kill -9 of its keeper and PostgreSQL) mid-stream; the standby is promoted; the servers follow
 * without a restart. At the end: every acknowledged request is in the history exactly once,
 * each case's revision matches its events, and the county's audit chain verifies. Prints the
 * time from the kill to the first write accepted after it. Exit code 0 when all holds.
 *
 *   npm run test:ha             one run
 *   npm run test:ha -- --kill standby | monitor   kill the standby or the monitor instead
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyChain } from '../../server/audit/verifyChain';
import { loadConfig } from '../../server/config';
import { openDb } from '../../server/db/open';
import { idNumber, registration } from '../../test/helpers/people';
import { type ServerProcess, startServer } from '../../test/helpers/serverProcess';
import { haAvailable, startCluster } from './cluster';

const victim = process.argv.includes('--kill') ? process.argv[process.argv.indexOf('--kill') + 1] : 'primary';
const CLIENTS = 4;
/** Clients go on this long after the kill: past the failover, so writes after it are counted too. */
const RUN_AFTER_KILL_MS = 75_000;
const basePort = 6100 + (process.pid % 300) * 3;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const log = (msg: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(5)} s] ${msg}`);

if (!haAvailable()) {
  console.log('pg_autoctl not found: install postgresql-15-auto-failover and pg-auto-failover-cli (Debian)');
  process.exit(1);
}

log('starting pg_auto_failover: monitor, primary, synchronous standby');
const cluster = await startCluster(basePort);
const auditDir = mkdtempSync(join(tmpdir(), 'cf-ha-audit-'));
const servers: ServerProcess[] = [];
let failed = false;
try {
  log(`cluster up: ${cluster.url}`);
  const env = { DATABASE_URL: cluster.url, DB_SCHEMA: 'cf_ha', SEED_DEMO: 'counties', DB_FAILOVER_SECONDS: '90', AUDIT_KEY_FILE: join(auditDir, 'key.pem'), AUDIT_CHECKPOINT_DIR: join(auditDir, 'cp') };
  servers.push(await startServer(env, basePort + 10));
  // The second server reads dashboards and lists from the standby (READ_DATABASE_URL).
  const replicaHost = `127.0.0.1:${cluster.nodePorts[1]}`;
  servers.push(await startServer({ ...env, READ_DATABASE_URL: `postgres://postgres@${replicaHost}/test` }, basePort + 11));
  log('two CountyFlow servers up, the second reading from the standby');

  /** An acknowledged request: when it was first sent, when the attempt that succeeded began, when it was acknowledged. */
  type Ack = { kind: 'start' | 'submit'; key: string; caseId: string; at: number; startedAt: number; firstSentAt: number };
  const acks: Ack[] = [];
  const unexpected: string[] = [];
  let stopAt = Number.POSITIVE_INFINITY;
  let killedAt = 0;
  let seq = 0;

  /** Sends one request until it is acknowledged (2xx); returns the body, or null for a refusal that is not the network's or the database's. */
  async function untilAcked(server: ServerProcess, who: { cookie: string; csrf: string }, path: string, body: unknown, headers: Record<string, string>): Promise<{ json: Record<string, unknown>; startedAt: number; firstSentAt: number } | null> {
    const firstSentAt = Date.now();
    for (;;) {
      const startedAt = Date.now();
      try {
        const r = await fetch(`${server.url}${path}`, { method: 'POST', headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(100_000) });
        if (r.ok) return { json: (await r.json()) as Record<string, unknown>, startedAt, firstSentAt };
        const text = await r.text();
        if (r.status < 500) {
          unexpected.push(`${path} ${r.status} ${text.slice(0, 200)}`);
          return null;
        }
      } catch {
        // the server could not answer: send it again
      }
      await sleep(200);
    }
  }

  async function login(server: ServerProcess, username = 'cun') {
    for (;;) {
      try {
        const r = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ county: '532326', username, password: 'demo1234' }) });
        if (r.ok) return { cookie: r.headers.get('set-cookie')!.split(';')[0]!, csrf: ((await r.json()) as { csrfToken: string }).csrfToken };
      } catch {
        // not yet
      }
      await sleep(200);
    }
  }

  const client = async (i: number) => {
    const server = servers[i % servers.length]!;
    const who = await login(server);
    while (Date.now() < stopAt) {
      const startKey = randomUUID();
      const started = await untilAcked(server, who, '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' }, { 'idempotency-key': startKey });
      if (!started) return;
      const caseId = started.json.id as string;
      acks.push({ kind: 'start', key: startKey, caseId, at: Date.now(), startedAt: started.startedAt, firstSentAt: started.firstSentAt });
      const n = ++seq;
      const data = { ...registration(), idNumber: idNumber('532326', `19${String(50 + (n % 40)).padStart(2, '0')}0${1 + (n % 9)}1${n % 10}`, String(n % 1000).padStart(3, '0')) };
      const submitKey = randomUUID();
      const submitted = await untilAcked(server, who, `/api/cases/${caseId}/events`, { type: 'SUBMIT', data }, { 'idempotency-key': submitKey, 'if-match': '1' });
      if (!submitted) return;
      acks.push({ kind: 'submit', key: submitKey, caseId, at: Date.now(), startedAt: submitted.startedAt, firstSentAt: submitted.firstSentAt });
    }
  };

  const running = Array.from({ length: CLIENTS }, (_, i) => client(i));
  // Under that load: the replica serves reads, its lag is sampled, and a user who just wrote reads it back at once.
  const reader = servers[1]!;
  const lags: number[] = [];
  let replicaServed = false;
  // Another village's cadre: the four clients' own new cases do not crowd theirs out of the list.
  const readerWho = await login(reader, 'cun2');
  let readYourWrites = 0;
  for (let i = 0; i < 10; i++) {
    const health = (await (await fetch(`${reader.url}/health`)).json()) as { database: { reads?: { host: string; lagMs: number | null; serving: boolean } } };
    if (health.database.reads?.host === replicaHost && health.database.reads.serving) replicaServed = true;
    if (typeof health.database.reads?.lagMs === 'number') lags.push(health.database.reads.lagMs);
    const made = await fetch(`${reader.url}/api/cases`, { method: 'POST', headers: { cookie: readerWho.cookie, 'x-csrf-token': readerWho.csrf, 'content-type': 'application/json', 'idempotency-key': randomUUID() }, body: JSON.stringify({ processId: 'relocation', orgUnitId: 'tanhua-village' }) });
    const wrote = made.headers.getSetCookie().find((c) => c.startsWith('cf_wrote='))?.split(';')[0];
    const id = ((await made.json()) as { id: string }).id;
    acks.push({ kind: 'start', key: `reader-${i}`, caseId: id, at: Date.now(), startedAt: Date.now(), firstSentAt: Date.now() });
    const list = (await (await fetch(`${reader.url}/api/cases?mine=started&pageSize=5`, { headers: { cookie: `${readerWho.cookie}; ${wrote}` } })).json()) as { items: { id: string }[] };
    if (wrote && list.items.some((c) => c.id === id)) readYourWrites++;
    await sleep(600);
  }
  if (!replicaServed) unexpected.push(`the second server never read from the standby ${replicaHost}`);
  if (readYourWrites !== 10) unexpected.push(`a user read back ${readYourWrites} of 10 cases they had just started`);
  log(`standby served reads: ${replicaServed}; its lag under load: max ${Math.max(...lags, 0).toFixed(0)} ms over ${lags.length} samples; read-your-writes ${readYourWrites}/10`);
  const before = acks.length;
  const primary = cluster.primaryPort()!;
  const standby = cluster.nodePorts.find((p) => p !== primary)!;
  killedAt = Date.now();
  if (victim === 'standby') cluster.killNode(standby);
  else if (victim === 'monitor') cluster.killMonitor();
  else cluster.killNode(primary);
  log(`${before} requests acknowledged; kill -9 of the ${victim} (${victim === 'monitor' ? cluster.monitorPort : victim === 'standby' ? standby : primary})`);
  stopAt = killedAt + RUN_AFTER_KILL_MS;
  await Promise.all(running);
  const firstAfter = acks.filter((a) => a.startedAt > killedAt).sort((a, b) => a.at - b.at)[0];
  const longest = Math.max(...acks.filter((a) => a.at > killedAt).map((a) => a.at - a.firstSentAt), 0);
  const afterFailover = firstAfter ? acks.filter((a) => a.at > firstAfter.at) : [];
  const rate = afterFailover.length / Math.max(1, (Math.max(...afterFailover.map((a) => a.at), firstAfter?.at ?? 0) - (firstAfter?.at ?? 0)) / 1000);
  const rateBefore = acks.filter((a) => a.at <= killedAt).length / ((killedAt - Math.min(...acks.map((a) => a.at))) / 1000);
  log(`clients stopped: ${acks.length} acknowledged in all, ${acks.filter((a) => a.at > killedAt).length} after the kill`);

  // Check what the database holds, on whichever node is primary now.
  const db = await openDb({ ...loadConfig({}), databaseUrl: cluster.url, dbSchema: 'cf_ha' });
  const problems: string[] = [...unexpected];
  try {
    await db.run('532326', async (k) => {
      const cases = await k.selectFrom('cases').select(['id', 'rev']).where('county_id', '=', '532326').where('process_id', '=', 'relocation').execute();
      const events = await k.selectFrom('case_events').select(['case_id', 'rev', 'type']).where('county_id', '=', '532326').execute();
      const startedIds = acks.filter((a) => a.kind === 'start').map((a) => a.caseId);
      const submittedIds = new Set(acks.filter((a) => a.kind === 'submit').map((a) => a.caseId));
      if (new Set(startedIds).size !== startedIds.length) problems.push('one case acknowledged to two start requests');
      if (cases.length !== startedIds.length) problems.push(`${cases.length} cases in the database, ${startedIds.length} starts acknowledged (a start lost or made twice)`);
      const byCase = new Map<string, { rev: number; type: string }[]>();
      for (const e of events) byCase.set(e.case_id, [...(byCase.get(e.case_id) ?? []), { rev: e.rev, type: e.type }]);
      for (const c of cases) {
        const list = (byCase.get(c.id) ?? []).sort((a, b) => a.rev - b.rev);
        const expected = submittedIds.has(c.id) ? 2 : 1;
        if (list.length !== expected) problems.push(`case ${c.id}: ${list.length} events, ${expected} acknowledged`);
        if (c.rev !== list.length || list.some((e, i) => e.rev !== i + 1)) problems.push(`case ${c.id}: revision ${c.rev} does not match its events ${list.map((e) => e.rev).join(',')}`);
        if (list.filter((e) => e.type === 'SUBMIT').length > 1) problems.push(`case ${c.id}: SUBMIT twice`);
      }
      for (const id of startedIds) if (!cases.some((c) => c.id === id)) problems.push(`acknowledged case ${id} is missing`);
      const chain = await verifyChain(k, '532326');
      if (!chain.ok) problems.push(`audit chain broken: ${JSON.stringify(chain.broken)}`);
      log(`database: ${cases.length} cases, ${events.length} events, audit chain ${chain.ok ? 'verifies' : 'BROKEN'} (${chain.events} links)`);
    });
  } finally {
    await db.close();
  }
  console.log(`\nkilled: ${victim}`);
  console.log(`  acknowledged requests: ${acks.length} (${acks.filter((a) => a.at > killedAt).length} after the kill)`);
  console.log(`  time from the kill to the first write accepted after it: ${firstAfter ? `${((firstAfter.at - killedAt) / 1000).toFixed(1)} s` : 'none'}`);
  console.log(`  longest wait for one request, from first sent to acknowledged: ${(longest / 1000).toFixed(1)} s`);
  console.log(`  acknowledged per second: ${rateBefore.toFixed(0)} before the kill (synchronous standby), ${rate.toFixed(0)} after writes resumed (${victim === 'monitor' ? 'standby still there' : 'no standby left'})`);
  console.log(`  read replica (the standby) under load: lag at most ${Math.max(...lags, 0).toFixed(0)} ms; a user's own new case listed at once ${readYourWrites}/10 times`);
  console.log(`  lost: ${problems.filter((p) => /missing|lost/.test(p)).length}, duplicated: ${problems.filter((p) => /twice|two start/.test(p)).length}`);
  if (problems.length || !firstAfter) {
    failed = true;
    console.log(`FAILED:\n  ${(problems.length ? problems : ['no write was accepted after the kill']).slice(0, 20).join('\n  ')}`);
    console.log(cluster.state());
  } else console.log('  every acknowledged request is in the history exactly once; revisions match events; the audit chain verifies');
} catch (e) {
  failed = true;
  console.log(`FAILED: ${(e as Error).stack}`);
} finally {
  await Promise.all(servers.map((s) => s.kill('SIGTERM')));
  cluster.stop();
  rmSync(auditDir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
