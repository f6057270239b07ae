/** Type-checks a formula against the data it reads: unknown fields and functions, argument counts and types, each at its position. */
import { type FormulaType, formulaFunctions, type Typed } from './functions';
import type { Node } from './syntax';
import { Day } from './values';

export interface FormulaIssue {
  /** 0-based offset into the formula. */
  pos: number;
  /** `date`: text where a date is wanted; `result`: the whole formula gives what its place cannot take; `row`: a row field its list does not have (entries._at without stamp); `list`: a single value where rows are picked from a list. */
  kind: 'field' | 'function' | 'arity' | 'type' | 'date' | 'result' | 'row' | 'list';
  message: string;
}

/** Each formula type in words. */
export const FORMULA_TYPE_NAMES: Record<FormulaType, string> = { number: '数字', text: '文字', boolean: '是/否', date: '日期', list: '列表', any: '任意值' };

/** The type of the field at a data path ('list' through lists, knowing its items' type); undefined when nothing defines it; `{ missing }` saying why a row field is not there. */
export type FieldTypes = (path: string) => FormulaType | Typed | { missing: string } | undefined;

const typed = (t: FormulaType | Typed): Typed => (typeof t === 'string' ? { type: t } : t);
const ANY: Typed = { type: 'any' };
/** A type in words: a list of numbers is 数字列表. */
const named = (t: Typed) => (t.type === 'list' && t.item && t.item !== 'any' ? `${FORMULA_TYPE_NAMES[t.item]}列表` : FORMULA_TYPE_NAMES[t.type]);

const fits = (actual: FormulaType, wanted: FormulaType) =>
  wanted === 'any' || actual === 'any' || actual === wanted || wanted === 'list' || (wanted === 'number' && actual === 'boolean');

/** A text literal that is a real date (YYYY-MM-DD), which may stand where a date is wanted. */
const dateLiteral = (node: Node) => node.kind === 'text' && Day.parse(node.value) !== null;

/** The issue when `node` (of type `t`) stands where `wanted` is needed, or undefined when it fits. Text fits a date only as a real date written YYYY-MM-DD. */
function misfit(node: Node, t: Typed, wanted: FormulaType, where: string): FormulaIssue | undefined {
  if (wanted === 'date' && t.type === 'text') {
    if (dateLiteral(node)) return undefined;
    const what = node.kind === 'text' ? `「${node.value}」不是有效的日期` : node.kind === 'field' ? `「${node.path}」是文字，不是日期` : '这里是文字，不是日期';
    return { pos: node.pos, kind: 'date', message: `${where}应为日期，${what}（请用日期字段、DATE(年, 月, 日) 或 "2025-03-01" 这样的日期）` };
  }
  if (fits(t.type, wanted)) return undefined;
  return { pos: node.pos, kind: 'type', message: `${where}应为${FORMULA_TYPE_NAMES[wanted]}，这里是${named(t)}` };
}

/** The formula's type (a list's with its items' type), and every issue found in it. */
export function typeOf(node: Node, fields: FieldTypes, issues: FormulaIssue[] = []): Typed {
  switch (node.kind) {
    case 'number':
      return { type: 'number' };
    case 'text':
      return { type: 'text' };
    case 'boolean':
      return { type: 'boolean' };
    case 'field': {
      const t = fields(node.path);
      if (t === undefined) {
        issues.push({ pos: node.pos, kind: 'field', message: `没有数据项「${node.path}」（没有表单或动作写入它）` });
        return ANY;
      }
      if (typeof t === 'object' && 'missing' in t) {
        issues.push({ pos: node.pos, kind: 'row', message: t.missing });
        return ANY;
      }
      return typed(t);
    }
    case 'unary': {
      const t = typeOf(node.arg, fields, issues);
      if (!fits(t.type, 'number') || t.type === 'list') issues.push({ pos: node.pos, kind: 'type', message: `「${node.op}」后面应为数字，这里是${named(t)}` });
      return { type: 'number' };
    }
    case 'binary':
      return binaryType(node, typeOf(node.left, fields, issues), typeOf(node.right, fields, issues), issues);
    case 'call': {
      const fn = formulaFunctions[node.name];
      const args = node.args.map((arg) => typeOf(arg, fields, issues));
      if (!fn) {
        issues.push({ pos: node.pos, kind: 'function', message: `没有函数「${node.name}」` });
        return ANY;
      }
      if (args.length < fn.min || args.length > fn.max) {
        const want = fn.min === fn.max ? `${fn.min} 个` : fn.max > 100 ? `至少 ${fn.min} 个` : `${fn.min} 到 ${fn.max} 个`;
        issues.push({ pos: node.pos, kind: 'arity', message: `${node.name} 需要 ${want}参数，这里有 ${args.length} 个` });
      } else {
        const wrong = fn.arity?.(args.length);
        if (wrong) issues.push({ pos: node.pos, kind: 'arity', message: `${node.name} 的${wrong}，这里有 ${args.length} 个` });
      }
      args.forEach((t, i) => {
        const arg = node.args[i]!;
        const where = `${node.name} 的第 ${i + 1} 个参数`;
        const wanted = fn.arg(i);
        const items = fn.items?.(i);
        const single: FormulaIssue | undefined = fn.lists?.(i) && t.type !== 'list' && t.type !== 'any' ? { pos: arg.pos, kind: 'list', message: `${where}应为列表（如一张表的一列：entries.points），这里是${named(t)}` } : undefined;
        const issue = single ?? misfit(arg, t, wanted, where) ?? (wanted === 'list' && items ? misfit(arg, t.type === 'list' ? { type: t.item ?? 'any' } : t, items, `${where}（的每一项）`) : undefined);
        if (issue) issues.push(issue);
      });
      return typeof fn.returns === 'function' ? typed(fn.returns(args)) : { type: fn.returns };
    }
  }
}

