/**
 * Computed form fields: a field whose schema carries `"formula": "…"` is filled by the formula
 * over the form's own fields (a field inside a table row over that row's fields), live in the
 * cadre's form and again on the server, which never trusts a submitted value for it: what was
 * sent for a computed field is dropped before any formula reads it.
 */
import { BudgetExceeded } from '../budget';
import { type Compiled, compileFormula } from './compileFormula';
import { FormulaFault } from './fault';
import type { FormulaEnv } from './functions';
import { fieldsOf, FormulaSyntaxError, type Node } from './syntax';
import { parseFormulaCached } from './cache';
import { FormulaError, toData } from './values';

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const computedIn = new WeakMap<Schema, boolean>();
/** True when the schema has a computed field anywhere (remembered per schema object). */
export function hasComputedFields(schema: unknown): boolean {
  if (!isSchema(schema)) return false;
  let has = computedIn.get(schema);
  if (has === undefined) {
    has = typeof schema.formula === 'string' || (isSchema(schema.properties) && Object.values(schema.properties).some(hasComputedFields)) || hasComputedFields(schema.items);
    computedIn.set(schema, has);
  }
  return has;
}

/** One part of a form as applyComputedFields walks it, worked out once per schema object. */
interface ComputePlan {
  /** Properties (no formula of their own) with computed fields inside. */
  nested: [string, Schema][];
  /** Properties computed by a formula (null: the formula does not parse, so the field is dropped), each after the computed fields it reads. */
  formulas: [string, Compiled | null][];
}

/** Computed fields in an order where each comes after the computed fields beside it that its formula reads (a cycle keeps the written order). */
function readsFirst(formulas: [string, Node | null][]): [string, Node | null][] {
  const byKey = new Map(formulas);
  const out: [string, Node | null][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (key: string) => {
    if (state.has(key)) return;
    state.set(key, 'visiting');
    const node = byKey.get(key);
    for (const { path } of node ? fieldsOf(node) : []) {
      const head = path.split('.')[0]!;
      if (head !== key && byKey.has(head)) visit(head);
    }
    state.set(key, 'done');
    out.push([key, node ?? null]);
  };
  for (const [key] of formulas) visit(key);
  return out;
}
const plans = new WeakMap<Schema, ComputePlan>();
function planOf(schema: Schema, properties: Schema): ComputePlan {
  let plan = plans.get(schema);
  if (!plan) {
    plan = { nested: [], formulas: [] };
    const parsed: [string, Node | null][] = [];
    for (const [key, sub] of Object.entries(properties)) {
      if (!isSchema(sub)) continue;
      if (typeof sub.formula === 'string') {
        const node = parseFormulaCached(sub.formula);
        parsed.push([key, node instanceof FormulaSyntaxError ? null : node]);
      } else if (hasComputedFields(sub)) plan.nested.push([key, sub]);
    }
    plan.formulas = readsFirst(parsed).map(([key, node]) => [key, node && compileFormula(node)]);
    plans.set(schema, plan);
  }
  return plan;
}

/** A computed field whose formula went over the engine's budget (too long a text, too many steps): the field, as a JSON pointer into the form's data, and the overrun. */
export class ComputedFieldOverrun extends Error {
  constructor(readonly pointer: string, readonly over: BudgetExceeded) {
    super(`computed field ${pointer}: ${over.message}`);
    this.name = 'ComputedFieldOverrun';
  }
}

/**
 * The form data with every computed field (re)computed: rows first, then the fields that may sum them.
 * A formula giving an error value (#DIV/0!, #NUM!, #VALUE!) leaves its field blank, and the first
 * such is returned as `fault` (a FormulaFault with the field's pointer), for the caller to refuse.
 * Throws ComputedFieldOverrun, naming the field, when a formula goes over the budget.
 */
export function computeFormFields(schema: unknown, data: unknown, env: Omit<FormulaEnv, 'data'>): { data: unknown; fault?: FormulaFault } {
  const faults: FormulaFault[] = [];
  const out = computeIn(schema, data, { ...env, faults }, '');
  return faults.length ? { data: out, fault: faults[0]! } : { data: out };
}

/**
 * The form data with every computed field (re)computed (computeFormFields). Throws the
 * FormulaFault of a formula giving an error value, or, with `blankOnError` (the cadre's form as
 * they type; the server refuses it on submit), leaves that field blank.
 */
export function applyComputedFields(schema: unknown, data: unknown, env: Omit<FormulaEnv, 'data'>, blankOnError = false): unknown {
  const computed = computeFormFields(schema, data, env);
  if (computed.fault && !blankOnError) throw computed.fault;
  return computed.data;
}

type ComputeEnv = Omit<FormulaEnv, 'data'> & { faults: FormulaFault[] };

function computeIn(schema: unknown, data: unknown, env: ComputeEnv, pointer: string): unknown {
  // A part of the form with no computed field is returned as it is (the same object): nothing to compute, nothing copied.
  if (!isSchema(schema) || !hasComputedFields(schema)) return data;
  if (Array.isArray(data) && isSchema(schema.items)) {
    const rows = data.map((row, i) => computeIn(schema.items, row, env, `${pointer}/${i}`));
    return rows.some((row, i) => row !== data[i]) ? rows : data;
  }
  if (!isRecord(data) || !isSchema(schema.properties)) return data;
  const plan = planOf(schema, schema.properties);
  let out: Record<string, unknown> = data;
  // What was sent for a computed field is never read: each is dropped before any formula runs.
  if (plan.formulas.some(([key]) => Object.hasOwn(out, key))) {
    out = { ...out };
    for (const [key] of plan.formulas) delete out[key];
  }
  for (const [key, sub] of plan.nested) {
    if (out[key] !== undefined) {
      const next = computeIn(sub, out[key], env, `${pointer}/${key}`);
      if (next !== out[key]) out = { ...out, [key]: next };
    }
  }
  for (const [key, run] of plan.formulas) {
    let value: unknown = null;
    try {
      if (run !== null) value = toData(run({ ...env, data: out }));
    } catch (e) {
      throw e instanceof BudgetExceeded ? new ComputedFieldOverrun(`${pointer}/${key}`, e) : e;
    }
    if (value instanceof FormulaError) {
      env.faults.push(new FormulaFault(value, '', `${pointer}/${key}`));
      continue;
    }
    if (value !== null && value !== undefined) out = out === data ? { ...out, [key]: value } : Object.assign(out, { [key]: value });
  }
  return out;
}

/** uiSchema entries that show every computed field read-only, to merge over the form's own uiSchema. */
export function computedReadonly(schema: unknown, ui: unknown = {}): Record<string, unknown> {
  const base: Record<string, unknown> = isRecord(ui) ? { ...ui } : {};
  if (!isSchema(schema)) return base;
  if (typeof schema.formula === 'string') return { ...base, 'ui:readonly': true };
  if (isSchema(schema.items)) base.items = computedReadonly(schema.items, base.items);
  if (isSchema(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) if (hasComputedFields(sub)) base[key] = computedReadonly(sub, base[key]);
  }
  return base;
}
