/** The formula functions: Excel's names and meaning, exact decimals, dates on the county calendar. */
import { addDuration, localDate } from '../duration';
import type { Calendar } from '../types';
import { abs, compareNum, divide, isNum, type Num, roundTo, Total, toJson, truncated, whole } from './decimal';
import { NO_ROW, NOT_FOUND, NOT_LIST, UNEVEN_LISTS } from './errorValues';
import { asDay, asNumber, Day, dayOrError, FormulaError, joinText, NOT_DAY, numberOr, textOr, type Value } from './values';

/** What a formula may see besides the case data: the submitted form, the time, the calendar, the budget. */
export interface FormulaEnv {
  data: unknown;
  /** The data submitted with the event (`submitted.x` in a formula). */
  submitted?: unknown;
  /** Milliseconds since the epoch: the engine's `now`, never a clock. */
  now: number;
  calendar: Calendar;
  /** Counts `steps` (default 1) against the engine's budget (throws when over), before the work they stand for is done. */
  tick(steps?: number): void;
}

export type FormulaType = 'number' | 'text' | 'boolean' | 'date' | 'list' | 'any';

/** A type as the checker knows it: a list also knows the type of its items (entries.amount: a list of numbers). */
export interface Typed {
  type: FormulaType;
  item?: FormulaType;
}

export interface FormulaFunction {
  summary: string;
  example: string;
  min: number;
  max: number;
  /** The type each argument must have ('any' accepts all; 'list' also accepts single values). */
  arg(i: number): FormulaType;
  /** For a 'list' argument, the type its items (or the single value given) must have. */
  items?(i: number): FormulaType;
  /** True for an argument that must be a list itself, not a single value (the lists INDEX, XLOOKUP, FILTER and the *IFS functions pick rows from). */
  lists?(i: number): boolean;
  /** What is wrong with calling it with `n` arguments besides min and max (COUNTIFS takes them in pairs), or undefined. */
  arity?(n: number): string | undefined;
  returns: FormulaType | ((args: Typed[]) => FormulaType | Typed);
  /** Arguments evaluated only when needed (IF). */
  lazy?: boolean;
  /** Given error values as they are (IFERROR, ISERROR, ISBLANK); any other function's value is the first error among its arguments. */
  takesErrors?: boolean;
  /** Counts working days on the calendar: past the calendar's last year its result ignores holidays (a deadline from it is approximate). */
  workingDays?: boolean;
  /** Pure; never changes a list it is given (lists may be the case data's own arrays). */
  run(args: Value[], env: FormulaEnv): Value;
}

