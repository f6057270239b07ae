import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { calendarYearProblems, type CheckReport, locate, type Problem } from '../../engine/index';
import { systemClock } from '../clock';
import { calendarFiles, checkFile, definitionFiles, definitionsRoot } from '../definitionFiles';

export const CHECK_USAGE = `用法：countyflow check [--json] [路径...]
  检查流程定义文件（整份定义，或县级变更文件 extends + patch）。路径可以是文件或文件夹，默认 definitions/。
  县文件夹里的定义还会对照本县的其他流程（spawn）和 county.json 里用户担任的角色。

  --json    输出机器可读的结果（每个问题：code、severity、file、line、column、path、message、label、templatePath）
  --help    显示本说明

退出码：0 没有错误（可以有警告）；1 有错误；2 用法不对（不认识的选项、路径不存在、没有找到定义文件）
`;

/** One problem as a county's CI reads it. */
export interface CheckLine {
  code: string;
  severity: 'error' | 'warning';
  file: string;
  line?: number;
  column?: number;
  path: string;
  message: string;
  label?: string;
  templatePath?: string;
}

function linesOf(file: string, text: string, r: CheckReport): CheckLine[] {
  return [...r.errors, ...r.warnings].map((p: Problem) => {
    const at = locate(text, p.path);
    const out: CheckLine = { code: p.code, severity: p.severity, file, ...(at ?? {}), path: p.path, message: p.message };
    if (p.label) out.label = p.label;
    if (p.templatePath) out.templatePath = p.templatePath;
    return out;
  });
}

/** A holiday calendar file checked year by year, as an administrator's load is (dates in their year, none twice, 调休 only on weekends). */
function calendarLines(file: string, text: string): CheckLine[] {
  const fail = (path: string, message: string): CheckLine => ({ code: 'calendar-invalid', severity: 'error', file, ...(locate(text, path) ?? {}), path, message });
  let cal: { holidays?: unknown; workdays?: unknown };
  try {
    cal = JSON.parse(text) as typeof cal;
  } catch {
    return [fail('', '日历文件不是有效的 JSON')];
  }
  if (!Array.isArray(cal.holidays) || !Array.isArray(cal.workdays) || ![...cal.holidays, ...cal.workdays].every((d) => typeof d === 'string')) {
    return [fail('', '日历须有 holidays 和 workdays 两个日期列表（YYYY-MM-DD）')];
  }
  const holidays = cal.holidays as string[];
  const workdays = cal.workdays as string[];
  const years = [...new Set([...holidays, ...workdays].map((d) => Number(d.slice(0, 4))))].sort();
  return years.flatMap((year) => calendarYearProblems(year, holidays.filter((d) => d.startsWith(`${year}-`)), workdays.filter((d) => d.startsWith(`${year}-`)))
    .map((message) => fail(message.includes('调休') ? '/workdays' : '/holidays', message)));
}

/** `countyflow check [--json] [paths]`: checks definitions, prints problems in Chinese (or JSON), returns the exit code. */
export function runCheck(args: string[], print: (line: string) => void = console.log, printError: (line: string) => void = console.error): number {
  const flags = args.filter((a) => a.startsWith('-'));
  const paths = args.filter((a) => !a.startsWith('-'));
  if (flags.includes('--help') || flags.includes('-h')) {
    print(CHECK_USAGE);
    return 0;
  }
  const unknown = flags.filter((f) => f !== '--json');
  if (unknown.length) {
    printError(`不认识的选项：${unknown.join(' ')}\n\n${CHECK_USAGE}`);
    return 2;
  }
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length) {
    printError(`找不到：${missing.join('、')}`);
    return 2;
  }
  const files = definitionFiles(paths.length ? paths : [definitionsRoot]);
  const calendars = calendarFiles(paths.length ? paths : [definitionsRoot]);
  if (!files.length && !calendars.length) {
    printError(`在 ${paths.join('、') || 'definitions/'} 里没有找到流程定义文件（*.json）`);
    return 2;
  }
  const json = flags.includes('--json');
  const all: CheckLine[] = [];
  const now = systemClock.now().getTime();
  for (const file of files) {
    const name = relative(process.cwd(), file) || file;
    const r = checkFile(file, now);
    const lines = linesOf(name, readFileSync(file, 'utf8'), r);
    all.push(...lines);
    if (json) continue;
    print(`${r.ok ? '✓' : '✗'} ${name}${r.ok ? '' : `：${r.errors.length} 个错误`}${r.warnings.length ? `，${r.warnings.length} 个警告` : ''}`);
    for (const l of lines) {
      const where = `${name}${l.line ? `:${l.line}:${l.column}` : ''}`;
      const template = l.templatePath ? `（模板位置 ${l.templatePath}）` : '';
      print(`  ${l.severity === 'error' ? '错误' : '警告'} ${l.code} ${where} ${l.path || '/'}${template}：${l.message}`);
    }
    if (r.ok && r.reviewerGates.length) {
      print(`  需审核人推进的环节：${r.reviewerGates.map((g) => `${g.label}（${g.roles.map((role) => r.definition?.roles[role]?.label ?? role).join('、')}）`).join('；')}`);
    }
  }
  for (const file of calendars) {
    const name = relative(process.cwd(), file) || file;
    const lines = calendarLines(name, readFileSync(file, 'utf8'));
    all.push(...lines);
    if (json) continue;
    print(`${lines.length ? '✗' : '✓'} ${name}${lines.length ? `：${lines.length} 个错误` : ''}`);
    for (const l of lines) print(`  错误 ${l.code} ${name}${l.line ? `:${l.line}:${l.column}` : ''} ${l.path || '/'}：${l.message}`);
  }
  const errors = all.filter((l) => l.severity === 'error').length;
  const warnings = all.length - errors;
  if (json) print(JSON.stringify({ ok: errors === 0, files: files.length + calendars.length, errors, warnings, problems: all }, null, 2));
  else print(`检查了 ${files.length} 个流程定义${calendars.length ? `、${calendars.length} 个节假日日历` : ''}：${errors} 个错误，${warnings} 个警告`);
  return errors > 0 ? 1 : 0;
}
