import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dbKind, dropSchema } from '../helpers/testApp';
import { freePort, type ServerProcess, startServer } from '../helpers/serverProcess';

const root = join(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'cf-newcounty-'));
const schema = `t_${randomBytes(6).toString('hex')}`;
/** The database of this test alone: a PGlite folder, or a PostgreSQL schema. */
const dbEnv: Record<string, string> = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL, DB_SCHEMA: schema } : { DATA_DIR: dataDir };
const env = { ...dbEnv, SEED_DEMO: '0', AUDIT_KEY_FILE: join(dataDir, 'audit/key.pem'), AUDIT_CHECKPOINT_DIR: join(dataDir, 'audit/cp'), SCRYPT_LOG_N: '10' };

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/countyflow.mjs'), ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.kill('SIGTERM');
  if (process.env.DATABASE_URL) await dropSchema(process.env.DATABASE_URL, schema);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Signs in through HTTP; returns the cookie, CSRF token and whether the password must change. */
async function signIn(url: string, username: string, password: string) {
  const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ county: '532324', username, password }) });
  expect(res.status, await res.clone().text()).toBe(200);
  const body = (await res.json()) as { csrfToken: string; mustChangePassword: boolean };
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, ...body };
}

describe(`a new county without demo data (${dbKind})`, () => {
  it('SEED_DEMO=0 starts empty; the CLI creates the county and its administrator on the running server, who must change the one-time password', async () => {
    server = await startServer(env, await freePort());
    expect(server.output()).toContain('数据库中还没有县');
    expect(server.output()).not.toContain('演示账号');
    expect(await (await fetch(`${server.url}/api/counties`)).json()).toEqual([]);
    // The server keeps running: on the embedded database (one owner) the CLI asks the serving process; on PostgreSQL it runs beside it.

    const added = cli('county', 'add', '532324', '南华县');
    expect(added.code, added.err).toBe(0);
    expect(added.out).toContain('已新建：南华县（县代码 532324）');
    expect(cli('county', 'add', '532324', '南华县')).toMatchObject({ code: 1, err: expect.stringContaining('县代码 532324 已有（南华县）') });
    expect(cli('county', 'add', '5323', '短县')).toMatchObject({ code: 1, err: expect.stringContaining('6 位数字') });
    expect(cli('user', 'add', '532324', 'nhadmin', '张丽')).toMatchObject({ code: 2 });

    const user = cli('user', 'add', '532324', 'nhadmin', '张丽（南华县信息中心）', '--admin');
    expect(user.code, user.err).toBe(0);
    const oneTime = /一次性密码：(\S+)/.exec(user.out)?.[1];
    expect(oneTime).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(cli('user', 'add', '532324', 'nhadmin', '又一个', '--admin')).toMatchObject({ code: 1, err: expect.stringContaining('已被占用') });

    const url = server.url;
    if (!process.env.DATABASE_URL) {
      // The serving process runs county commands only for its own operator: this machine, with the token in operator.json.
      const forged = await fetch(`${url}/operator/county`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ command: 'county', args: ['add', '532399', '伪造县'] }) });
      expect(forged.status).toBe(401);
    }
    expect(await (await fetch(`${url}/api/counties`)).json()).toEqual([{ code: '532324', name: '南华县' }]);
    const first = await signIn(url, 'nhadmin', oneTime!);
    expect(first.mustChangePassword).toBe(true);
    const asFirst = { cookie: first.cookie, 'x-csrf-token': first.csrfToken, 'content-type': 'application/json' };
    expect((await fetch(`${url}/api/admin/users`, { headers: asFirst })).status).toBe(403);
    const changed = await fetch(`${url}/api/me/password`, { method: 'PUT', headers: asFirst, body: JSON.stringify({ current: oneTime, next: 'Nanhua-2027!' }) });
    expect(changed.status).toBe(204);
    const people = (await (await fetch(`${url}/api/admin/users`, { headers: asFirst })).json()) as { username: string; grants: { role: string; unitId: string }[] }[];
    expect(people).toEqual([expect.objectContaining({ username: 'nhadmin', grants: [{ role: 'admin', unitId: '532324', unitName: '南华县' }] })]);
    // The county runs the shared templates from the start.
    const processes = (await (await fetch(`${url}/api/processes`, { headers: asFirst })).json()) as { id: string }[];
    expect(processes.map((p) => p.id)).toContain('relocation');
  }, 240_000);
});
