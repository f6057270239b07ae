import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openBrowser, shot } from '../helpers/browser';
import { freePort, waitForHealth } from '../helpers/serverProcess';
import { dbKind, dropSchema } from '../helpers/testApp';

const root = join(import.meta.dirname, '../..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const place = mkdtempSync(join(tmpdir(), 'cf-release-'));
const app = join(place, `countyflow-${version}`);
const pgUrl = process.env.DATABASE_URL;
const schema = `t_release_${process.pid}`;
// As an operator's server runs it: the built web app is required (the suite's SERVE_API_ONLY is not passed on).
const env = { ...process.env, SERVE_API_ONLY: '', SEED_DEMO: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...(pgUrl ? { DATABASE_URL: pgUrl, DB_SCHEMA: schema } : { DATABASE_URL: '', DATA_DIR: join(place, 'data') }) };

/** Runs a command in the unpacked release; throws with its output when it fails. */
const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: app, env, encoding: 'utf8', stdio: 'pipe', timeout: 240_000 });

let server: ChildProcess | undefined;

beforeAll(() => {
  execFileSync('npm', ['run', 'release'], { cwd: root, stdio: 'inherit', timeout: 240_000 });
  execFileSync('tar', ['-xzf', join(root, 'dist', `countyflow-${version}.tgz`), '-C', place]);
  run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline']);
}, 400_000);

afterAll(async () => {
  // npm start runs the server as its child: the whole group is stopped.
  if (server?.pid && server.exitCode === null) {
    const exited = new Promise((r) => server!.once('exit', r));
    process.kill(-server.pid, 'SIGTERM');
    await exited;
  }
  rmSync(place, { recursive: true, force: true });
  if (pgUrl) await dropSchema(pgUrl, schema);
});

describe(`the release, installed with production dependencies only (${dbKind})`, () => {
  it('has no development tools, creates a county from the command line, and serves the sign-in page', async () => {
    expect(existsSync(join(app, 'node_modules/vite'))).toBe(false);
    expect(existsSync(join(app, 'node_modules/tsx'))).toBe(true);
    expect(run('node', ['bin/countyflow.mjs', 'county', 'add', '990001', '发布测试县'])).toContain('990001');
    const port = await freePort();
    server = spawn('npm', ['start'], { cwd: app, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    server.stdout!.on('data', (d) => (output += d));
    server.stderr!.on('data', (d) => (output += d));
    const url = `http://127.0.0.1:${port}`;
    await waitForHealth(url, server, () => output);
    const { context, page } = await openBrowser(375);
    try {
      await page.goto(`${url}/#/login`);
      await page.waitForSelector('select[name=county] option[value="990001"]', { state: 'attached' });
      expect(await page.textContent('select[name=county]')).toContain('发布测试县');
      expect(await page.textContent('button[type=submit]')).toContain('登录');
      await shot(page, 'release-login-375');
    } finally {
      await context.close();
    }
  }, 180_000);

  it('refuses to start without the web app, saying how to build it', () => {
    renameSync(join(app, 'designer/dist'), join(app, 'designer/dist-moved'));
    try {
      const refused = spawnSync('node', ['bin/countyflow.mjs', 'serve'], { cwd: app, env: { ...env, PORT: '0' }, encoding: 'utf8', timeout: 60_000 });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('网页应用尚未构建');
      expect(refused.stderr).toContain('npm run release');
      expect(refused.stderr).toContain('SERVE_API_ONLY=1');
    } finally {
      renameSync(join(app, 'designer/dist-moved'), join(app, 'designer/dist'));
    }
  });
});
