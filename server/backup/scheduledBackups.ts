import { join } from 'node:path';
import pg from 'pg';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Db } from '../db/open';
import { backupsIn, readManifest } from './backupFolder';
import { backupRunning, takeBackup } from './takeBackup';

/** The log lines of scheduled backups (the server's pino log). */
export interface BackupLog {
  info(extra: object, msg: string): void;
  error(extra: object, msg: string): void;
}

/**
 * Which of several servers on one PostgreSQL takes the scheduled backups: the one holding a
 * session advisory lock (per schema) on a connection of its own; when it stops, its connection
 * closes, the lock goes with it and another server takes it at its next look. The embedded
 * database has one server: always it.
 */
function backupLeader(config: Config): { isLeader(): Promise<boolean>; close(): Promise<void> } {
  if (!config.databaseUrl) return { isLeader: async () => true, close: async () => undefined };
  let client: pg.Client | null = null;
  let leader = false;
  const drop = () => {
    leader = false;
    const old = client;
    client = null;
    void old?.end().catch(() => undefined);
  };
  return {
    async isLeader() {
      if (leader && client) return true;
      try {
        if (!client) {
          client = new pg.Client({ connectionString: config.databaseUrl });
          client.on('error', drop);
          await client.connect();
        }
        const { rows } = await client.query<{ got: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS got', [`countyflow-backup:${config.dbSchema}`]);
        leader = rows[0]!.got;
      } catch {
        drop();
      }
      return leader;
    },
    close: async () => drop(),
  };
}

/** When the newest complete backup in the folder was taken (0: none): a restart keeps the schedule. */
const newestAt = (folder: string) => {
  const newest = backupsIn(folder).at(-1);
  return newest ? Date.parse(readManifest(join(folder, newest)).at) : 0;
};

/**
 * Scheduled backups (BACKUP_DIR, BACKUP_EVERY, BACKUP_KEEP) taken by the serving process: looks
 * every minute (or every BACKUP_EVERY, when shorter) whether the newest backup in BACKUP_DIR is
 * older than BACKUP_EVERY and, on the one server that leads, takes one and prunes beyond BACKUP_KEEP.
 * Progress and results go to the log. Returns its stop.
 */
export function startScheduledBackups(db: Db, config: Config, clock: Clock, log: BackupLog): () => Promise<void> {
  const folder = config.backupDir;
  if (!folder) return async () => undefined;
  const leader = backupLeader(config);
  const lookEvery = Math.min(config.backupEveryMs, 60_000);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const look = async () => {
    if (clock.now().getTime() - newestAt(folder) < config.backupEveryMs || backupRunning() || !(await leader.isLeader())) return;
    // Another server may have just finished one into a shared folder.
    if (clock.now().getTime() - newestAt(folder) < config.backupEveryMs) return;
    log.info({ backup: folder }, '定时备份开始');
    try {
      const done = await takeBackup(db, config, folder, { now: clock.now(), keep: config.backupKeep, progress: (line) => log.info({ backup: folder }, line) });
      log.info({ ...done }, '定时备份完成');
    } catch (e) {
      log.error({ backup: folder, err: String((e as Error)?.message ?? e) }, '定时备份失败');
    }
  };
  const next = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = look().catch((e: unknown) => log.error({ backup: folder, err: String(e) }, '定时备份失败')).finally(next);
    }, lookEvery);
  };
  next();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
    await leader.close();
  };
}
