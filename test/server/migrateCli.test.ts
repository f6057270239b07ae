import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations } from '../../server/db/migrations';
import { dbKind, dropSchema } from '../helpers/testApp';

const root = join(import.meta.dirname, '../..');
const dataDir = join(mkdtempSync(join(tmpdir(), 'cf-migrate-')), 'data');
const schema = `t_${randomBytes(6).toString('hex')}`;
const env = process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL, DB_SCHEMA: schema } : { DATA_DIR: dataDir };

const cli = (...args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/countyflow.mjs'), ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

afterAll(async () => {
  if (process.env.DATABASE_URL) await dropSchema(process.env.DATABASE_URL, schema);
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

describe(`countyflow migrate --dry-run (${dbKind})`, () => {
  it('lists every migration that would run and runs none; after migrate, says there is nothing to run', () => {
    const names = Object.keys(migrations);
    const before = cli('migrate', '--dry-run');
    expect(before.code, before.err).toBe(0);
    expect(before.out).toContain(`将执行 ${names.length} 个迁移（未执行）`);
    for (const name of names) expect(before.out).toContain(`  ${name}\n`);
    // Nothing was run: asked again, the same list.
    expect(cli('migrate', '--dry-run').out).toBe(before.out);
    expect(cli('migrate').out).toContain('数据库结构已是最新');
    expect(cli('migrate', '--dry-run').out).toBe('数据库结构已是最新，没有要执行的迁移\n');
    const wrong = cli('migrate', '--dryrun');
    expect(wrong.code).toBe(2);
    expect(wrong.err).toContain('用法：countyflow migrate [--dry-run]');
  }, 120_000);
});
