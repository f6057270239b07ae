import { asDay, asNumber, dayOrError, divide, Day, Decimal, FormulaError, fromData, joinText, multiply, numberOr, textOr, type Value } from './values';
import { type FormulaEnv, formulaFunctions, same, truthy } from './functions';
import type { Node } from './syntax';


/** Reads a data path from `keys[from]` on; a path through a list reads that field of every row (entries.amount). */
function readPath(root: unknown, keys: string[], from: number, env: FormulaEnv): Value {
  let cur: unknown = root;
  for (let i = from; i < keys.length; i++) {
    env.tick();
    if (Array.isArray(cur)) {
      // A list: the rest of the path read in every row, the rows' lists flattened into one.
      const out: Value[] = [];
      for (const row of cur) {
        const v = readPath(row, keys, i, env);
        if (Array.isArray(v)) for (const x of v) out.push(x);
        else out.push(v);
      }
      return out;
    }
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, keys[i]!)) return null;
    cur = (cur as Record<string, unknown>)[keys[i]!];
  }
  return fromData(cur);
}

const COMPARISONS = new Set(['=', '<>', '<', '<=', '>', '>=']);
/** Number literals, parsed once per node. */
const literals = new WeakMap<Node, Decimal>();
const BLANK_COMPARED = new FormulaError('#VALUE!', '比较大小的一边是空白（没有填写）');
const UNLIKE_COMPARED = new FormulaError('#VALUE!', '比较大小的两边不是同一类值');

/** a op b: = and <> for any values (blank equals only blank); < <= > >= for two numbers, two dates or two texts, else #VALUE!. */
function compare(op: string, a: Value, b: Value): boolean | FormulaError {
  if (op === '=') return same(a, b);
  if (op === '<>') return !same(a, b);
  if (a === null || b === null) return BLANK_COMPARED;
  let d: number;
  const x = asDay(a);
  const y = asDay(b);
  if (x && y) d = x.n - y.n;
  else if (typeof a === 'string' && typeof b === 'string') d = a < b ? -1 : a > b ? 1 : 0;
  else {
    const m = asNumber(a);
    const n = asNumber(b);
    if (!m || !n) return UNLIKE_COMPARED;
    d = m.units < n.units ? -1 : m.units > n.units ? 1 : 0;
  }
  return op === '<' ? d < 0 : op === '<=' ? d <= 0 : op === '>' ? d > 0 : d >= 0;
}

/** a + b or a - b where a is a date: a date plus or minus whole days, or the days between two dates. */
function dateArithmetic(op: string, da: Day, b: Value): Value {
  const db = asDay(b);
  if (db && op === '-') return Decimal.of(da.n - db.n);
  const n = numberOr(b);
  if (n instanceof FormulaError) return n;
  return dayOrError(da.n + (op === '+' ? 1 : -1) * Math.trunc(n.toNumber()));
}

function arithmetic(op: string, a: Value, b: Value): Value {
  if (op === '&') {
    const x = textOr(a);
    const y = textOr(b);
    return x instanceof FormulaError ? x : y instanceof FormulaError ? y : joinText([x, y]);
  }
  if (COMPARISONS.has(op)) return compare(op, a, b);
  const da = asDay(a);
  if (da && (op === '+' || op === '-')) return dateArithmetic(op, da, b);
  const x = numberOr(a);
  if (x instanceof FormulaError) return x;
  const y = numberOr(b);
  if (y instanceof FormulaError) return y;
  if (op === '+') return Decimal.within(x.units + y.units);
  if (op === '-') return Decimal.within(x.units - y.units);
  if (op === '*') return multiply(x, y);
  return divide(x, y);
}

/**
 * Evaluates a parsed formula. Total: a division by zero, a number too large, a blank or text where
 * a number is needed give an error value (#DIV/0!, #NUM!, #VALUE!), never an exception (the
 * budget's may: too many steps, too long a text).
 */
export function evaluate(node: Node, env: FormulaEnv): Value {
  env.tick();
  switch (node.kind) {
    case 'number': {
      let d = literals.get(node);
      if (!d) literals.set(node, (d = Decimal.parse(node.value)));
      return d;
    }
    case 'text':
      return node.value;
    case 'boolean':
      return node.value;
    case 'field':
      return node.keys[0] === 'submitted' ? readPath(env.submitted, node.keys, 1, env) : readPath(env.data, node.keys, 0, env);
    case 'unary': {
      const v = numberOr(evaluate(node.arg, env));
      return v instanceof FormulaError || node.op === '+' ? v : new Decimal(-v.units);
    }
    case 'binary': {
      const a = evaluate(node.left, env);
      if (a instanceof FormulaError) return a;
      const b = evaluate(node.right, env);
      return b instanceof FormulaError ? b : arithmetic(node.op, a, b);
    }
    case 'call': {
      const fn = formulaFunctions[node.name];
      if (!fn) return null;
      if (node.name === 'IF') {
        const test = evaluate(node.args[0]!, env);
        if (test instanceof FormulaError) return test;
        const pick = truthy(test) ? node.args[1] : node.args[2];
        return pick ? evaluate(pick, env) : null;
      }
      const args: Value[] = [];
      for (const a of node.args) {
        const v = evaluate(a, env);
        // An error in an argument is the call's value, but for the functions that look at errors (IFERROR, ISERROR).
        if (v instanceof FormulaError && !fn.takesErrors) return v;
        args.push(v);
      }
      return fn.run(args, env);
    }
  }
}
