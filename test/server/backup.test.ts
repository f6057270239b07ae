import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { openDb } from '../../server/db/open';
import { diskFileStore, keyPath } from '../../server/files/fileStore';
import { findPgTool, missingTool } from '../../server/backup/pgTools';
import { createTestApp, login } from '../helpers/testApp';

const root = join(import.meta.dirname, '../..');
const place = mkdtempSync(join(tmpdir(), 'cf-backup-'));
/** A server's places: the embedded database, the files, the audit key and checkpoints. */
const places = (name: string) => ({
  DATA_DIR: join(place, name, 'data'), FILES_DIR: join(place, name, 'files'),
  AUDIT_KEY_FILE: join(place, name, 'audit/signing-key.pem'), AUDIT_CHECKPOINT_DIR: join(place, name, 'audit/checkpoints'),
});
const live = places('live');
const restored = places('restored');
const backups = join(place, 'backups');

const cli = (env: Record<string, string>, ...args: string[]) => {
  const r = spawnSync(process.execPath, [join(root, 'bin/countyflow.mjs'), ...args], { cwd: root, env: { ...process.env, DATABASE_URL: '', ...env }, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

/** Puts a file in a content store as an upload would, by its content. */
const store = async (filesDir: string, text: string) => {
  const path = join(place, `upload-${text}`);
  writeFileSync(path, text);
  return diskFileStore(join(filesDir, 'content')).put(path);
};

/** How many events each county's chain has, in a database at `where`. */
const eventsIn = async (where: Record<string, string>) => {
  const db = await openDb({ ...loadConfig({ ...where }), databaseUrl: undefined });
  try {
    return await db.run('*', (k) => k.selectFrom('case_events').select(['county_id', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('county_id').orderBy('county_id').execute()).then((rows) => rows.map((r) => `${r.county_id}:${Number(r.n)}`));
  } finally {
    await db.close();
  }
};

afterAll(() => rmSync(place, { recursive: true, force: true }));

describe('countyflow backup and restore (the embedded database, on either run)', () => {
  it('backs up the database, files by content and the audit key; restores into an empty place and verifies the chain', async () => {
    const t = await createTestApp({ databaseUrl: undefined, dataDir: live.DATA_DIR, filesDir: live.FILES_DIR, auditKeyFile: live.AUDIT_KEY_FILE, checkpointDir: live.AUDIT_CHECKPOINT_DIR });
    const cadre = await login(t.app, '532326', 'cun');
    for (let i = 0; i < 3; i++) expect((await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).statusCode).toBe(201);
    await t.close();
    const photo = await store(live.FILES_DIR, 'photo-one');
    const before = await eventsIn(live);
    expect(before.join()).toContain('532326:3');

    const first = cli(live, 'backup', backups);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toContain('文件 1 个（本次新复制 1 个，');
    const second = await store(live.FILES_DIR, 'photo-two');
    const again = cli(live, 'backup', backups);
    expect(again.code, again.err).toBe(0);
    // The second backup copies only the file the first did not have.
    expect(again.out).toContain('文件 2 个（本次新复制 1 个，');
    const backup = /备份完成：(.+)/.exec(again.out)![1]!;

    const back = cli(restored, 'restore', backup);
    expect(back.code, back.out + back.err).toBe(0);
    expect(back.out).toContain('县 532326：共 3 条办理记录');
    expect(back.out).not.toContain('发现不一致');
    // Every county in the restored database checked, and each consistent with the backup's checkpoint.
    expect(back.out.match(/结论：一致/g)?.length).toBe(back.out.match(/^县 /gm)?.length);
    expect(back.out).toContain('与检查点（');
    expect(await eventsIn(restored)).toEqual(before);
    for (const [key, text] of [[photo, 'photo-one'], [second, 'photo-two']] as const) expect(readFileSync(join(restored.FILES_DIR, 'content', keyPath(key)), 'utf8')).toBe(text);
    expect(readFileSync(restored.AUDIT_KEY_FILE, 'utf8')).toBe(readFileSync(live.AUDIT_KEY_FILE, 'utf8'));

    // Never over what is there.
    const over = cli(restored, 'restore', backup);
    expect(over.code).toBe(1);
    expect(over.err).toContain('恢复只写入空的位置');

    // Retention: the newest backup stays with the files it needs; a file no kept backup needs goes.
    rmSync(join(live.FILES_DIR, 'content', keyPath(photo)));
    const kept = cli(live, 'backup', backups, '--keep', '1');
    expect(kept.code, kept.err).toBe(0);
    expect(kept.out).toContain('保留最新 1 份，删除更早的 2 份');
    expect(readdirSync(backups).filter((name) => name !== 'content')).toEqual([/备份完成：.+\/([^/\n]+)$/m.exec(kept.out)![1]]);
    expect(existsSync(join(backups, 'content', keyPath(photo)))).toBe(false);
    expect(existsSync(join(backups, 'content', keyPath(second)))).toBe(true);
    expect(cli(live, 'backup', backups, '--keep', '0').code).toBe(2);
  }, 240_000);

  it('finds pg_dump on PATH or in Debian\'s PostgreSQL folders, and says what to install when it is nowhere', () => {
    expect(findPgTool('pg_dump', '/nowhere', '/nowhere')).toBeNull();
    expect(findPgTool('pg_dump', '', '/usr/lib/postgresql')).toMatch(/^\/usr\/lib\/postgresql\/\d+\/bin\/pg_dump$/);
    expect(missingTool('pg_dump')).toContain('postgresql-client-15');
  });
});
