import safeRegex from 'safe-regex2';
import { compileForm } from '../formAjv';
import type { Definition } from '../types';
import { type Problem, problem } from './problems';

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Calls `visit` on every sub-schema with its JSON pointer. */
function eachSchema(schema: unknown, pointer: string, visit: (s: Schema, pointer: string) => void) {
  if (!isSchema(schema)) return;
  visit(schema, pointer);
  for (const key of ['properties', 'patternProperties', '$defs', 'dependentSchemas']) {
    const group = schema[key];
    if (isSchema(group)) for (const [k, sub] of Object.entries(group)) eachSchema(sub, `${pointer}/${key}/${k}`, visit);
  }
  for (const key of ['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames']) {
    eachSchema(schema[key], `${pointer}/${key}`, visit);
  }
  for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((sub, i) => eachSchema(sub, `${pointer}/${key}/${i}`, visit));
  }
}

function checkPattern(pattern: string, pointer: string, out: Problem[]) {
  try {
    new RegExp(pattern, 'u');
  } catch {
    out.push(problem('pattern-invalid', pointer, { pattern }));
    return;
  }
  if (pattern.length > 500 || !safeRegex(pattern)) out.push(problem('pattern-unsafe', pointer, { pattern }));
}

/** rjsf refuses a ui:order that leaves out a property (without "*") or names one that does not exist. */
function checkUiOrder(schema: Schema, ui: unknown, pointer: string, out: Problem[]) {
  if (!isSchema(ui) || !isSchema(schema.properties)) return;
  const props = Object.keys(schema.properties);
  const order = ui['ui:order'];
  if (Array.isArray(order)) {
    const listed = order.filter((x): x is string => typeof x === 'string');
    const missing = listed.includes('*') ? [] : props.filter((p) => !listed.includes(p));
    const extra = listed.filter((x) => x !== '*' && !props.includes(x));
    if (missing.length || extra.length) out.push(problem('ui-order-incomplete', `${pointer}/ui:order`, { fields: [...missing, ...extra].join('、') }));
  }
  for (const [key, sub] of Object.entries(schema.properties)) {
    if (isSchema(sub)) checkUiOrder(sub, ui[key], `${pointer}/${key}`, out);
  }
}

/** Checks each form: an object schema that ajv compiles in strict mode, safe regexes, titled fields. */
export function checkForms(def: Definition): Problem[] {
  const out: Problem[] = [];
  for (const [id, form] of Object.entries(def.forms)) {
    const at = `/forms/${id}/schema`;
    const schema = form.schema as Schema;
    if (schema.type !== 'object') out.push(problem('form-not-object', at, { form: id }));
    const before = out.length;
    eachSchema(schema, at, (s, pointer) => {
      if (typeof s.pattern === 'string') checkPattern(s.pattern, `${pointer}/pattern`, out);
      if (isSchema(s.patternProperties)) for (const key of Object.keys(s.patternProperties)) checkPattern(key, `${pointer}/patternProperties/${key}`, out);
      // Properties under if / not / contains are tests of other fields' values, not fields a cadre fills.
      if (isSchema(s.properties) && !/\/(if|not|contains|propertyNames)(\/|$)/.test(pointer)) {
        for (const [key, prop] of Object.entries(s.properties)) {
          if (isSchema(prop) && typeof prop.title !== 'string' && prop.$ref === undefined) {
            out.push(problem('field-title-missing', `${pointer}/properties/${key}`, { field: key }));
          }
        }
      }
    });
    checkUiOrder(schema, form.uiSchema, `/forms/${id}/uiSchema`, out);
    if (out.slice(before).some((p) => p.severity === 'error')) continue;
    try {
      compileForm(schema);
    } catch (e) {
      out.push(problem('form-schema-invalid', at, { detail: (e as Error).message }));
    }
  }
  return out;
}
