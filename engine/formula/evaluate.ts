import { asDay, asNumber, asText, divide, Day, Decimal, fromData, joinText, multiply, type Value } from './values';
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

function compare(op: string, a: Value, b: Value): boolean {
  if (op === '=') return same(a, b);
  if (op === '<>') return !same(a, b);
  let d: number;
  const x = asDay(a);
  const y = asDay(b);
  if (x && y) d = x.n - y.n;
  else if (typeof a === 'string' && typeof b === 'string') d = a < b ? -1 : a > b ? 1 : 0;
  else {
    const m = asNumber(a);
    const n = asNumber(b);
    if (!m || !n) return false;
    d = m.units < n.units ? -1 : m.units > n.units ? 1 : 0;
  }
  return op === '<' ? d < 0 : op === '<=' ? d <= 0 : op === '>' ? d > 0 : d >= 0;
}

/** Evaluates a parsed formula. Total: wrong types, a division by zero or a number too large give blank, never an exception (the budget's may: too many steps, too long a text). */
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
      const v = asNumber(evaluate(node.arg, env));
      return v && (node.op === '-' ? new Decimal(-v.units) : v);
    }
    case 'binary': {
      const a = evaluate(node.left, env);
      const b = evaluate(node.right, env);
      if (node.op === '&') return joinText([asText(a), asText(b)]);
      if (COMPARISONS.has(node.op)) return compare(node.op, a, b);
      // Date plus or minus days; date minus date is days.
      const da = asDay(a);
      if (da && (node.op === '+' || node.op === '-')) {
        const db = asDay(b);
        if (db && node.op === '-') return Decimal.of(da.n - db.n);
        const n = asNumber(b);
        return n ? Day.of(da.n + (node.op === '+' ? 1 : -1) * Math.trunc(n.toNumber())) : null;
      }
      const x = asNumber(a);
      const y = asNumber(b);
      if (!x || !y) return null;
      if (node.op === '+') return Decimal.within(x.units + y.units);
      if (node.op === '-') return Decimal.within(x.units - y.units);
      if (node.op === '*') return multiply(x, y);
      return divide(x, y);
    }
    case 'call': {
      const fn = formulaFunctions[node.name];
      if (!fn) return null;
      if (node.name === 'IF') {
        const cond = truthy(evaluate(node.args[0]!, env));
        const pick = cond ? node.args[1] : node.args[2];
        return pick ? evaluate(pick, env) : null;
      }
      return fn.run(node.args.map((a) => evaluate(a, env)), env);
    }
  }
}
