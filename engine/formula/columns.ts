/**
 * Sums and counts read straight from a list's rows. SUM(entries.amount), COUNT, AVERAGE, MIN,
 * MAX of one column, COUNTIF(entries.kind, "存入") and SUMIF(entries.kind, "存入",
 * entries.amount) over one list compile to one loop over its rows that builds no column. They
 * give exactly what the general reading gives (compileFormula.ts), and are used only where that
 * is plainly so: the list's path crosses no other list, and each row is a record whose field read
 * is not itself a list (a list there would be flattened into the column, shifting SUMIF's rows).
 * Voided rows are skipped, as the general reading skips them. Anywhere else the general reading runs. The budget is charged as the general reading charges it.
 */
import type { Compiled } from './compileFormula';
import { compareNum, divide, fromJson, isNum, type Num, Total, whole } from './decimal';
import { type FormulaEnv, same } from './functions';
import type { Node } from './syntax';
import { FormulaError, type Value } from './values';

/**
 * A data path read row by row: one field of every row of a list (entries.amount), or (field null)
 * the rows themselves (COUNT(entries)). `read` is what the general reading charges per row for it.
 */
interface Column {
  submitted: boolean;
  list: readonly string[];
  field: string | null;
  read: number;
}

/** The column a field reference reads, taken as a list's field when the path has one (entries.amount) or else as a list (entries). */
function columnOf(node: Node | undefined, wholeList: boolean): Column | null {
  if (node?.kind !== 'field') return null;
  const submitted = node.keys[0] === 'submitted';
  const keys = submitted ? node.keys.slice(1) : node.keys;
  // A row's own fields the engine writes (_id, _at) are read as the general reading reads them.
  if (!keys.length || keys.some((k) => k in Object.prototype || k.startsWith('_'))) return null;
  if (wholeList) return { submitted, list: keys, field: null, read: 0 };
  return keys.length < 2 ? null : { submitted, list: keys.slice(0, -1), field: keys.at(-1)!, read: 1 };
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

/** A voided row (rows.ts): no formula reads it. */
const voided = (row: unknown) => row !== null && typeof row === 'object' && (row as Record<string, unknown>)._voidAt !== undefined;
/**
 * The voided rows the last loop skipped. The general reading charges a column's every row as it
 * reads it, but flattens only the rows it read: a loop charges the flattening after it has counted them.
 */
let skipped = 0;

/** Marks a row the loop cannot read as the general reading would (a list where a record or a field's value should be). */
const ASIDE = Symbol('aside');

/** A value read from a row as the general reading gives it; ASIDE for a list, which it would flatten. */
function valueOf(x: unknown): Value | typeof ASIDE {
  if (typeof x === 'number') return fromJson(x);
  if (typeof x === 'string') return x;
  if (x === undefined || x === null) return null;
  return Array.isArray(x) ? ASIDE : (x as Value);
}

/** What a one-column loop makes of the values: SUM, COUNT, AVERAGE, MIN, MAX, or COUNTIF (counting those `same` as its criterion). */
type Kind = 'SUM' | 'COUNT' | 'AVERAGE' | 'MIN' | 'MAX' | 'COUNTIF';
const KINDS = new Set<string>(['SUM', 'COUNT', 'AVERAGE', 'MIN', 'MAX']);

/**
 * The loop over one column. The field is read at one place in the code for every kind and
 * formula: V8 keeps a property read fast while it sees few field names, which a separate loop per
 * function would not make fewer (SUMIF's two columns have a loop of their own).
 */
function fold(kind: Kind, rows: readonly unknown[], field: string | null, to: Value): Value | typeof ASIDE {
  const t = new Total();
  let n = 0;
  let m: Num | null = null;
  skipped = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (voided(row)) {
      skipped++;
      continue;
    }
    let x: unknown = row;
    if (field !== null) {
      if (row === null || typeof row !== 'object') x = null;
      else if (Array.isArray(row)) return ASIDE;
      else x = (row as Record<string, unknown>)[field];
    }
    const v = valueOf(x);
    if (v === ASIDE) return ASIDE;
    if (kind === 'COUNT') {
      if (v !== null) n++;
    } else if (kind === 'COUNTIF') {
      if (same(v, to)) n++;
    } else if (isNum(v)) {
      if (kind === 'SUM' || kind === 'AVERAGE') {
        t.add(v);
        n++;
      } else if (m === null || compareNum(v, m) === (kind === 'MIN' ? -1 : 1)) m = v;
    }
  }
  if (kind === 'COUNT' || kind === 'COUNTIF') return whole(n);
  if (kind === 'MIN' || kind === 'MAX') return m;
  const sum = t.value;
  return kind === 'SUM' || sum instanceof FormulaError ? sum : divide(sum, whole(n));
}

