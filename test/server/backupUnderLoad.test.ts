import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openDb } from '../../server/db/open';
import { diskFileStore } from '../../server/files/fileStore';
import { dbKind, dropSchema } from '../helpers/testApp';
import { freePort, httpLogin, type ServerProcess, startServer } from '../helpers/serverProcess';
import { registration } from '../helpers/people';

const root = join(import.meta.dirname, '../..');
const pgUrl = process.env.DATABASE_URL;
const place = mkdtempSync(join(tmpdir(), 'cf-bkload-'));
const schema = `t_bkload_${process.pid}`;
/** The restore's PostgreSQL database: a fresh one, dropped after. */
const restoreDb = `cf_restore_${process.pid}_${randomBytes(3).toString('hex')}`;
const servers: ServerProcess[] = [];

/** A server's places: the embedded database (or PostgreSQL in its own schema), the files, the audit key and checkpoints. */
const places = (name: string, database?: string) => ({
  DATA_DIR: join(place, name, 'data'), FILES_DIR: join(place, name, 'files'),
  AUDIT_KEY_FILE: join(place, name, 'audit/signing-key.pem'), AUDIT_CHECKPOINT_DIR: join(place, name, 'audit/checkpoints'),
  DATABASE_URL: pgUrl ? (database ? Object.assign(new URL(pgUrl), { pathname: `/${database}` }).href : pgUrl) : '', DB_SCHEMA: schema,
});
const live = places('live');

/** The countyflow command, run beside the server (not waited for by a blocked event loop). */
const cli = (env: Record<string, string>, ...args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
  const child = spawn(process.execPath, [join(root, 'bin/countyflow.mjs'), ...args], { cwd: root, env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  child.on('close', (code) => resolve({ code, out, err }));
});

/** Puts a file in the live server's content store, as an upload would. */
const store = (text: string) => {
  const path = join(place, `upload-${text}`);
  writeFileSync(path, text);
  return diskFileStore(join(live.FILES_DIR, 'content')).put(path);
};

const admin = async (sql: string) => {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  await client.query(sql).finally(() => client.end());
};

afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill('SIGTERM')));
  rmSync(place, { recursive: true, force: true });
  if (pgUrl) {
    await dropSchema(pgUrl, schema);
    await admin(`DROP DATABASE IF EXISTS ${restoreDb} WITH (FORCE)`);
  }
});

describe(`backup while serving, under load, and restore (${dbKind})`, () => {
  it('every step acknowledged before the backup started is in the restore, and every county\'s chain verifies', async () => {
    const server = await startServer({ ...live, SEED_DEMO: 'counties' }, await freePort());
    servers.push(server);
    await store('photo-one');
    const cadre = await httpLogin(server.url, '532326', 'cun');

    // Cadres keep starting and submitting cases while the backup runs; each acknowledged step is noted with its revision.
    const acked: { id: string; rev: number }[] = [];
    let load = true;
    const worker = async () => {
      while (load) {
        const created = await cadre.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
        expect(created.status, JSON.stringify(created.body)).toBe(201);
        const id = created.body.id as string;
        acked.push({ id, rev: 1 });
        const submitted = await cadre.call('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: registration() });
        expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
        acked.push({ id, rev: 2 });
      }
    };
    const workers = [worker(), worker(), worker()];
    const backups = join(place, 'backups');
    // The load is under way: the workers have had 20 steps acknowledged.
    await expect.poll(() => acked.length, { timeout: 60_000, interval: 50 }).toBeGreaterThanOrEqual(20);
    const before = acked.slice();
    const backup = await cli(live, 'backup', backups);
    const during = acked.length - before.length;
    load = false;
    await Promise.all(workers);
    expect(backup.code, backup.out + backup.err).toBe(0);
    // The load went on while the backup ran, and the command showed what it copied.
    expect(during).toBeGreaterThan(0);
    expect(backup.out).toMatch(/文件 \d+\/\d+，/);
    expect(backup.out).toContain('文件 1 个（本次新复制 1 个');
    const taken = /备份完成：(.+)/.exec(backup.out)![1]!;

    // A second backup copies only the new file.
    await store('photo-two');
    const again = await cli(live, 'backup', backups);
    expect(again.code, again.out + again.err).toBe(0);
    expect(again.out).toContain('文件 2 个（本次新复制 1 个');
    await server.kill('SIGTERM');

    // Restored into an empty place: a fresh database on PostgreSQL, empty folders for the embedded one.
    const restored = places('restored', restoreDb);
    if (pgUrl) await admin(`CREATE DATABASE ${restoreDb}`);
    const back = await cli(restored, 'restore', taken);
    expect(back.code, back.out + back.err).toBe(0);
    expect(back.out).toMatch(/恢复完成：.+（县 \d+ 个，案件 \d+ 件，办理记录 \d+ 条，文件 1 个；/);
    expect(back.out.match(/结论：一致/g)?.length).toBe(back.out.match(/^县 /gm)?.length);
    expect(back.out).toContain('与检查点（');

    const db = await openDb(loadConfig({ ...restored }));
    try {
      const events = await db.run('*', (k) => k.selectFrom('case_events').select(['case_id', (eb) => eb.fn.countAll<number>().as('n')]).where('county_id', '=', '532326').groupBy('case_id').execute());
      const has = new Map(events.map((e) => [e.case_id, Number(e.n)]));
      const missing = before.filter((step) => (has.get(step.id) ?? 0) < step.rev);
      expect(missing).toEqual([]);
    } finally {
      await db.close();
    }
  }, 300_000);

  it('BACKUP_DIR, BACKUP_EVERY and BACKUP_KEEP: the serving process backs up on schedule, keeps the newest, logs what it did; one server of several', async () => {
    const folder = join(place, 'scheduled-backups');
    const env = { ...places('scheduled'), SEED_DEMO: 'counties', LOG_LEVEL: 'info', BACKUP_DIR: folder, BACKUP_EVERY: '1s', BACKUP_KEEP: '2' };
    const first = await startServer(env, await freePort());
    servers.push(first);
    // On PostgreSQL a second server shares the database and the folder: only the one holding the lock backs up.
    const second = pgUrl ? await startServer(env, await freePort()) : null;
    if (second) servers.push(second);
    const done = (s: ServerProcess) => s.output().match(/"msg":"定时备份完成"/g)?.length ?? 0;
    await expect.poll(() => done(first) + (second ? done(second) : 0), { timeout: 120_000, interval: 100 }).toBeGreaterThanOrEqual(3);
    if (second) expect(Math.min(done(first), done(second))).toBe(0);
    // A server stopping finishes the backup it is taking, retention included.
    await Promise.all([first.kill('SIGTERM'), second?.kill('SIGTERM')]);
    expect(readdirSync(folder).filter((name) => name !== 'content')).toHaveLength(2);
    expect(first.output() + (second?.output() ?? '')).toMatch(/"msg":"定时备份开始"/);
    expect(first.output() + (second?.output() ?? '')).not.toMatch(/定时备份失败/);
  }, 300_000);

  it.runIf(!pgUrl)('the serving process takes a backup only for the token it wrote to its data folder', async () => {
    const server = await startServer({ ...places('guarded'), SEED_DEMO: '0' }, await freePort());
    servers.push(server);
    const res = await fetch(`${server.url}/operator/backup`, { method: 'POST', headers: { authorization: 'Bearer guessed', 'content-type': 'application/json' }, body: JSON.stringify({ folder: join(place, 'stolen') }) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'CF_OPERATOR_TOKEN', message: '运维操作需要本服务器的运维令牌（countyflow backup 从数据目录的 operator.json 读取）' } });
  }, 120_000);
});
