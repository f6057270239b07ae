import { resolve } from 'node:path';
import { size } from '../backup/backupFolder';
import type { OperatorFile } from '../backup/operatorFile';
import { type BackupResult, takeBackup } from '../backup/takeBackup';
import { systemClock } from '../clock';
import { loadConfig } from '../config';
import { openDb } from '../db/open';
import { postOperator, servingProcess } from './operatorClient';

export const BACKUP_USAGE = `用法：
  countyflow backup <备份目录> [--keep 份数]
      备份数据库、已存文件（FILES_DIR，按内容存放：同一目录里的第二次备份只复制新文件）、
      审计签名密钥和检查点（先为每个县生成一个检查点）。服务运行时也可以备份：
        嵌入式数据库（DATA_DIR）：由正在运行的服务复制（复制期间写入暂停），本命令显示进度；
        PostgreSQL（DATABASE_URL）：用 pg_dump 导出一致的快照（custom 格式），服务照常运行。
      --keep N：备份完成后只保留最新的 N 份，删除更早的备份和它们才需要的文件。
  countyflow restore <备份目录>/<备份时间>
      恢复到空的位置（DATA_DIR 或 DATABASE_URL 指向的空数据库、FILES_DIR、审计目录），
      先核对备份文件的哈希，恢复后用备份时的检查点校验每个县的办理记录，并报告数量。

退出码：0 成功（恢复：校验一致）；1 失败或校验不一致；2 用法不对
定时备份由服务进程执行：BACKUP_DIR、BACKUP_EVERY、BACKUP_KEEP（见 docs/operations.md）。
`;

type Print = (line: string) => void;

/** What a finished backup says: where it is, what it holds, what retention removed. */
function printDone(done: BackupResult, keep: number | undefined, print: Print): void {
  print(`备份完成：${done.folder}`);
  print(`  数据库（${done.database === 'postgres' ? 'PostgreSQL pg_dump' : '嵌入式'}，${size(done.databaseBytes)}）、审计签名密钥、检查点 ${done.checkpoints} 个；文件 ${done.files} 个（本次新复制 ${done.copied} 个，${size(done.copiedBytes)}）；用时 ${(done.ms / 1000).toFixed(1)} 秒`);
  if (keep !== undefined) print(`  保留最新 ${keep} 份，删除更早的 ${done.removed.length} 份${done.removed.length ? `：${done.removed.join('、')}` : ''}`);
}

/** Asks the serving process that owns the embedded database for the backup, printing its progress as it comes. */
async function askServer(server: OperatorFile, folder: string, keep: number | undefined, print: Print, printError: Print): Promise<number> {
  print(`服务正在运行（${server.url}）：由服务进程备份，复制数据库期间写入暂停`);
  const res = await postOperator(server, '/operator/backup', { folder, ...(keep ? { keep } : {}) }).catch((e: Error) => e);
  if (res instanceof Error || !res.body) {
    printError(res instanceof Error ? res.message : '服务没有回答备份请求');
    return 1;
  }
  let rest = '';
  let code = 1;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    const chunk = read.value;
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const entry = JSON.parse(line) as { progress?: string; done?: BackupResult; error?: string };
      if (entry.progress) print(`  ${entry.progress}`);
      if (entry.error) printError(`备份失败：${entry.error}`);
      if (entry.done) {
        printDone(entry.done, keep, print);
        code = 0;
      }
    }
  }
  return code;
}

/** `countyflow backup <dir>`: by the serving process when it owns the embedded database; else here (PostgreSQL: pg_dump beside the running servers). */
export async function runBackup(args: string[], print: Print = (l) => process.stdout.write(`${l}\n`), printError: Print = (l) => process.stderr.write(`${l}\n`)): Promise<number> {
  const [target, ...extra] = args;
  if (target === '--help') {
    print(BACKUP_USAGE);
    return 0;
  }
  const keep = extra[0] === '--keep' && extra.length === 2 && /^[1-9]\d*$/.test(extra[1]!) ? Number(extra[1]) : undefined;
  if (!target || target.startsWith('-') || (extra.length && keep === undefined)) {
    printError(BACKUP_USAGE);
    return 2;
  }
  const config = loadConfig();
  const folder = resolve(target);
  if (config.filesS3Url) print('文件存放在对象存储（FILES_S3_URL），不在备份中：请用对象存储自己的版本或复制功能备份');
  const server = servingProcess(config);
  if (server) return askServer(server, folder, keep, print, printError);
  const db = await openDb(config);
  try {
    printDone(await takeBackup(db, config, folder, { now: systemClock.now(), ...(keep ? { keep } : {}), progress: (line) => print(`  ${line}`) }), keep, print);
    return 0;
  } finally {
    await db.close();
  }
}