const ORDERED = ['<', '<=', '>', '>='];

function binaryType(node: Extract<Node, { kind: 'binary' }>, a: Typed, b: Typed, issues: FormulaIssue[]): Typed {
  const { op, left, right } = node;
  if (op === '&') return { type: 'text' };
  if (op === '=' || op === '<>' || ORDERED.includes(op)) {
    // A list compared with a value, or two lists of one table, compare row by row (as FILTER's conditions): a list of 是/否.
    if (a.type === 'list' || b.type === 'list') {
      compared(node, item(a), item(b), issues);
      return { type: 'list', item: 'boolean' };
    }
    compared(node, a, b, issues);
    return { type: 'boolean' };
  }
  if ((a.type === 'date' || b.type === 'date') && (op === '+' || op === '-')) {
    // A date plus days, days plus a date, a date minus days, a date minus a date (days).
    if (op === '-' && a.type === 'date' && b.type === 'date') return { type: 'number' };
    const [days, at] = a.type === 'date' ? [b, right] : [a, left];
    if (op === '-' && a.type !== 'date') issues.push({ pos: left.pos, kind: 'type', message: `「-」不能从${named(a)}减去日期（日期减日期得天数，日期减天数得日期）` });
    else if (days.type === 'date') issues.push({ pos: at.pos, kind: 'type', message: '两个日期不能相加（日期加天数得日期，日期减日期得天数）' });
    else if (!fits(days.type, 'number') || days.type === 'list') issues.push({ pos: at.pos, kind: 'type', message: `日期「${op}」的另一边应为天数（数字），这里是${named(days)}` });
    return { type: 'date' };
  }
  for (const [t, at] of [[a, left], [b, right]] as const) {
    if (!fits(t.type, 'number') || t.type === 'list') issues.push({ pos: at.pos, kind: 'type', message: `「${op}」两边应为数字，这里是${named(t)}${t.type === 'list' ? '（对列表请用 SUM 等函数）' : ''}` });
  }
  return { type: 'number' };
}

/** The issues of comparing a with b (values, or a list's items): a date with text that is no date, two kinds that are never equal or cannot be ordered. */
function compared(node: Extract<Node, { kind: 'binary' }>, a: Typed, b: Typed, issues: FormulaIssue[]): void {
  const { op, left, right } = node;
  // A date against text: the text must be a real date.
  const dateText = (a.type === 'date' && b.type === 'text' ? misfit(right, b, 'date', `「${op}」右边`) : undefined) ?? (b.type === 'date' && a.type === 'text' ? misfit(left, a, 'date', `「${op}」左边`) : undefined);
  if (dateText) issues.push(dateText);
  else if (a.type !== 'any' && b.type !== 'any' && a.type !== b.type && !(a.type === 'date' && b.type === 'text') && !(a.type === 'text' && b.type === 'date')) {
    const numeric = (t: Typed) => t.type === 'number' || t.type === 'boolean';
    if (op === '=' || op === '<>') {
      if (!(numeric(a) && numeric(b))) issues.push({ pos: node.pos, kind: 'type', message: `把${named(a)}和${named(b)}比较，永远不会相等` });
    } else issues.push({ pos: node.pos, kind: 'type', message: `「${op}」两边应为同一类值，这里是${named(a)}和${named(b)}` });
  }
}

/** The type of a list's items, or of a single value. */
const item = (t: Typed): Typed => (t.type === 'list' ? { type: t.item ?? 'any' } : t);

/** The formula's type, and every issue found in it. */
export const typecheck = (node: Node, fields: FieldTypes, issues: FormulaIssue[] = []): FormulaType => typeOf(node, fields, issues).type;

/** The issue when the whole formula gives what its place cannot take (a date for a deadline, 是/否 for a condition), or undefined. */
export function resultMisfit(node: Node, t: Typed, wanted: FormulaType): FormulaIssue | undefined {
  // A date is kept as text (YYYY-MM-DD).
  if (wanted === 'text' && t.type === 'date') return undefined;
  const issue = misfit(node, t, wanted, '公式的结果');
  if (!issue || issue.kind === 'date') return issue;
  return { pos: 0, kind: 'result', message: `这里应得到${FORMULA_TYPE_NAMES[wanted]}，公式得到的是${named(t)}` };
}