const ZERO: Num = 0;
const num = asNumber;
const day = asDay;
/** A date argument: the day, blank for a blank (no date yet), or #VALUE! for anything else. */
const dayArg = (v: Value): Day | FormulaError | null => (v === null ? null : (day(v) ?? NOT_DAY));
/** Lists and single values as one flat list (SUM(a, b.c, 3)), each item counted against the budget; a flat list given alone is itself. */
const flat = (args: Value[], env: FormulaEnv): Value[] => {
  const only = args.length === 1 ? args[0]! : null;
  if (Array.isArray(only) && isFlat(only)) {
    env.tick(only.length);
    return only;
  }
  const out: Value[] = [];
  for (let i = 0; i < args.length; i++) flatInto(out, args[i]!, env);
  return out;
};
// Indexed loops throughout: the case data's lists are frozen arrays, which iterators walk slowly.
function isFlat(list: Value[]): boolean {
  for (let i = 0; i < list.length; i++) if (Array.isArray(list[i])) return false;
  return true;
}
function flatInto(out: Value[], v: Value, env: FormulaEnv): void {
  if (!Array.isArray(v)) {
    out.push(v);
    return;
  }
  env.tick(v.length);
  for (let i = 0; i < v.length; i++) flatInto(out, v[i]!, env);
}
/** The sum of the numbers among the values (blanks, text and the rest skipped), or #NUM! past what case data holds. */
const sumOf = (list: Value[]) => {
  const t = new Total();
  for (let i = 0; i < list.length; i++) {
    const v = list[i]!;
    if (isNum(v)) t.add(v);
  }
  return t.value;
};
/** The number of values that are not blank. */
const countFilled = (list: Value[]) => {
  let n = 0;
  for (let i = 0; i < list.length; i++) if (list[i] !== null) n++;
  return n;
};
/** The number of values `same` as `to`. */
const countSame = (list: Value[], to: Value) => {
  let n = 0;
  for (let i = 0; i < list.length; i++) if (same(list[i]!, to)) n++;
  return n;
};
/** The smallest (`sign` -1) or largest (1) number among the values, blank when there is none. */
const extreme = (list: Value[], sign: number): Num | null => {
  let m: Num | null = null;
  for (let i = 0; i < list.length; i++) {
    const v = list[i]!;
    if (isNum(v) && (m === null || compareNum(v, m) === sign)) m = v;
  }
  return m;
};
export const truthy = (v: Value): boolean => (typeof v === 'boolean' ? v : typeof v === 'number' ? v !== 0 : typeof v === 'bigint' ? true : typeof v === 'string' ? v !== '' : Array.isArray(v) ? v.length > 0 : v !== null);
/** a = b as a spreadsheet compares: numbers (TRUE as 1) by value, dates by day, a blank equal to empty text, anything else as itself. */
export const same = (a: Value, b: Value): boolean => {
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  if (isNum(a) || isNum(b)) {
    const x = num(a);
    const y = num(b);
    // Numbers are normalised (decimal.ts): equal values are the same number or the same BigInt.
    return x !== null && x === y;
  }
  if (a instanceof Day || b instanceof Day) return day(a)?.n === day(b)?.n && day(a) !== null;
  return (a ?? '') === (b ?? '');
};
/** A list the functions that pick rows read: the list; no rows for a blank (a list nothing has been appended to yet); #VALUE! for a single value. */
const listArg = (v: Value): Value[] | FormulaError => (Array.isArray(v) ? v : v === null ? [] : NOT_LIST);
/** The list read as `listArg` reads it, charged to the budget, and of the length `like` has when given (the columns of one list), else #VALUE!. */
function column(v: Value, env: FormulaEnv, like?: Value[]): Value[] | FormulaError {
  const list = listArg(v);
  if (list instanceof FormulaError) return list;
  if (like && list.length !== like.length) return UNEVEN_LISTS;
  env.tick(list.length);
  return list;
}
/** An entry counted by a FILTER condition: TRUE, or a number other than 0. */
const kept = (v: Value | undefined) => v === true || (v !== undefined && isNum(v) && v !== 0);
/**
 * The *IFS functions' rows: the list at args[0] when `lead` (the values summed, or the largest
 * taken), and the places of the rows where every list from args[from] on (two by two, a list then
 * its value) is `same` as its value.
 */
function rowsWhere(args: Value[], from: number, lead: boolean, env: FormulaEnv): { values: Value[]; rows: number[] } | FormulaError {
  let first: Value[] | undefined;
  if (lead) {
    const values = column(args[0]!, env);
    if (values instanceof FormulaError) return values;
    first = values;
  }
  const ranges: Value[][] = [];
  for (let i = from; i < args.length; i += 2) {
    const range = column(args[i]!, env, first);
    if (range instanceof FormulaError) return range;
    first ??= range;
    ranges.push(range);
  }
  const rows: number[] = [];
  for (let j = 0; j < (first?.length ?? 0); j++) {
    let all = true;
    for (let k = 0; k < ranges.length && all; k++) all = same(ranges[k]![j]!, args[from + 2 * k + 1] ?? null);
    if (all) rows.push(j);
  }
  return { values: lead ? first! : [], rows };
}
/** The values of the first list at the rows `rowsWhere` picked. */
const picked = (m: { values: Value[]; rows: number[] }) => m.rows.map((j) => m.values[j]!);
/** COUNTIFS takes its lists and values in pairs; SUMIFS, MAXIFS and MINIFS one list first, then pairs. */
const pairs = (lead: boolean) => (n: number) => ((n - (lead ? 1 : 0)) % 2 === 0 ? undefined : lead ? '参数应为：要计算的列表，然后成对的「列表, 值」' : '参数应成对给出：「列表, 值」，可以有几对');
/** SUMIFS, MAXIFS, MINIFS: the list computed (numbers) first, then pairs of a list and the value its rows must have. */
const ifsArg = (i: number): FormulaType => (i === 0 || i % 2 === 1 ? 'list' : 'any');
const ifsList = (i: number) => i === 0 || i % 2 === 1;

