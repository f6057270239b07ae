/**
 * Formulas compiled to closures: the syntax tree is walked once, when a formula is first used,
 * into nested JavaScript functions — operators chosen, number literals read, data paths split and
 * functions looked up then — so an evaluation only runs them. Each evaluation first charges the
 * formula's size to the budget, and every list it reads is charged row by row before it is read
 * (bulk counts, not a call per value): however large the case data, a formula stays bounded.
 */
import { add, compareNum, divide, fromJson, multiply, negate, parseDecimal, subtract, truncated, type Num, whole } from './decimal';
import { rowLoop } from './columns';
import { type FormulaEnv, formulaFunctions, same, truthy } from './functions';
import type { Node } from './syntax';
import { localDate } from '../duration';
import { rowIdAt } from '../rows';
import { UNEVEN_LISTS } from './errorValues';
import { asDay, asNumber, Day, dayOrError, FormulaError, fromData, joinText, numberOr, textOr, type Value } from './values';

/** A compiled formula: its value on the data in `env` (an error value, never an exception, but the budget's). */
export type Compiled = (env: FormulaEnv) => Value;

/** Compiles a parsed formula. Total: a division by zero, a number too large, a blank or text where a number is needed give an error value (#DIV/0!, #NUM!, #VALUE!). */
export function compileFormula(node: Node): Compiled {
  const size = sizeOf(node);
  const body = build(node);
  return (env) => {
    env.tick(size);
    return body(env);
  };
}

/** The steps one evaluation takes at most, lists aside: every node, every segment of a data path. */
function sizeOf(node: Node): number {
  switch (node.kind) {
    case 'field':
      return node.keys.length;
    case 'unary':
      return 1 + sizeOf(node.arg);
    case 'binary':
      return 1 + sizeOf(node.left) + sizeOf(node.right);
    case 'call':
      return node.args.reduce((n, a) => n + sizeOf(a), 1);
    default:
      return 1;
  }
}

function build(node: Node): Compiled {
  switch (node.kind) {
    case 'number': {
      const n = parseDecimal(node.value);
      return () => n;
    }
    case 'text':
    case 'boolean': {
      const v = node.value;
      return () => v;
    }
    case 'field': {
      if (node.keys[0] === 'submitted') {
        const read = pathReader(node.keys, 1);
        return (env) => read(env.submitted, env);
      }
      const read = pathReader(node.keys, 0);
      return (env) => read(env.data, env);
    }
    case 'unary': {
      const arg = build(node.arg);
      if (node.op === '+') return (env) => numberOr(arg(env));
      return (env) => {
        const v = numberOr(arg(env));
        return v instanceof FormulaError ? v : negate(v);
      };
    }
    case 'binary':
      return (COMPARISONS.has(node.op) ? rowByRow : binary)(build(node.left), build(node.right), OPERATORS[node.op]!);
    case 'call':
      return call(node.name, node.args);
  }
}

/** Keys an object inherits (constructor, toString…): read only when the data has them as its own. */
const inherited = (key: string) => key in Object.prototype;

/**
 * Reads a data path from `keys[from]` on; a path through a list reads the rest of the path in
 * every row, the rows' lists flattened into one (entries.amount is the amount of every entry).
 * Voided rows (rows.ts) are not read. A row's own fields the engine writes read as their kind:
 * `entries._id` the rows' ids (a row kept from before ids, its place), `entries._at` the day each
 * was appended, in the calendar's time zone.
 */
function pathReader(keys: readonly string[], from: number): (root: unknown, env: FormulaEnv) => Value {
  const n = keys.length;
  const guarded = keys.map(inherited);
  const last = keys[n - 1]!;
  const rowField = n - from > 1 && (last === '_id' || last === '_at') ? last : null;
  const read = (root: unknown, at: number, env: FormulaEnv): Value => {
    let cur = root;
    for (let i = at; i < n; i++) {
      if (Array.isArray(cur)) return column(cur, i, env);
      if (cur === null || typeof cur !== 'object') return null;
      const key = keys[i]!;
      if (guarded[i] && !Object.hasOwn(cur, key)) return null;
      cur = (cur as Record<string, unknown>)[key];
    }
    return rowField === '_at' ? dayOfInstant(cur, env) : fromData(cur);
  };
  const lastPlain = !guarded[n - 1] && rowField === null;
  const column = (rows: unknown[], at: number, env: FormulaEnv): Value[] => {
    // Every row, and every segment of the path left to read in it, charged before any is read.
    env.tick(rows.length * (n - at));
    const out: Value[] = [];
    const leaf = at === n - 1 && lastPlain;
    const ids = at === n - 1 && rowField === '_id';
    for (let j = 0; j < rows.length; j++) {
      const row = rows[j];
      if (row !== null && typeof row === 'object' && !Array.isArray(row)) {
        if ((row as Record<string, unknown>)._voidAt !== undefined) continue;
        if (ids) {
          out.push(whole(rowIdAt(row, j)));
          continue;
        }
        // The common column (entries.amount): one plain field of each row, read here.
        if (leaf) {
          const x = (row as Record<string, unknown>)[last];
          if (typeof x === 'number') {
            out.push(fromJson(x));
            continue;
          }
          if (typeof x === 'string') {
            out.push(x);
            continue;
          }
        }
      }
      const v = read(row, at, env);
      if (Array.isArray(v)) for (let k = 0; k < v.length; k++) out.push(v[k]!);
      else out.push(v);
    }
    return out;
  };
  return (root, env) => read(root, from, env);
}

/** The day an instant the engine wrote (a row's `_at`) falls on in the calendar's time zone; blank for anything else. */
function dayOfInstant(v: unknown, env: FormulaEnv): Day | null {
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(ms) ? null : Day.parse(localDate(ms, env.calendar));
}

