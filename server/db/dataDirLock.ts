import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Thrown when another live process owns the PGlite data folder. */
export class DataDirLockedError extends Error {}

/** True while a process with this id runs (one of another user's counts too). */
export const processAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes the data folder's lock file (one process owns an embedded database); returns its release. */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'countyflow.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(readFileSync(file, 'utf8'));
      if (owner && owner !== process.pid && processAlive(owner)) {
        throw new DataDirLockedError(`数据目录 ${dir} 正被另一个 CountyFlow 进程（pid ${owner}）使用。一个嵌入式数据库只能由一个进程打开：请先停止它，或用 DATA_DIR 指定另一个目录，或设置 DATABASE_URL 使用 PostgreSQL。`);
      }
      rmSync(file, { force: true }); // the owner is gone: a stale lock from a crash
    }
  }
  throw new DataDirLockedError(`无法锁定数据目录 ${dir}`);
}
