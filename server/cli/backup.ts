import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { auditChain } from '../audit/auditChain';
import { copyFolder, copyNewFiles, pruneBackups, readManifest, storedKeys, writeManifest } from '../backup/backupFolder';
import { type Config, loadConfig } from '../config';
import { lockDataDir } from '../db/dataDirLock';
import { openDb } from '../db/open';
import { keyPath, sha256Of } from '../files/fileStore';
import { checkpointAll, counties, describe } from './audit';

export const BACKUP_USAGE = `用法：
  countyflow backup <备份目录> [--keep 份数]
      备份嵌入式数据库（DATA_DIR）、已存文件（FILES_DIR，按内容存放：同一目录里的第二次备份只复制新文件）、
      审计签名密钥和检查点（先为每个县生成一个检查点）。服务须先停止（嵌入式数据库只能由一个进程打开）。
      --keep N：备份完成后只保留最新的 N 份，删除更早的备份和它们才需要的文件。
  countyflow restore <备份目录>/<备份时间>
      恢复到空的 DATA_DIR、FILES_DIR 和审计目录，然后用备份时的检查点校验每个县的办理记录。

退出码：0 成功（恢复：校验一致）；1 失败或校验不一致；2 用法不对
PostgreSQL 的数据库请用 pg_dump 或 pgBackRest 备份（见 docs/operations.md）。
`;

/** The database backups are taken of here: the embedded one; PostgreSQL has its own tools. */
function embeddedOnly(config: Config, say: (line: string) => void): boolean {
  if (!config.databaseUrl) return true;
  say(`countyflow backup/restore 只处理嵌入式数据库（DATA_DIR）；已设置 DATABASE_URL。\n${BACKUP_USAGE}`);
  return false;
}

/** A folder that holds something: a restore never writes over it. */
const inUse = (path: string) => existsSync(path) && readdirSync(path).length > 0;

/** `countyflow backup <dir>`: a checkpoint of every county, then a copy of the database, the audit folder and the new stored files. */
export async function runBackup(args: string[], print = (l: string) => process.stdout.write(`${l}\n`), printError = (l: string) => process.stderr.write(`${l}\n`)): Promise<number> {
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
  if (!embeddedOnly(config, printError)) return 2;
  // A checkpoint first: the restore checks the chain it brings back against it.
  const db = await openDb(config);
  let checkpoints: string[];
  try {
    checkpoints = await checkpointAll(db, config);
  } finally {
    await db.close();
  }
  const release = lockDataDir(config.dataDir);
  try {
    const at = new Date();
    const backup = join(resolve(target), at.toISOString().replace(/[:.]/g, '-'));
    mkdirSync(backup, { recursive: true });
    copyFolder(config.dataDir, join(backup, 'data'), config.filesDir);
    mkdirSync(join(backup, 'audit'), { recursive: true });
    for (const file of [config.auditKeyFile, `${config.auditKeyFile}.pub`]) copyFileSync(file, join(backup, 'audit', file === config.auditKeyFile ? 'signing-key.pem' : 'signing-key.pem.pub'));
    if (existsSync(config.checkpointDir)) copyFolder(config.checkpointDir, join(backup, 'audit/checkpoints'));
    const content = join(config.filesDir, 'content');
    const files = config.filesS3Url ? [] : storedKeys(content);
    const copied = copyNewFiles(files, content, join(resolve(target), 'content'));
    writeManifest(backup, { format: 'countyflow-backup-1', at: at.toISOString(), files, checkpoints: checkpoints.map((f) => relative(config.checkpointDir, f)) });
    print(`备份完成：${backup}`);
    print(`  数据库、审计签名密钥、检查点 ${checkpoints.length} 个；文件 ${files.length} 个（本次新复制 ${copied} 个）`);
    if (config.filesS3Url) print('  文件存放在对象存储（FILES_S3_URL），未复制：请用对象存储自己的版本或复制功能备份');
    if (keep !== undefined) {
      const removed = pruneBackups(resolve(target), keep);
      print(`  保留最新 ${keep} 份，删除更早的 ${removed.length} 份${removed.length ? `：${removed.join('、')}` : ''}`);
    }
    return 0;
  } finally {
    release();
  }
}

/** `countyflow restore <backup>`: into an empty place only, then every county's chain is checked against the backup's checkpoints. */
export async function runRestore(args: string[], print = (l: string) => process.stdout.write(`${l}\n`), printError = (l: string) => process.stderr.write(`${l}\n`)): Promise<number> {
  const [given, ...extra] = args;
  if (!given || extra.length || given.startsWith('-')) {
    printError(BACKUP_USAGE);
    return 2;
  }
  const config = loadConfig();
  if (!embeddedOnly(config, printError)) return 2;
  const backup = resolve(given);
  const manifest = readManifest(backup);
  const content = join(config.filesDir, 'content');
  const taken = [config.dataDir, content, dirname(config.auditKeyFile)].filter(inUse);
  if (taken.length) {
    printError(`恢复只写入空的位置，以下位置已有内容，未做任何改动：\n${taken.map((p) => `  ${p}`).join('\n')}`);
    return 1;
  }
  copyFolder(join(backup, 'data'), config.dataDir);
  copyNewFiles(manifest.files, join(dirname(backup), 'content'), content);
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
  try {
    for (const county of await counties(db)) {
      const report = await db.run(county, (k) => auditChain(k, county, { checkpointDir: config.checkpointDir, auditKeyFile: config.auditKeyFile }));
      for (const line of describe(county, report)) print(line);
      ok &&= report.ok;
    }
  } finally {
    await db.close();
  }
  print(ok ? `恢复完成：${backup}（文件 ${manifest.files.length} 个）` : '恢复后的校验发现不一致：请勿用它提供服务，改用另一份备份');
  return ok ? 0 : 1;
}
