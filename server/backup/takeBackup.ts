import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { checkpointAll } from '../audit/checkpointAll';
import type { Config } from '../config';
import type { Db } from '../db/open';
import { copyFolder, copyNewFiles, finishBackup, hashesOf, type Progress, pruneBackups, size, storedKeys } from './backupFolder';
import { pgDump } from './pgTools';

/** What a finished backup holds, for the CLI's lines and the log. */
export interface BackupResult {
  folder: string;
  database: 'pglite' | 'postgres';
  /** Bytes of the database's copy (the data folder or the dump). */
  databaseBytes: number;
  checkpoints: number;
  /** Stored files the backup needs, how many of them this backup copied, and their bytes. */
  files: number;
  copied: number;
  copiedBytes: number;
  /** Backups removed by retention. */
  removed: string[];
  ms: number;
}

let running = false;

/** True while this process takes a backup: one at a time (the CLI's request and the schedule alike). */
export const backupRunning = () => running;

/**
 * Takes a backup into `target` (a backup folder): a checkpoint of every county, then the database (the
 * embedded one's folder copied while every unit of work waits, or pg_dump's snapshot while PostgreSQL
 * serves), the audit key and checkpoints, and the stored files the folder does not have yet; the
 * manifest with every file's hash last, under a partial name renamed when complete; named and checkpointed at `now`. Everything
 * acknowledged before it started is in it. With `keep`, older backups beyond that many go.
 */
export async function takeBackup(db: Db, config: Config, target: string, options: { now: Date; keep?: number; progress?: Progress }): Promise<BackupResult> {
  if (running) throw new Error('已有一次备份正在进行，请等它完成');
  running = true;
  const started = performance.now();
  const progress = options.progress ?? (() => undefined);
  const at = options.now;
  const folder = resolve(target);
  const name = at.toISOString().replace(/[:.]/g, '-');
  const partial = join(folder, `.partial-${name}`);
  // One backup at a time in a folder across processes too (the command line's and a server's schedule on PostgreSQL):
  // another's clean-up would take this one's partial folder and the stored files it has not listed yet.
  mkdirSync(folder, { recursive: true });
  const lock = join(folder, '.lock');
  try {
    closeSync(openSync(lock, 'wx'));
  } catch {
    running = false;
    throw new Error(`备份文件夹 ${folder} 正被另一次备份使用（有 .lock 文件）；若确认没有备份在进行，删除该文件后重试`);
  }
  try {
    mkdirSync(partial, { recursive: true });
    // A checkpoint first: the restore checks the chain it brings back against it.
    const checkpoints = await checkpointAll(db, config, at);
    progress(`检查点 ${checkpoints.length} 个（每个县一个）`);
    let databaseBytes: number;
    if (db.kind === 'postgres') {
      await pgDump(config, join(partial, 'database.dump'), progress);
      databaseBytes = statSync(join(partial, 'database.dump')).size;
    } else {
      if (!db.holdStill || config.dataDir.startsWith('memory://')) throw new Error('内存中的数据库无法备份');
      const holdStill = db.holdStill.bind(db);
      const paused = performance.now();
      databaseBytes = (await holdStill(async () => copyFolder(config.dataDir, join(partial, 'data'), { skip: config.filesDir, what: '数据库', progress }))).bytes;
      progress(`数据库已复制（${size(databaseBytes)}；写入暂停 ${Math.round(performance.now() - paused)} ms）`);
    }
    mkdirSync(join(partial, 'audit'), { recursive: true });
    copyFileSync(config.auditKeyFile, join(partial, 'audit/signing-key.pem'));
    copyFileSync(`${config.auditKeyFile}.pub`, join(partial, 'audit/signing-key.pem.pub'));
    if (existsSync(config.checkpointDir)) copyFolder(config.checkpointDir, join(partial, 'audit/checkpoints'));
    // Listed after the database's copy: every file a step in it refers to was stored before the step.
    const content = join(config.filesDir, 'content');
    const files = config.filesS3Url ? [] : storedKeys(content);
    const { copied, bytes: copiedBytes } = copyNewFiles(files, content, join(folder, 'content'), progress);
    progress('计算备份文件的哈希');
    const backup = join(folder, name);
    finishBackup(partial, backup, {
      format: 'countyflow-backup-1', at: at.toISOString(), database: db.kind, files,
      checkpoints: checkpoints.map((f) => relative(config.checkpointDir, f)), hashes: await hashesOf(partial),
    });
    const removed = options.keep === undefined ? [] : pruneBackups(folder, options.keep);
    return { folder: backup, database: db.kind, databaseBytes, checkpoints: checkpoints.length, files: files.length, copied, copiedBytes, removed, ms: Math.round(performance.now() - started) };
  } catch (e) {
    rmSync(partial, { recursive: true, force: true });
    throw e;
  } finally {
    rmSync(lock, { force: true });
    running = false;
  }
}
