import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { auditChain, type AuditReport } from '../audit/auditChain';
import { checkpointAll } from '../audit/checkpointAll';
import { systemClock } from '../clock';
import { loadConfig } from '../config';
import { openDb } from '../db/open';

export const AUDIT_USAGE = `用法：
  countyflow audit verify --checkpoint 文件 [--public-key 文件]
      用审计人员保存的检查点校验该县的办理记录；报告第一条对不上的记录。
      --public-key 给出县里签名密钥的公钥（PEM）；不给时用本服务器的密钥文件（AUDIT_KEY_FILE）。
  countyflow audit verify --county 县代码
      只校验哈希链本身（并对照 AUDIT_CHECKPOINT_DIR 里最新的检查点）。
  countyflow audit checkpoint
      立即为每个县生成签名检查点，写入 AUDIT_CHECKPOINT_DIR，请把文件交给审计人员另行保存。

退出码：0 一致；1 发现不一致；2 用法不对
`;

const arg = (args: string[], name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/** An audit report as the command line prints it, in Chinese, ending with 结论. */
export function describe(county: string, r: AuditReport): string[] {
  const lines = [`县 ${county}：共 ${r.events} 条办理记录`];
  if (r.checkpoint) lines.push(r.checkpoint.ok ? `  与检查点（${r.checkpoint.at}，${r.checkpoint.events} 条）一致` : `  检查点（${r.checkpoint.at || '未知时间'}）：${r.checkpoint.problem ?? '不一致'}`);
  if (r.broken) lines.push(`  第一条对不上的记录：分区 ${r.broken.lane} 第 ${r.broken.seq} 条${r.broken.caseId ? `（案件 ${r.broken.caseId}）` : ''}：${r.broken.reason}`);
  lines.push(r.ok ? '  结论：一致' : '  结论：发现不一致');
  return lines;
}

/** `countyflow audit …`: returns the exit code. */
export async function runAudit(args: string[], print: (line: string) => void = console.log, printError: (line: string) => void = console.error): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    print(AUDIT_USAGE);
    return sub === undefined ? 2 : 0;
  }
  const config = loadConfig();
  if (sub === 'checkpoint') {
    const db = await openDb(config);
    try {
      for (const f of await checkpointAll(db, config, systemClock.now())) print(`已写入检查点：${f}`);
    } finally {
      await db.close();
    }
    return 0;
  }
  if (sub !== 'verify') {
    printError(`不认识的命令：audit ${sub}\n\n${AUDIT_USAGE}`);
    return 2;
  }
  const file = arg(rest, '--checkpoint');
  const keyFile = arg(rest, '--public-key');
  for (const f of [file, keyFile]) {
    if (f !== undefined && !existsSync(f)) {
      printError(`找不到：${f}`);
      return 2;
    }
  }
  let checkpoint: unknown;
  if (file) {
    try {
      checkpoint = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      printError(`${file} 不是有效的 JSON`);
      return 2;
    }
  }
  const county = file ? String((checkpoint as { county?: unknown } | null)?.county ?? '') : arg(rest, '--county');
  if (!county || !/^\d{6}$/.test(county)) {
    printError(`需要 --checkpoint 文件或 --county 县代码\n\n${AUDIT_USAGE}`);
    return 2;
  }
  const db = await openDb(config);
  try {
    const trustedKey = keyFile ? createPublicKey(readFileSync(keyFile)) : undefined;
    const report = await db.run(county, (k) => auditChain(k, county, { checkpoint, checkpointDir: file ? undefined : config.checkpointDir, trustedKey, auditKeyFile: config.auditKeyFile }));
    for (const line of describe(county, report)) print(line);
    return report.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}
