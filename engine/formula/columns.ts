/**
 * Sums and counts read straight from a list's rows. SUM(entries.amount), COUNT, AVERAGE, MIN,
 * MAX of one column, COUNTIF(entries.kind, "存入") and SUMIF(entries.kind, "存入",
 * entries.amount) over one list compile to one loop over its rows that builds no column. They
 * give exactly what the general reading gives (compileFormula.ts), and are used only where that
 * is plainly so: the list's path crosses no other list, and each row is a record whose field read
 * is not itself a list (a list there would be flattened into the column, shifting SUMIF's rows).
 * Anywhere else the general reading runs. The budget is charged as the general reading charges it.
 */
import type { Compiled } from './compileFormula';
import { compareNum, divide, fromJson, isNum, type Num, Total, whole } from './decimal';
import { type FormulaEnv, same } from './functions';
import type { Node } from './syntax';
import { FormulaError, type Value } from './values';

/** A data path that reads one field of every row of a list (entries.amount): where the list is, and the field. */
interface Column {
  submitted: boolean;
  list: readonly string[];
  field: string;
}

/** The column a field reference reads, when it may be read row by row. */
function columnOf(node: Node | undefined): Column | null {
  if (node?.kind !== 'field') return null;
  const submitted = node.keys[0] === 'submitted';
  const keys = submitted ? node.keys.slice(1) : node.keys;
  if (keys.length < 2 || keys.some((k) => k in Object.prototype)) return null;
  return { submitted, list: keys.slice(0, -1), field: keys.at(-1)! };
}

const sameList = (a: Column, b: Column) => a.submitted === b.submitted && a.list.length === b.list.length && a.list.every((k, i) => k === b.list[i]);

/** The rows of the list at the column's path, when the path reaches a list through records only; null otherwise. */
function rowsOf(column: Column, env: FormulaEnv): readonly unknown[] | null {
  let cur: unknown = column.submitted ? env.submitted : env.data;
  const { list } = column;
  for (let i = 0; i < list.length; i++) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return null;
    cur = (cur as Record<string, unknown>)[list[i]!];
  }
  return Array.isArray(cur) ? cur : null;
}

/** Marks a row the loop cannot read as the general reading would (a list where a record or a field's value should be). */
const ASIDE = Symbol('aside');

/** One row's field as a formula value, as the general reading gives it; ASIDE for a row that is a list or a field holding a list. */
function cell(row: unknown, field: string): Value | typeof ASIDE {
  if (row === null || typeof row !== 'object') return null;
  if (Array.isArray(row)) return ASIDE;
  const x = (row as Record<string, unknown>)[field];
  if (typeof x === 'number') return fromJson(x);
  if (typeof x === 'string') return x;
  if (x === undefined || x === null) return null;
  return Array.isArray(x) ? ASIDE : (x as Value);
}

/** What a one-column aggregate makes of the column's values. */
type Fold = (rows: readonly unknown[], field: string) => Value | typeof ASIDE;

const sumFold: Fold = (rows, field) => {
  const t = new Total();
  for (let i = 0; i < rows.length; i++) {
    const v = cell(rows[i], field);
    if (v === ASIDE) return ASIDE;
    if (isNum(v)) t.add(v);
  }
  return t.value;
};
const countFold: Fold = (rows, field) => {
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = cell(rows[i], field);
    if (v === ASIDE) return ASIDE;
    if (v !== null) n++;
  }
  return whole(n);
};
const averageFold: Fold = (rows, field) => {
  const t = new Total();
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = cell(rows[i], field);
    if (v === ASIDE) return ASIDE;
    if (isNum(v)) {
      t.add(v);
      n++;
    }
  }
  const sum = t.value;
  return sum instanceof FormulaError ? sum : divide(sum, whole(n));
};
const extremeFold = (sign: number): Fold => (rows, field) => {
  let m: Num | null = null;
  for (let i = 0; i < rows.length; i++) {
    const v = cell(rows[i], field);
    if (v === ASIDE) return ASIDE;
    if (isNum(v) && (m === null || compareNum(v, m) === sign)) m = v;
  }
  return m;
};
const FOLDS: Record<string, Fold> = { SUM: sumFold, COUNT: countFold, AVERAGE: averageFold, MIN: extremeFold(-1), MAX: extremeFold(1) };

/**
 * The function call compiled to a loop over one list's rows, or null when it is not one of these
 * shapes. `general` is the call as the general reading compiles it, run whenever the rows are not
 * plain records; `args` are the arguments compiled (for the criterion).
 */
export function rowLoop(name: string, nodes: readonly Node[], args: readonly Compiled[], general: Compiled): Compiled | null {
  const fold = nodes.length === 1 ? FOLDS[name] : undefined;
  const column = columnOf(nodes[0]);
  if (!column) return null;
  if (fold) {
    const { field } = column;
    return (env) => {
      const rows = rowsOf(column, env);
      if (!rows) return general(env);
      // The general reading charges the column's rows, then the same again as the function flattens them.
      env.tick(2 * rows.length);
      const v = fold(rows, field);
      return v === ASIDE ? general(env) : v;
    };
  }
  if (name === 'COUNTIF' && nodes.length === 2) {
    const criterion = args[1]!;
    const { field } = column;
    return (env) => {
      const rows = rowsOf(column, env);
      if (!rows) return general(env);
      env.tick(rows.length);
      const to = criterion(env);
      if (to instanceof FormulaError) return to;
      env.tick(rows.length);
      let n = 0;
      for (let i = 0; i < rows.length; i++) {
        const v = cell(rows[i], field);
        if (v === ASIDE) return general(env);
        if (same(v, to)) n++;
      }
      return whole(n);
    };
  }
  const summed = columnOf(nodes[2]);
  if (name === 'SUMIF' && nodes.length === 3 && summed && sameList(column, summed)) {
    const criterion = args[1]!;
    const keyField = column.field;
    const valueField = summed.field;
    return (env) => {
      const rows = rowsOf(column, env);
      if (!rows) return general(env);
      env.tick(rows.length);
      const to = criterion(env);
      if (to instanceof FormulaError) return to;
      // The second column's rows, then both columns again as SUMIF flattens them.
      env.tick(3 * rows.length);
      const t = new Total();
      for (let i = 0; i < rows.length; i++) {
        const k = cell(rows[i], keyField);
        const v = cell(rows[i], valueField);
        if (k === ASIDE || v === ASIDE) return general(env);
        if (isNum(v) && same(k, to)) t.add(v);
      }
      return t.value;
    };
  }
  return null;
}