/** SUMIF's loop over the rows of one list: the value column summed where the key column is `same` as `to`. */
function sumWhere(rows: readonly unknown[], keyField: string, valueField: string, to: Value): Value | typeof ASIDE {
  const t = new Total();
  skipped = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (voided(row)) {
      skipped++;
      continue;
    }
    // A row that is not a record has neither field: nothing to add.
    if (row === null || typeof row !== 'object') continue;
    if (Array.isArray(row)) return ASIDE;
    const kx = (row as Record<string, unknown>)[keyField];
    const vx = (row as Record<string, unknown>)[valueField];
    if (Array.isArray(kx) || Array.isArray(vx)) return ASIDE;
    // A number to add, in a row whose key is the criterion (texts compared as they are, the common case).
    if (typeof vx !== 'number') continue;
    if (typeof kx === 'string' && typeof to === 'string' ? kx === to : same(valueOf(kx) as Value, to)) {
      const v = fromJson(vx);
      if (v !== null) t.add(v);
    }
  }
  return t.value;
}

/**
 * The function call compiled to a loop over one list's rows, or null when it is not one of these
 * shapes. `general` is the call as the general reading compiles it, run whenever the rows are not
 * plain records; `args` are the arguments compiled (for the criterion).
 */
export function rowLoop(name: string, nodes: readonly Node[], args: readonly Compiled[], general: Compiled): Compiled | null {
  // A path of one key (COUNT(entries)) is the list itself; a longer one, a field of its rows.
  const first = nodes[0]?.kind === 'field' ? nodes[0].keys.length - (nodes[0].keys[0] === 'submitted' ? 1 : 0) : 0;
  const column = columnOf(nodes[0], first === 1);
  if (!column) return null;
  const { field, read } = column;
  if (KINDS.has(name) && nodes.length === 1) {
    const kind = name as Kind;
    return (env) => {
      const rows = rowsOf(column, env);
      if (!rows) return general(env);
      // The general reading charges the column's rows as it reads them, then every row read again as the function flattens them.
      env.tick(read * rows.length);
      const v = fold(kind, rows, field, null);
      if (v === ASIDE) return general(env);
      env.tick(rows.length - skipped);
      return v;
    };
  }
  if (name === 'COUNTIF' && nodes.length === 2) {
    const criterion = args[1]!;
    return (env) => {
      const rows = rowsOf(column, env);
      if (!rows) return general(env);
      env.tick(read * rows.length);
      const to = criterion(env);
      if (to instanceof FormulaError) return to;
      const v = fold('COUNTIF', rows, field, to);
      if (v === ASIDE) return general(env);
      env.tick(rows.length - skipped);
      return v;
    };
  }
  const summed = columnOf(nodes[2], false);
  if (name === 'SUMIF' && nodes.length === 3 && field !== null && summed?.field && sameList(column, summed)) {
    const criterion = args[1]!;
    const valueField = summed.field;
    return (env) => {
      const rows = rowsOf(column, env);
      if (!rows) return general(env);
      env.tick(rows.length);
      const to = criterion(env);
      if (to instanceof FormulaError) return to;
      // The second column's rows, then both columns' rows read again as SUMIF flattens them.
      env.tick(rows.length);
      const v = sumWhere(rows, field, valueField, to);
      if (v === ASIDE) return general(env);
      env.tick(2 * (rows.length - skipped));
      return v;
    };
  }
  return null;
}