const todayOf = (env: FormulaEnv) => Day.parse(localDate(env.now, env.calendar))!;
const dayMs = (d: Day, calendar: Calendar) => d.n * 86_400_000 - calendar.timeZoneOffsetMinutes * 60_000 + 9 * 3_600_000;

const all = (): FormulaType => 'any';
const nums = (): FormulaType => 'list';
const number = (): FormulaType => 'number';
const many = 255;
/** What FIRST and LAST give: an item of the list (or the single value). */
const itemOf = (t: Typed[]): Typed => (t[0]?.type === 'list' ? { type: t[0].item ?? 'any' } : { type: t[0]?.type ?? 'any' });
/** IF and IFERROR: the type both branches share, else any. */
const either = (a: Typed | undefined, b: Typed | undefined): Typed => (!b || (a && a.type === b.type && a.item === b.item) ? (a ?? { type: 'any' }) : { type: 'any' });

/** Every function a formula may call, by name. */
export const formulaFunctions: Record<string, FormulaFunction> = Object.assign(Object.create(null) as Record<string, FormulaFunction>, {
  SUM: { summary: '求和：数值和列表（如一张表的一列）中所有数字之和，空白不计', example: 'SUM(entries.amount)', min: 1, max: many, arg: nums, items: number, returns: 'number', run: (a, e) => sumOf(flat(a, e)) },
  COUNT: { summary: '计数：列表中不为空的项数', example: 'COUNT(visits)', min: 1, max: many, arg: nums, returns: 'number', run: (a, e) => whole(countFilled(flat(a, e))) },
  COUNTIF: { summary: '条件计数：列表中等于给定值的项数', example: 'COUNTIF(visits.willing, TRUE)', min: 2, max: 2, arg: (i) => (i === 0 ? 'list' : 'any'), returns: 'number', run: (a, e) => whole(countSame(flat([a[0]!], e), a[1]!)) },
  SUMIF: { summary: '条件求和：第一个列表中等于给定值的那些行，把第三个列表对应行相加', example: 'SUMIF(entries.kind, "存入", entries.amount)', min: 3, max: 3, arg: (i) => (i === 1 ? 'any' : 'list'), items: (i) => (i === 2 ? 'number' : 'any'), returns: 'number', run: (a, e) => {
    const keys = flat([a[0]!], e);
    const vals = flat([a[2]!], e);
    const t = new Total();
    for (let i = 0; i < keys.length; i++) {
      const v = vals[i];
      if (isNum(v) && same(keys[i]!, a[1]!)) t.add(v);
    }
    return t.value;
  } },
  AVERAGE: { summary: '平均值，空白不计（没有数字时为 #DIV/0!）', example: 'AVERAGE(scores.points)', min: 1, max: many, arg: nums, items: number, returns: 'number', run: (a, e) => {
    const list = flat(a, e);
    const sum = sumOf(list);
    return sum instanceof FormulaError ? sum : divide(sum, whole(list.filter(isNum).length));
  } },
  MIN: { summary: '最小值，空白不计（没有数字时为空）', example: 'MIN(a, b)', min: 1, max: many, arg: nums, items: number, returns: 'number', run: (a, e) => extreme(flat(a, e), -1) },
  MAX: { summary: '最大值，空白不计（没有数字时为空）', example: 'MAX(a, b)', min: 1, max: many, arg: nums, items: number, returns: 'number', run: (a, e) => extreme(flat(a, e), 1) },
  ROUND: { summary: '四舍五入到指定的小数位数（默认取整）', example: 'ROUND(total / 3, 2)', min: 1, max: 2, arg: number, returns: 'number', run: (a) => {
    const d = numberOr(a[0]!);
    const digits = a[1] === undefined ? ZERO : numberOr(a[1]);
    return d instanceof FormulaError ? d : digits instanceof FormulaError ? digits : roundTo(d, toJson(digits));
  } },
  ABS: { summary: '绝对值', example: 'ABS(balance)', min: 1, max: 1, arg: number, returns: 'number', run: (a) => {
    const d = numberOr(a[0]!);
    return d instanceof FormulaError ? d : abs(d);
  } },
  IF: { summary: '条件取值：条件成立取第二项，否则取第三项（没有第三项时为空）', example: 'IF(score >= 90, "优秀", "合格")', min: 2, max: 3, arg: (i) => (i === 0 ? 'boolean' : 'any'), lazy: true, returns: (t) => either(t[1], t[2]), run: () => null },
  IFERROR: { summary: '出错时取值：第一项是错误值（如 #DIV/0! 除数为零）时取第二项，否则取第一项', example: 'IFERROR(plan.total / plan.people, 0)', min: 2, max: 2, arg: all, takesErrors: true, returns: (t) => either(t[0], t[1]), run: (a) => (a[0] instanceof FormulaError ? a[1]! : a[0]!) },
  ISERROR: { summary: '是否为错误值（#DIV/0!、#NUM!、#VALUE!）', example: 'ISERROR(plan.total / plan.people)', min: 1, max: 1, arg: all, takesErrors: true, returns: 'boolean', run: (a) => a[0] instanceof FormulaError },
  AND: { summary: '并且：所有条件都成立', example: 'AND(a > 0, b > 0)', min: 1, max: many, arg: () => 'boolean', returns: 'boolean', run: (a) => a.every(truthy) },
  OR: { summary: '或者：至少一个条件成立', example: 'OR(a > 0, b > 0)', min: 1, max: many, arg: () => 'boolean', returns: 'boolean', run: (a) => a.some(truthy) },
  NOT: { summary: '不成立', example: 'NOT(ISBLANK(note))', min: 1, max: 1, arg: () => 'boolean', returns: 'boolean', run: (a) => !truthy(a[0]!) },
  ISBLANK: { summary: '是否为空（没有填写）', example: 'ISBLANK(register.phone)', min: 1, max: 1, arg: all, takesErrors: true, returns: 'boolean', run: (a) => a[0] === null || a[0] === '' || (Array.isArray(a[0]) && a[0].length === 0) },
  LEN: { summary: '文字的字数', example: 'LEN(register.householder)', min: 1, max: 1, arg: () => 'text', returns: 'number', run: (a) => {
    const t = textOr(a[0]!);
    return t instanceof FormulaError ? t : whole([...t].length);
  } },
  CONCAT: { summary: '把几段文字连起来（也可用 &）', example: 'CONCAT(register.householder, "户")', min: 1, max: many, arg: all, returns: 'text', run: (a) => {
    const parts = a.map(textOr);
    return parts.find((p) => p instanceof FormulaError) ?? joinText(parts as string[]);
  } },
  FIRST: { summary: '列表的第一项（如第一次走访）', example: 'FIRST(visits.date)', min: 1, max: 1, arg: () => 'list', returns: itemOf, run: (a) => (Array.isArray(a[0]) ? (a[0][0] ?? null) : a[0]!) },
  LAST: { summary: '列表的最后一项（如最近一次走访）', example: 'LAST(followUps.income)', min: 1, max: 1, arg: () => 'list', returns: itemOf, run: (a) => (Array.isArray(a[0]) ? (a[0].at(-1) ?? null) : a[0]!) },
  COUNTIFS: { summary: '多条件计数：同一张表中各列都等于给定值的行数（列表和值成对给出）', example: 'COUNTIFS(entries.kind, "志愿服务", entries._by, "张会计")', min: 2, max: many, arity: pairs(false), arg: (i) => (i % 2 === 0 ? 'list' : 'any'), lists: (i) => i % 2 === 0, returns: 'number', run: (a, e) => {
    const m = rowsWhere(a, 0, false, e);
    return m instanceof FormulaError ? m : whole(m.rows.length);
  } },
  SUMIFS: { summary: '多条件求和：同一张表中各列都等于给定值的那些行，把第一个列表对应行相加', example: 'SUMIFS(entries.points, entries.kind, "志愿服务", entries._by, "张会计")', min: 3, max: many, arity: pairs(true), arg: ifsArg, items: (i) => (i === 0 ? 'number' : 'any'), lists: ifsList, returns: 'number', run: (a, e) => {
    const m = rowsWhere(a, 1, true, e);
    return m instanceof FormulaError ? m : sumOf(picked(m));
  } },
  MAXIFS: { summary: '多条件最大值：同一张表中各列都等于给定值的那些行里，第一个列表的最大数（没有时为空）', example: 'MAXIFS(entries.points, entries.kind, "志愿服务")', min: 3, max: many, arity: pairs(true), arg: ifsArg, items: (i) => (i === 0 ? 'number' : 'any'), lists: ifsList, returns: 'number', run: (a, e) => {
    const m = rowsWhere(a, 1, true, e);
    return m instanceof FormulaError ? m : extreme(picked(m), 1);
  } },
  MINIFS: { summary: '多条件最小值：同一张表中各列都等于给定值的那些行里，第一个列表的最小数（没有时为空）', example: 'MINIFS(entries.points, entries.kind, "志愿服务")', min: 3, max: many, arity: pairs(true), arg: ifsArg, items: (i) => (i === 0 ? 'number' : 'any'), lists: ifsList, returns: 'number', run: (a, e) => {
    const m = rowsWhere(a, 1, true, e);
    return m instanceof FormulaError ? m : extreme(picked(m), -1);
  } },
  INDEX: { summary: '列表的第 n 项（从 1 数起；没有这一项时为 #REF!）', example: 'INDEX(entries.points, 2)', min: 2, max: 2, arg: (i) => (i === 0 ? 'list' : 'number'), lists: (i) => i === 0, returns: itemOf, run: (a, e) => {
    const list = column(a[0]!, e);
    const n = numberOr(a[1]!);
    if (list instanceof FormulaError) return list;
    if (n instanceof FormulaError) return n;
    const i = toJson(n);
    return Number.isInteger(i) && i >= 1 && i <= list.length ? list[i - 1]! : NO_ROW;
  } },
  XLOOKUP: { summary: '查找：在第二个列表中找到等于第一项的那一行，取第三个列表同一行的值（找不到时取第四项，没有第四项为 #N/A）', example: 'XLOOKUP(returned.row, entries._id, entries.points)', min: 3, max: 4, arg: (i) => (i === 1 || i === 2 ? 'list' : 'any'), lists: (i) => i === 1 || i === 2, returns: (t) => either(itemOf([t[2] ?? { type: 'any' }]), t[3]), run: (a, e) => {
    const keys = column(a[1]!, e);
    if (keys instanceof FormulaError) return keys;
    const values = column(a[2]!, e, keys);
    if (values instanceof FormulaError) return values;
    for (let j = 0; j < keys.length; j++) if (same(keys[j]!, a[0]!)) return values[j]!;
    return a.length > 3 ? a[3]! : NOT_FOUND;
  } },
  FILTER: { summary: '筛选：第一个列表中，后面各个条件列表同一行都成立的那些项（如 FILTER(entries.points, entries.kind = "志愿服务")）', example: 'SUM(FILTER(entries.points, entries._at >= DATE(2026, 1, 1)))', min: 2, max: many, arg: () => 'list', items: (i) => (i === 0 ? 'any' : 'boolean'), lists: () => true, returns: (t) => ({ type: 'list', ...(t[0]?.type === 'list' && t[0].item ? { item: t[0].item } : {}) }), run: (a, e) => {
    const values = column(a[0]!, e);
    if (values instanceof FormulaError) return values;
    const conditions: Value[][] = [];
    for (let i = 1; i < a.length; i++) {
      const c = column(a[i]!, e, values);
      if (c instanceof FormulaError) return c;
      conditions.push(c);
    }
    return values.filter((_v, j) => conditions.every((c) => kept(c[j])));
  } },
  TODAY: { summary: '今天（北京时间；办理这一步的时间，不是电脑时钟）', example: 'TODAY()', min: 0, max: 0, arg: all, returns: 'date', run: (_a, e) => todayOf(e) },
  DATE: { summary: '由年、月、日得到日期', example: 'DATE(YEAR(TODAY()), 12, 31)', min: 3, max: 3, arg: number, returns: 'date', run: (a) => {
    const parts = a.map(numberOr);
    const bad = parts.find((p) => p instanceof FormulaError);
    if (bad) return bad;
    const [y, m, d] = (parts as Num[]).map(truncated);
    const ms = Date.UTC(y!, m! - 1, d!);
    return Number.isFinite(ms) ? dayOrError(Math.floor(ms / 86_400_000)) : dayOrError(Infinity);
  } },
  YEAR: { summary: '日期的年份', example: 'YEAR(TODAY())', min: 1, max: 1, arg: () => 'date', returns: 'number', run: (a) => { const d = dayArg(a[0]!); return d instanceof Day ? whole(new Date(d.n * 86_400_000).getUTCFullYear()) : d; } },
  MONTH: { summary: '日期的月份', example: 'MONTH(plan.paidOn)', min: 1, max: 1, arg: () => 'date', returns: 'number', run: (a) => { const d = dayArg(a[0]!); return d instanceof Day ? whole(new Date(d.n * 86_400_000).getUTCMonth() + 1) : d; } },
  DAY: { summary: '日期是几号', example: 'DAY(plan.paidOn)', min: 1, max: 1, arg: () => 'date', returns: 'number', run: (a) => { const d = dayArg(a[0]!); return d instanceof Day ? whole(new Date(d.n * 86_400_000).getUTCDate()) : d; } },
  DAYS: { summary: '两个日期相差的天数（前减后）', example: 'DAYS(TODAY(), loan.issuedOn)', min: 2, max: 2, arg: () => 'date', returns: 'number', run: (a) => {
    const x = dayArg(a[0]!);
    const y = dayArg(a[1]!);
    return x instanceof Day && y instanceof Day ? whole(x.n - y.n) : x instanceof Day ? y : x;
  } },
  WORKDAY: { summary: '某日期之后第 n 个工作日（按本县节假日日历，含调休）', example: 'WORKDAY(register.signedOn, 5)', workingDays: true, min: 2, max: 2, arg: (i) => (i === 0 ? 'date' : 'number'), returns: 'date', run: (a, e) => {
    const d = dayArg(a[0]!);
    const n = numberOr(a[1]!);
    if (!(d instanceof Day)) return d;
    if (n instanceof FormulaError) return n;
    const days = Math.max(0, Math.min(3650, truncated(n)));
    return Day.parse(localDate(addDuration(dayMs(d, e.calendar), { years: 0, months: 0, weeks: 0, days, hours: 0, minutes: 0, seconds: 0 }, e.calendar, true), e.calendar));
  } },
} satisfies Record<string, FormulaFunction>);
