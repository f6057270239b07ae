import { relative } from 'node:path';
import { checkFile, definitionFiles, definitionsRoot } from '../definitionFiles';

/** `countyflow check [paths]`: checks definitions, prints problems in Chinese, returns the exit code. */
export function runCheck(paths: string[], print: (line: string) => void = console.log): number {
  const files = definitionFiles(paths.length ? paths : [definitionsRoot]);
  let errors = 0;
  let warnings = 0;
  for (const file of files) {
    const r = checkFile(file);
    const name = relative(process.cwd(), file) || file;
    errors += r.errors.length;
    warnings += r.warnings.length;
    print(`${r.ok ? '✓' : '✗'} ${name}${r.ok ? '' : `：${r.errors.length} 个错误`}${r.warnings.length ? `，${r.warnings.length} 个警告` : ''}`);
    for (const p of r.errors) print(`  错误 ${p.code} ${p.path || '/'}：${p.message}`);
    for (const p of r.warnings) print(`  警告 ${p.code} ${p.path || '/'}：${p.message}`);
    if (r.ok && r.reviewerGates.length) {
      print(`  需审核人推进的环节：${r.reviewerGates.map((g) => `${g.label}（${g.roles.map((role) => r.definition?.roles[role]?.label ?? role).join('、')}）`).join('；')}`);
    }
  }
  print(`检查了 ${files.length} 个流程定义：${errors} 个错误，${warnings} 个警告`);
  return errors > 0 || files.length === 0 ? 1 : 0;
}
