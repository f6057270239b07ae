import localizeZh from 'ajv-i18n/localize/zh/index.js';
import { compileForm, createFormAjv } from '../formAjv';
import { fieldsOf, FormulaSyntaxError, parseFormula } from '../formula/index';
import type { Definition } from '../types';
import { type Problem, problem } from './problems';
import { checkFormula, formulaTypeIn } from './dataPaths';
import { ajvCompileMessage, checkSchemaRules, eachSchema, isSchema, type Schema } from './schemaRules';

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

/** A computed field's formula reads the fields beside it (in a table, the fields of its row): type-checked against them. */
function checkComputedFields(schema: Schema, pointer: string, out: Problem[]) {
  if (isSchema(schema.items)) checkComputedFields(schema.items, `${pointer}/items`, out);
  if (!isSchema(schema.properties)) return;
  checkComputedCycle(schema.properties, pointer, out);
  for (const [key, sub] of Object.entries(schema.properties)) {
    if (!isSchema(sub)) continue;
    const at = `${pointer}/properties/${key}`;
    if (sub.formula !== undefined) {
      if (typeof sub.formula !== 'string') out.push(problem('formula-syntax', `${at}/formula`, { at: 1, detail: '公式应写成文字' }));
      else out.push(...checkFormula(sub.formula, `${at}/formula`, (path) => (path.split('.')[0] === key ? undefined : formulaTypeIn(schema, path.split('.'))), formulaTypeIn(sub, [])?.type));
    } else checkComputedFields(sub, at, out);
  }
}

/**
 * Computed fields beside each other that read each other in a circle: none can be computed first, so
 * one would always read the other blank. Reported once per circle, at its first field, naming it.
 */
function checkComputedCycle(props: Schema, pointer: string, out: Problem[]) {
  const reads = new Map<string, string[]>();
  for (const [key, sub] of Object.entries(props)) {
    if (!isSchema(sub) || typeof sub.formula !== 'string') continue;
    const node = parseFormula(sub.formula);
    if (node instanceof FormulaSyntaxError) continue;
    reads.set(key, [...new Set(fieldsOf(node).map((f) => f.path.split('.')[0]!))].filter((k) => k !== key));
  }
  const title = (key: string) => (isSchema(props[key]) && typeof (props[key] as Schema).title === 'string' ? ((props[key] as Schema).title as string) : key);
  const done = new Set<string>();
  const visit = (key: string, path: string[]) => {
    if (path.includes(key)) {
      const circle = [...path.slice(path.indexOf(key)), key];
      out.push(problem('computed-cycle', `${pointer}/properties/${circle[0]}/formula`, { circle: circle.map(title).join(' → ') }));
      return;
    }
    if (done.has(key) || !reads.has(key)) return;
    for (const next of reads.get(key)!) if (reads.has(next)) visit(next, [...path, key]);
    done.add(key);
  };
  for (const key of reads.keys()) visit(key, []);
}

/**
 * `required` naming a field the schema does not define, and a local `$ref` that points nowhere,
 * reported at the keyword itself (ajv would refuse the whole form, naming no place).
 */
function checkFieldReferences(schema: Schema, at: string, out: Problem[]) {
  eachSchema(schema, at, (s, pointer) => {
    if (Array.isArray(s.required) && (isSchema(s.properties) || s.type === 'object')) {
      const names = fieldNames(s);
      s.required.forEach((name, i) => {
        if (typeof name === 'string' && !names.has(name)) out.push(problem('form-required-unknown', `${pointer}/required/${i}`, { field: name }));
      });
    }
    if (typeof s.$ref === 'string' && s.$ref.startsWith('#')) {
      let cur: unknown = schema;
      for (const seg of s.$ref.slice(1).split('/').filter(Boolean)) {
        const key = decodeURIComponent(seg).replace(/~1/g, '/').replace(/~0/g, '~');
        cur = isSchema(cur) && Object.hasOwn(cur, key) ? cur[key] : undefined;
      }
      if (!isSchema(cur)) out.push(problem('form-ref-unknown', `${pointer}/$ref`, { ref: s.$ref }));
    }
  });
}

/** Every field name a schema defines at its level: its properties, also those inside conditional and combined parts. */
function fieldNames(schema: Schema): Set<string> {
  const names = new Set<string>();
  const add = (s: unknown) => {
    if (!isSchema(s)) return;
    if (isSchema(s.properties)) for (const k of Object.keys(s.properties)) names.add(k);
    for (const key of ['then', 'else']) add(s[key]);
    for (const key of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(s[key])) (s[key] as unknown[]).forEach(add);
    if (isSchema(s.dependentSchemas)) Object.values(s.dependentSchemas).forEach(add);
  };
  add(schema);
  return names;
}

/** The sub-schema a uiSchema key describes, wherever the field is defined. */
function fieldSchema(schema: Schema, key: string): Schema | undefined {
  if (isSchema(schema.properties) && isSchema(schema.properties[key])) return schema.properties[key] as Schema;
  for (const part of ['then', 'else', 'allOf', 'anyOf', 'oneOf']) {
    const list = Array.isArray(schema[part]) ? (schema[part] as unknown[]) : [schema[part]];
    for (const sub of list) if (isSchema(sub)) { const hit = fieldSchema(sub, key); if (hit) return hit; }
  }
  return undefined;
}

