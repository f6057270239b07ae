import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { auditChain } from '../audit/auditChain';
import { counties } from '../audit/checkpointAll';
import { copyFolder, copyNewFiles, type Progress, progressOf, readManifest } from '../backup/backupFolder';
import { pgRestore, tablesIn } from '../backup/pgTools';
import { loadConfig } from '../config';
import { openDb } from '../db/open';
import { keyPath, sha256Of } from '../files/fileStore';
import { describe } from './audit';
import { BACKUP_USAGE } from './backup';

/** A folder that holds something: a restore never writes over it. */
const inUse = (path: string) => existsSync(path) && readdirSync(path).length > 0;

const kindName = { pglite: '嵌入式数据库', postgres: 'PostgreSQL' } as const;

/** Checks every file of a backup against the manifest's hashes; returns the paths that differ or are missing. */
async function changedFiles(backup: string, hashes: Record<string, string>, progress: Progress): Promise<string[]> {
  const paths = Object.keys(hashes);
  const report = progressOf('核对备份文件的哈希', { files: paths.length, bytes: 0 }, progress);
  const changed: string[] = [];
  for (const [i, path] of paths.entries()) {
    const file = join(backup, path);
    if (!existsSync(file) || (await sha256Of(file)) !== hashes[path]) changed.push(path);
    report(i + 1, 0);
  }
  return changed;
}

/**
 * `countyflow restore <backup>`: checks the backup's files against its manifest, then restores into
 * an empty place only (the data folder or an empty PostgreSQL database, the files, the audit folder),
 * then checks every county's chain against the backup's checkpoints and reports what came back.
 */
export async function runRestore(args: string[], print = (l: string) => process.stdout.write(`${l}\n`), printError = (l: string) => process.stderr.write(`${l}\n`)): Promise<number> {
  const [given, ...extra] = args;
  if (!given || extra.length || given.startsWith('-')) {
    printError(BACKUP_USAGE);
    return 2;
  }
  const config = loadConfig();
  const progress = (line: string) => print(`  ${line}`);
  const backup = resolve(given);
  const manifest = readManifest(backup);
  const kind = config.databaseUrl ? 'postgres' : 'pglite';
  const backedUp = manifest.database ?? 'pglite';
  if (backedUp !== kind) {
    printError(`这份备份是${kindName[backedUp]}的，而本服务器配置的是${kindName[kind]}（${kind === 'postgres' ? '已' : '未'}设置 DATABASE_URL），未做任何改动`);
    return 1;
  }
  const changed = manifest.hashes ? await changedFiles(backup, manifest.hashes, progress) : [];
  if (changed.length) {
    printError(`备份已损坏，以下文件与清单中的哈希不符或缺失，未做任何改动：\n${changed.map((p) => `  ${p}`).join('\n')}`);
    return 1;
  }
  // Every stored file the manifest names must be a content hash, be in the backup and hold that content, before anything is written:
  // a key such as ../../x would be copied outside the files folder, a missing one would stop the restore half done.
  const store = join(dirname(backup), 'content');
  const badFiles: string[] = [];
  for (const key of manifest.files) {
    if (!/^[0-9a-f]{64}$/.test(key)) badFiles.push(`${key.slice(0, 80)}（不是内容哈希）`);
    else if (!existsSync(join(store, keyPath(key))) || (await sha256Of(join(store, keyPath(key)))) !== key) badFiles.push(`${key}（缺失或内容不符）`);
  }
  if (badFiles.length) {
    printError(`备份已损坏，以下文件有误，未做任何改动：\n${badFiles.slice(0, 20).map((p) => `  ${p}`).join('\n')}`);
    return 1;
  }
  const content = join(config.filesDir, 'content');
  const taken = [...(kind === 'pglite' ? [config.dataDir] : []), content, dirname(config.auditKeyFile), config.checkpointDir].filter(inUse);
  const tables = kind === 'postgres' ? await tablesIn(config) : 0;
  if (tables) taken.push(`数据库的 ${config.dbSchema} 模式（已有 ${tables} 张表）`);
  if (taken.length) {
    printError(`恢复只写入空的位置，以下位置已有内容，未做任何改动：\n${taken.map((p) => `  ${p}`).join('\n')}`);
    return 1;
  }
  if (kind === 'postgres') await pgRestore(config, join(backup, 'database.dump'), progress);
  else copyFolder(join(backup, 'data'), config.dataDir, { what: '数据库', progress });
  copyNewFiles(manifest.files, store, content, progress);
  mkdirSync(dirname(config.auditKeyFile), { recursive: true });
  copyFileSync(join(backup, 'audit/signing-key.pem'), config.auditKeyFile);
  copyFileSync(join(backup, 'audit/signing-key.pem.pub'), `${config.auditKeyFile}.pub`);
  if (existsSync(join(backup, 'audit/checkpoints'))) copyFolder(join(backup, 'audit/checkpoints'), config.checkpointDir);
  // A file named by its content must still have that content.
  let ok = true;
  for (const key of manifest.files.filter((k) => /^[0-9a-f]{64}$/.test(k))) {
    if ((await sha256Of(join(content, keyPath(key)))) !== key) {
      printError(`文件 ${key} 的内容与其哈希不符`);
      ok = false;
    }
  }
  const db = await openDb(config);
  let found: string[];
  let cases: number;
  let events = 0;
  try {
    found = await counties(db);
    for (const county of found) {
      const report = await db.run(county, (k) => auditChain(k, county, { checkpointDir: config.checkpointDir, auditKeyFile: config.auditKeyFile }));
      for (const line of describe(county, report)) print(line);
      events += report.events;
      ok &&= report.ok;
    }
    cases = Number((await db.run('*', (k) => k.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow())).n);
  } finally {
    await db.close();
  }
  if (!ok) {
    print('恢复后的校验发现不一致：请勿用它提供服务，改用另一份备份');
    return 1;
  }
  print(`恢复完成：${backup}（县 ${found.length} 个，案件 ${cases} 件，办理记录 ${events} 条，文件 ${manifest.files.length} 个；每个县的办理记录与备份时的检查点一致）`);
  return 0;
}
