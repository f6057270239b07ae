import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openDb } from '../../server/db/open';
import { dbKind, dropSchema } from '../helpers/testApp';
import { freePort, httpLogin, type ServerProcess, startServer } from '../helpers/serverProcess';
import { idNumber } from '../helpers/people';

const pgUrl = process.env.DATABASE_URL;
const schema = `t_multi_${process.pid}`;
const dataDir = mkdtempSync(join(tmpdir(), 'cf-multi-'));
const servers: ServerProcess[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill('SIGTERM')));
  rmSync(dataDir, { recursive: true, force: true });
  if (pgUrl) await dropSchema(pgUrl, schema);
});

describe(`two server processes (${dbKind})`, () => {
  /** PGlite: one process owns the data folder; a second refuses with a clear message. */
  async function secondProcessRefused() {
    servers.push(await startServer({ DATA_DIR: dataDir }, await freePort()));
    const second = spawnSync(process.execPath, [join(import.meta.dirname, '../../bin/countyflow.mjs'), 'serve'], { env: { ...process.env, DATA_DIR: dataDir, PORT: String(await freePort()) }, encoding: 'utf8', timeout: 60_000 });
    expect(second.status).toBe(1);
    expect(second.stderr).toContain('正被另一个 CountyFlow 进程');
  }

  /** PostgreSQL: two processes share the database; timers fire exactly once; inbox and dashboard agree. */
  async function twoProcessesShareOneDatabase() {
    const env = { DATABASE_URL: pgUrl!, DB_SCHEMA: schema };
    servers.push(await startServer(env, await freePort()));
    servers.push(await startServer(env, await freePort()));
    const [a, b] = servers as [ServerProcess, ServerProcess];
    const cadre = await httpLogin(a.url, '532326', 'cun');
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = (await cadre.call('POST', '/api/cases', { processId: 'dividend', orgUnitId: 'xiaokangyuan' })).body.id as string;
      await cadre.call('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { project: `项目${i}`, source: '股金', amount: 100 + i, households: [{ name: '李四', idNumber: idNumber('532326', '19700101', '401'), shares: 1 }] } });
      await cadre.call('POST', `/api/cases/${id}/events`, { type: 'RECORD_MEETING', data: { heldOn: '2026-06-01', attendees: 20, approved: true } });
      ids.push(id);
    }
    const db = await openDb({ ...loadConfig({}), databaseUrl: pgUrl!, dbSchema: schema });
    await db.run('*', (k) => k.updateTable('timers').set({ due_at: new Date(Date.now() - 1000) }).where('case_id', 'in', ids).execute());
    let pending = ids.length;
    for (let i = 0; i < 100 && pending > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      pending = Number((await db.run('*', (k) => k.selectFrom('timers').select((eb) => eb.fn.countAll<number>().as('n')).where('case_id', 'in', ids).executeTakeFirstOrThrow())).n);
    }
    const fired = await db.run('*', (k) => k.selectFrom('case_events').select(['case_id']).where('case_id', 'in', ids).where('type', 'like', 'xstate.after.%').execute());
    await db.close();
    expect(pending).toBe(0);
    expect(fired.map((f) => f.case_id).sort()).toEqual([...ids].sort());

    const township = [await httpLogin(a.url, '532326', 'xiang'), await httpLogin(b.url, '532326', 'xiang')];
    const [inboxA, inboxB] = await Promise.all(township.map((c) => c.call('GET', '/api/tasks?processId=dividend&pageSize=100')));
    expect(inboxA!.body).toEqual(inboxB!.body);
    expect((inboxA!.body.items as { id: string }[]).map((c) => c.id).sort()).toEqual([...ids].sort());
    const [dashA, dashB] = await Promise.all(township.map((c) => c.call('GET', '/api/dashboard?processId=dividend')));
    expect(dashA!.body).toEqual(dashB!.body);

    // A session both servers have read, logged out on one: the other refuses it within about a second.
    const supervisor = await httpLogin(a.url, '532326', 'jiandu');
    const onB = (path: string) => fetch(`${b.url}${path}`, { headers: { cookie: supervisor.cookie } });
    expect((await onB('/api/me')).status).toBe(200);
    expect((await supervisor.call('DELETE', '/api/session')).status).toBe(204);
    const t0 = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - t0 < 5_000) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await onB('/api/me')).status;
    }
    expect(status).toBe(401);
    expect(Date.now() - t0).toBeLessThan(2_500);
  }

  it(pgUrl ? 'PostgreSQL: timers fire exactly once across processes; inbox and dashboard agree; a logout on one reaches the other within a second' : 'PGlite: a second process refuses the data folder with a clear message', () =>
    pgUrl ? twoProcessesShareOneDatabase() : secondProcessRefused(), 120_000); // two server processes start: slow on a loaded 2-core machine
});