/** uiSchema entries must name fields that exist (else they silently do nothing), and ui:enumNames must match the options one to one. */
function checkUiFields(schema: Schema, ui: unknown, pointer: string, field: string, out: Problem[]) {
  if (!isSchema(ui)) return;
  const options = Array.isArray(schema.enum) ? schema.enum : isSchema(schema.items) && Array.isArray(schema.items.enum) ? schema.items.enum : undefined;
  const names = ui['ui:enumNames'];
  if (Array.isArray(names) && options && names.length !== options.length) {
    out.push(problem('enum-names-mismatch', `${pointer}/ui:enumNames`, { field, options: options.length, names: names.length, key: 'ui:enumNames' }));
  }
  const open = schema.additionalProperties !== undefined && schema.additionalProperties !== false || schema.patternProperties !== undefined;
  const defined = fieldNames(schema);
  for (const [key, sub] of Object.entries(ui)) {
    if (key.startsWith('ui:')) continue;
    const at = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (key === 'items' && isSchema(schema.items)) {
      checkUiFields(schema.items, sub, at, `${field} 的每一项`, out);
      continue;
    }
    const child = fieldSchema(schema, key);
    if (child) checkUiFields(child, sub, at, typeof child.title === 'string' ? child.title : key, out);
    else if (!open && !defined.has(key)) out.push(problem('ui-field-unknown', at, { field: key }));
  }
}

let metaAjv: ReturnType<typeof createFormAjv> | undefined;

/** The form schema against the JSON Schema meta-schema: each problem at its own place, in Chinese. */
function metaSchemaProblems(schema: Schema, at: string): Problem[] {
  metaAjv ??= createFormAjv();
  if (metaAjv.validateSchema(schema)) return [];
  const errors = (metaAjv.errors ?? []).map((e) => ({ ...e }));
  localizeZh(errors);
  const byPath = new Map<string, string>();
  for (const e of errors) if (!byPath.has(e.instancePath)) byPath.set(e.instancePath, e.message ?? '');
  const paths = [...byPath.keys()];
  return paths.filter((p) => !paths.some((o) => o !== p && o.startsWith(`${p}/`))).map((p) => problem('form-schema-invalid', `${at}${p}`, { detail: `${p.split('/').at(-1) || '表单'} ${byPath.get(p)}` }));
}

/** Checks each form: an object schema that ajv compiles in strict mode, safe regexes, titled fields, a uiSchema that fits. */
/**
 * An object field that lists nothing it holds (`{"type": "object"}` alone): JSON Schema would allow
 * anything in it, but the server keeps only what a form lists, so every submission filling it would
 * be refused. The form must list its properties or describe them (a form with no fields at all is fine).
 */
const isFreeFormObject = (s: Schema) =>
  (s.type === 'object' || (Array.isArray(s.type) && s.type.includes('object'))) &&
  ['properties', 'additionalProperties', 'patternProperties', 'enum', 'const', '$ref', 'allOf', 'anyOf', 'oneOf', 'file'].every((k) => s[k] === undefined);

export function checkForms(def: Definition): Problem[] {
  const out: Problem[] = [];
  for (const [id, form] of Object.entries(def.forms)) {
    const at = `/forms/${id}/schema`;
    const schema = form.schema as Schema;
    if (schema.type !== 'object') out.push(problem('form-not-object', at, { form: id }));
    const before = out.length;
    checkSchemaRules(schema, at, out, { form: true });
    eachSchema(schema, at, (s, pointer, field) => {
      // A sum of money (named in yuan) with no precision may store 0.001 元, which no ledger or bank can pay.
      if (s.formula === undefined && (s.type === 'number' || (Array.isArray(s.type) && s.type.includes('number'))) && s.multipleOf === undefined && /元|金额|款|补贴|分红/.test(field)) out.push(problem('money-precision', pointer, { field }));
      if (pointer !== at && isFreeFormObject(s) && !/\/(if|not|contains|propertyNames)(\/|$)/.test(pointer)) out.push(problem('object-free-form', pointer, { field }));
      // Properties under if / not / contains are tests of other fields' values, not fields a cadre fills.
      // A file field's properties are the stored reference (id, sha256…), not fields a cadre fills.
      if (isSchema(s.properties) && !isSchema(s.file) && !/\/(if|not|contains|propertyNames)(\/|$)/.test(pointer)) {
        for (const [key, prop] of Object.entries(s.properties)) {
          if (isSchema(prop) && typeof prop.title !== 'string' && prop.$ref === undefined) {
            out.push(problem('field-title-missing', `${pointer}/properties/${key}`, { field: key }));
          }
        }
      }
    });
    checkComputedFields(schema, at, out);
    checkFieldReferences(schema, at, out);
    checkUiOrder(schema, form.uiSchema, `/forms/${id}/uiSchema`, out);
    checkUiFields(schema, form.uiSchema, `/forms/${id}/uiSchema`, form.title, out);
    if (out.slice(before).some((p) => p.severity === 'error')) continue;
    const meta = metaSchemaProblems(schema, at);
    if (meta.length) {
      out.push(...meta);
      continue;
    }
    try {
      compileForm(schema);
    } catch (e) {
      const said = ajvCompileMessage((e as Error).message);
      out.push(problem('form-schema-invalid', `${at}${said.at}`, { detail: said.detail }));
    }
  }
  return out;
}
