/** Type-checks a formula against the data it reads: unknown fields and functions, argument counts and types, each at its position. */
import { type FormulaType, formulaFunctions } from './functions';
import type { Node } from './syntax';

export interface FormulaIssue {
  /** 0-based offset into the formula. */
  pos: number;
  kind: 'field' | 'function' | 'arity' | 'type';
  message: string;
}

/** Each formula type in words. */
export const FORMULA_TYPE_NAMES: Record<FormulaType, string> = { number: '数字', text: '文字', boolean: '是/否', date: '日期', list: '列表', any: '任意值' };

/** The type of the field at a data path, 'list' through lists; undefined when nothing defines it. */
export type FieldTypes = (path: string) => FormulaType | undefined;

const fits = (actual: FormulaType, wanted: FormulaType) =>
  wanted === 'any' || actual === 'any' || actual === wanted || (wanted === 'list') || (wanted === 'date' && actual === 'text') || (wanted === 'number' && actual === 'boolean');

/** The formula's type, and every issue found in it. */
export function typecheck(node: Node, fields: FieldTypes, issues: FormulaIssue[] = []): FormulaType {
  switch (node.kind) {
    case 'number':
      return 'number';
    case 'text':
      return 'text';
    case 'boolean':
      return 'boolean';
    case 'field': {
      const t = fields(node.path);
      if (t === undefined) issues.push({ pos: node.pos, kind: 'field', message: `没有数据项「${node.path}」（没有表单或动作写入它）` });
      return t ?? 'any';
    }
    case 'unary': {
      const t = typecheck(node.arg, fields, issues);
      if (!fits(t, 'number')) issues.push({ pos: node.pos, kind: 'type', message: `「${node.op}」后面应为数字，这里是${FORMULA_TYPE_NAMES[t]}` });
      return 'number';
    }
    case 'binary': {
      const a = typecheck(node.left, fields, issues);
      const b = typecheck(node.right, fields, issues);
      if (node.op === '&') return 'text';
      if (['=', '<>'].includes(node.op)) {
        if (a !== 'any' && b !== 'any' && a !== b && !(fits(a, b) || fits(b, a))) issues.push({ pos: node.pos, kind: 'type', message: `把${FORMULA_TYPE_NAMES[a]}和${FORMULA_TYPE_NAMES[b]}比较，永远不会相等` });
        return 'boolean';
      }
      if (['<', '<=', '>', '>='].includes(node.op)) {
        const ok = (a === b) || a === 'any' || b === 'any' || (a === 'date' && b === 'text') || (a === 'text' && b === 'date');
        if (!ok) issues.push({ pos: node.pos, kind: 'type', message: `「${node.op}」两边应为同一类值，这里是${FORMULA_TYPE_NAMES[a]}和${FORMULA_TYPE_NAMES[b]}` });
        return 'boolean';
      }
      if ((a === 'date' || b === 'date') && (node.op === '+' || node.op === '-')) return node.op === '-' && a === 'date' && b === 'date' ? 'number' : 'date';
      for (const [t, at] of [[a, node.left.pos], [b, node.right.pos]] as const) {
        if (!fits(t, 'number') || t === 'list') issues.push({ pos: at, kind: 'type', message: `「${node.op}」两边应为数字，这里是${FORMULA_TYPE_NAMES[t]}${t === 'list' ? '（对列表请用 SUM 等函数）' : ''}` });
      }
      return 'number';
    }
    case 'call': {
      const fn = formulaFunctions[node.name];
      const args = node.args.map((arg) => typecheck(arg, fields, issues));
      if (!fn) {
        issues.push({ pos: node.pos, kind: 'function', message: `没有函数「${node.name}」` });
        return 'any';
      }
      if (args.length < fn.min || args.length > fn.max) {
        const want = fn.min === fn.max ? `${fn.min} 个` : fn.max > 100 ? `至少 ${fn.min} 个` : `${fn.min} 到 ${fn.max} 个`;
        issues.push({ pos: node.pos, kind: 'arity', message: `${node.name} 需要 ${want}参数，这里有 ${args.length} 个` });
      }
      args.forEach((t, i) => {
        const wanted = fn.arg(i);
        if (!fits(t, wanted)) issues.push({ pos: node.args[i]!.pos, kind: 'type', message: `${node.name} 的第 ${i + 1} 个参数应为${FORMULA_TYPE_NAMES[wanted]}，这里是${FORMULA_TYPE_NAMES[t]}` });
      });
      return typeof fn.returns === 'function' ? fn.returns(args) : fn.returns;
    }
  }
}
