/**
 * Computed form fields: a field whose schema carries `"formula": "…"` is filled by the formula
 * over the form's own fields (a field inside a table row over that row's fields), live in the
 * cadre's form and again on the server, which never trusts a submitted value for it.
 */
import { evaluate } from './evaluate';
import type { FormulaEnv } from './functions';
import { FormulaSyntaxError } from './syntax';
import { parseFormulaCached } from './cache';
import { toData } from './values';

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** True when the schema has a computed field anywhere (checked once per form). */
export function hasComputedFields(schema: unknown): boolean {
  if (!isSchema(schema)) return false;
  if (typeof schema.formula === 'string') return true;
  if (isSchema(schema.properties) && Object.values(schema.properties).some(hasComputedFields)) return true;
  return hasComputedFields(schema.items);
}

/** The form data with every computed field (re)computed: rows first, then the fields that may sum them. */
export function applyComputedFields(schema: unknown, data: unknown, env: Omit<FormulaEnv, 'data'>): unknown {
  if (!isSchema(schema)) return data;
  if (Array.isArray(data) && isSchema(schema.items)) return data.map((row) => applyComputedFields(schema.items, row, env));
  if (!isRecord(data) || !isSchema(schema.properties)) return data;
  let out: Record<string, unknown> = data;
  for (const [key, sub] of Object.entries(schema.properties)) {
    if (!isSchema(sub) || typeof sub.formula === 'string') continue;
    if (out[key] !== undefined && (sub.items !== undefined || sub.properties !== undefined)) {
      const next = applyComputedFields(sub, out[key], env);
      if (next !== out[key]) out = { ...out, [key]: next };
    }
  }
  for (const [key, sub] of Object.entries(schema.properties)) {
    if (!isSchema(sub) || typeof sub.formula !== 'string') continue;
    const node = parseFormulaCached(sub.formula);
    const value = node instanceof FormulaSyntaxError ? null : toData(evaluate(node, { ...env, data: out }));
    if (value === null || value === undefined) {
      if (key in out) {
        const { [key]: _gone, ...rest } = out;
        out = rest;
      }
    } else if (out[key] !== value) out = { ...out, [key]: value };
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