/** A binary operator applied to two values that are not error values. */
type Operator = (a: Exclude<Value, FormulaError>, b: Exclude<Value, FormulaError>) => Value;

/** a op b: an error value on either side (the left first) is the result. */
function binary(left: Compiled, right: Compiled, op: Operator): Compiled {
  return (env) => {
    const a = left(env);
    if (a instanceof FormulaError) return a;
    const b = right(env);
    return b instanceof FormulaError ? b : op(a, b);
  };
}

const COMPARISONS = new Set(['=', '<>', '<', '<=', '>', '>=']);

/**
 * A comparison, which compares a list row by row (FILTER's conditions): a list with a value, or
 * two lists of one length, give a list of TRUE and FALSE. A row whose comparison errs (a blank
 * compared by size) makes the whole an error value: no list holds an error value.
 */
function rowByRow(left: Compiled, right: Compiled, op: Operator): Compiled {
  return (env) => {
    const a = left(env);
    if (a instanceof FormulaError) return a;
    const b = right(env);
    if (b instanceof FormulaError) return b;
    if (!Array.isArray(a) && !Array.isArray(b)) return op(a, b);
    const n = Array.isArray(a) ? a.length : (b as Value[]).length;
    if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length) return UNEVEN_LISTS;
    env.tick(n);
    const out: Value[] = [];
    for (let i = 0; i < n; i++) {
      const x = Array.isArray(a) ? a[i]! : a;
      const y = Array.isArray(b) ? b[i]! : b;
      const v = x instanceof FormulaError ? x : y instanceof FormulaError ? y : op(x, y);
      if (v instanceof FormulaError) return v;
      out.push(v);
    }
    return out;
  };
}

const BLANK_COMPARED = new FormulaError('#VALUE!', '比较大小的一边是空白（没有填写）');
const UNLIKE_COMPARED = new FormulaError('#VALUE!', '比较大小的两边不是同一类值');

/** a compared with b: two numbers, two dates or two texts (else #VALUE!), as a sign (-1, 0, 1). */
function order(a: Value, b: Value): number | FormulaError {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (a === null || b === null) return BLANK_COMPARED;
  const x = asDay(a);
  const y = asDay(b);
  if (x && y) return x.n < y.n ? -1 : x.n > y.n ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const m = asNumber(a);
  const n = asNumber(b);
  return m === null || n === null ? UNLIKE_COMPARED : compareNum(m, n);
}
const ordered = (holds: (d: number) => boolean): Operator => (a, b) => {
  const d = order(a, b);
  return d instanceof FormulaError ? d : holds(d);
};

/** Two numbers through `f`, or the error value a blank or text where a number is needed gives. */
const numeric = (f: (x: Num, y: Num) => Value): Operator => (a, b) => {
  if (typeof a === 'number' && typeof b === 'number') return f(a, b);
  const x = numberOr(a);
  if (x instanceof FormulaError) return x;
  const y = numberOr(b);
  return y instanceof FormulaError ? y : f(x, y);
};

/** a + b or a - b where a is a date: a date plus or minus whole days, or (a - b) the days between two dates. */
function dateArithmetic(sign: 1 | -1, da: Day, b: Value): Value {
  const db = asDay(b);
  if (db && sign < 0) return whole(da.n - db.n);
  const n = numberOr(b);
  return n instanceof FormulaError ? n : dayOrError(da.n + sign * truncated(n));
}
/** + and -: numbers, or a date and days. */
const plusOrMinus = (sign: 1 | -1): Operator => {
  const onNumbers = numeric(sign > 0 ? add : subtract);
  return (a, b) => {
    if (typeof a !== 'number') {
      const da = asDay(a);
      if (da) return dateArithmetic(sign, da, b);
    }
    return onNumbers(a, b);
  };
};

const OPERATORS: Record<string, Operator> = {
  '+': plusOrMinus(1),
  '-': plusOrMinus(-1),
  '*': numeric(multiply),
  '/': numeric(divide),
  '&': (a, b) => {
    const x = textOr(a);
    const y = textOr(b);
    return x instanceof FormulaError ? x : y instanceof FormulaError ? y : joinText([x, y]);
  },
  '=': (a, b) => same(a, b),
  '<>': (a, b) => !same(a, b),
  '<': ordered((d) => d < 0),
  '<=': ordered((d) => d <= 0),
  '>': ordered((d) => d > 0),
  '>=': ordered((d) => d >= 0),
};

/** A function call: IF evaluates only the branch it takes; any other function gets its arguments' values, an error among them (the first) being the call's value but for the functions that look at errors (IFERROR, ISERROR, ISBLANK). */
function call(name: string, nodes: Node[]): Compiled {
  const fn = formulaFunctions[name];
  if (!fn) return () => null;
  const args = nodes.map(build);
  if (name === 'IF') {
    const [test, yes, no] = args as [Compiled, Compiled | undefined, Compiled | undefined];
    return (env) => {
      const t = test(env);
      if (t instanceof FormulaError) return t;
      const pick = truthy(t) ? yes : no;
      return pick ? pick(env) : null;
    };
  }
  const { run, takesErrors } = fn;
  const n = args.length;
  const general: Compiled = (env) => {
    const values: Value[] = [];
    for (let i = 0; i < n; i++) {
      const v = args[i]!(env);
      if (v instanceof FormulaError && !takesErrors) return v;
      values.push(v);
    }
    return run(values, env);
  };
  // SUM(entries.amount), SUMIF(entries.kind, "存入", entries.amount)…: one loop over the rows (columns.ts).
  return rowLoop(name, nodes, args, general) ?? general;
}
