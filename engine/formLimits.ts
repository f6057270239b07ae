/**
 * Limits every form field has when its author sets none, applied wherever a form is compiled
 * (the engine, the checker, and the browser through designer/src/formValidator.ts): a number beyond ±10^15 — a JSON number past that
 * holds no exact yuan, and one near 1e308 overflows what formulas compute with — and a list
 * (a table of rows, several photos) of more than 1,000 items, so that no submission's checks
 * (uniqueItems compares every pair of rows) cost the server more than a bounded time.
 */
export const FORM_LIMITS = {
  /** The largest magnitude of a number field with no `maximum` / `minimum` of its own. */
  number: 1e15,
  /** The most items a list field with no `maxItems` of its own may hold. */
  maxItems: 1_000,
} as const;

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);
const typesOf = (s: Schema): unknown[] => (Array.isArray(s.type) ? s.type : [s.type]);

/** Parts of a schema that describe the data itself; if / not / contains / propertyNames only test it, and keep their meaning. */
const ONE = ['items', 'additionalProperties', 'then', 'else'] as const;
const MANY = ['prefixItems', 'allOf', 'anyOf', 'oneOf'] as const;
const MAPS = ['properties', '$defs', 'definitions'] as const;

/** A copy of a form schema with FORM_LIMITS added where the author gave none (the author's schema is left as it is). */
export function withFormLimits(schema: unknown): unknown {
  if (!isSchema(schema)) return schema;
  const out: Schema = { ...schema };
  const types = typesOf(schema);
  if (types.includes('number') || types.includes('integer')) {
    if (schema.maximum === undefined && schema.exclusiveMaximum === undefined) out.maximum = FORM_LIMITS.number;
    if (schema.minimum === undefined && schema.exclusiveMinimum === undefined) out.minimum = -FORM_LIMITS.number;
  }
  if (types.includes('array') && schema.maxItems === undefined) out.maxItems = FORM_LIMITS.maxItems;
  for (const key of ONE) if (isSchema(schema[key])) out[key] = withFormLimits(schema[key]);
  for (const key of MANY) if (Array.isArray(schema[key])) out[key] = (schema[key] as unknown[]).map(withFormLimits);
  for (const key of MAPS) {
    if (isSchema(schema[key])) out[key] = Object.fromEntries(Object.entries(schema[key]).map(([k, v]) => [k, withFormLimits(v)]));
  }
  return out;
}
