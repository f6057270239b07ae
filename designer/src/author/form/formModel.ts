/**
 * A form as the builder edits it — a list of fields — and back to JSON Schema + uiSchema.
 * Whatever the builder does not manage (patterns, const, …) rides along untouched in `schema` and `ui`.
 */
import { type FieldKind, type Json, KINDS, kindOf, limitKeys } from './fieldKinds';
import { t } from '../../i18n';
import { idFromTitle } from './fieldIds';

export type ConditionValue = string | number | boolean;

export interface Field {
  key: string;
  kind: FieldKind;
  title: string;
  help: string;
  required: boolean;
  min?: number;
  max?: number;
  options?: string[];
  /** Shown only when another field has this value (conditional display). */
  showIf?: { field: string; equals: ConditionValue };
  /** A table's columns. */
  columns?: Field[];
  /** The field's schema and uiSchema as they are, apart from what the properties above manage. */
  schema: Json;
  ui: Json;
}

export interface FormBody {
  title: string;
  schema: Json;
  uiSchema?: Json;
  [k: string]: unknown;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

function readField(key: string, schema: Json, ui: Json, required: boolean): Field {
  const kind = kindOf(schema, ui);
  const limits = limitKeys(kind);
  const field: Field = { key, kind, title: String(schema.title ?? ''), help: String(schema.description ?? ''), required, schema, ui };
  if (limits) {
    if (typeof schema[limits[0]] === 'number') field.min = schema[limits[0]] as number;
    if (typeof schema[limits[1]] === 'number') field.max = schema[limits[1]] as number;
  }
  const enumSource = kind === 'multiChoice' ? (schema.items as Json | undefined) : schema;
  if (KINDS[kind].options && Array.isArray(enumSource?.enum)) field.options = (enumSource.enum as unknown[]).map(String);
  if (kind === 'table') field.columns = readFields(isObject(schema.items) ? schema.items : {}, isObject(ui.items) ? ui.items : {});
  if (kind === 'group') field.columns = readFields(schema, ui);
  return field;
}

/** The fields of an object schema, unconditional ones first, then those shown on a condition. */
export function readFields(schema: Json, uiSchema: Json = {}): Field[] {
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const props = isObject(schema.properties) ? schema.properties : {};
  const fields = Object.entries(props).map(([k, s]) => readField(k, isObject(s) ? s : {}, isObject(uiSchema[k]) ? uiSchema[k] : {}, required.has(k)));
  for (const part of conditionalParts(schema)) {
    const thenReq = new Set(Array.isArray(part.then.required) ? (part.then.required as string[]) : []);
    for (const [k, s] of Object.entries(part.then.properties as Json)) {
      fields.push({ ...readField(k, isObject(s) ? s : {}, isObject(uiSchema[k]) ? uiSchema[k] : {}, thenReq.has(k)), showIf: part.when });
    }
  }
  return fields;
}

interface ConditionalPart { when: { field: string; equals: ConditionValue }; then: Json }

/** `allOf` entries of the one shape the builder writes: if <field> equals <value> then <more fields>. */
function conditionalParts(schema: Json): ConditionalPart[] {
  const out: ConditionalPart[] = [];
  for (const part of Array.isArray(schema.allOf) ? schema.allOf : []) {
    const when = asCondition(part);
    if (when) out.push({ when, then: (part as { then: Json }).then });
  }
  return out;
}

function asCondition(part: unknown): ConditionalPart['when'] | undefined {
  if (!isObject(part) || !isObject(part.if) || !isObject(part.then) || !isObject(part.then.properties) || part.else !== undefined) return undefined;
  const props = part.if.properties;
  if (!isObject(props)) return undefined;
  const [entry, ...more] = Object.entries(props);
  if (!entry || more.length || !isObject(entry[1]) || !('const' in entry[1])) return undefined;
  const equals = entry[1].const;
  return typeof equals === 'string' || typeof equals === 'number' || typeof equals === 'boolean' ? { field: entry[0], equals } : undefined;
}

function setOrDelete(target: Json, key: string, value: unknown): void {
  if (value === undefined || value === '') delete target[key];
  else target[key] = value;
}

/** One field's schema and uiSchema, from its properties over what it carried. */
export function writeField(f: Field): { schema: Json; ui: Json } {
  const schema: Json = { ...f.schema };
  const ui: Json = { ...f.ui };
  setOrDelete(schema, 'title', f.title);
  setOrDelete(schema, 'description', f.help);
  const limits = limitKeys(f.kind);
  if (limits) {
    setOrDelete(schema, limits[0], f.min);
    setOrDelete(schema, limits[1], f.max);
  }
  if (KINDS[f.kind].options) {
    const options = f.options?.length ? f.options : [t('formModel.optionOne')];
    if (f.kind === 'multiChoice') schema.items = { ...(isObject(schema.items) ? schema.items : {}), type: 'string', enum: options };
    else schema.enum = options;
  }
  if (f.kind === 'table') {
    const cols = writeFields(f.columns ?? [], isObject(schema.items) ? schema.items : { type: 'object' });
    schema.items = cols.schema;
    if (Object.keys(cols.uiSchema).length) ui.items = cols.uiSchema;
    else delete ui.items;
  }
  if (f.kind === 'group') {
    const inner = writeFields(f.columns ?? [], schema, ui);
    return { schema: inner.schema, ui: inner.uiSchema };
  }
  return { schema, ui };
}

/** The object schema and uiSchema for a list of fields, keeping the base schema's other keywords. */
export function writeFields(fields: Field[], base: Json = { type: 'object' }, baseUi: Json = {}): { schema: Json; uiSchema: Json } {
  const schema: Json = { ...base, type: 'object' };
  const uiSchema: Json = Object.fromEntries(Object.entries(baseUi).filter(([k]) => k.startsWith('ui:')));
  const properties: Json = {};
  const required: string[] = [];
  const groups = new Map<string, { when: ConditionalPart['when']; properties: Json; required: string[] }>();
  for (const f of fields) {
    const { schema: s, ui } = writeField(f);
    if (Object.keys(ui).length) uiSchema[f.key] = ui;
    if (f.showIf) {
      const id = JSON.stringify(f.showIf);
      const g = groups.get(id) ?? { when: f.showIf, properties: {}, required: [] };
      g.properties[f.key] = s;
      if (f.required) g.required.push(f.key);
      groups.set(id, g);
    } else {
      properties[f.key] = s;
      if (f.required) required.push(f.key);
    }
  }
  schema.properties = properties;
  // Keep the author's own order of `required` when the set is unchanged: a county patch then stays minimal.
  const before = Array.isArray(base.required) ? (base.required as string[]) : [];
  const sameSet = before.length === required.length && required.every((k) => before.includes(k));
  setOrDelete(schema, 'required', required.length ? (sameSet ? before : required) : undefined);
  const otherParts = (Array.isArray(base.allOf) ? base.allOf : []).filter((p) => !asCondition(p));
  const parts = [...otherParts, ...[...groups.values()].map((g) => ({
    if: { properties: { [g.when.field]: { const: g.when.equals } }, required: [g.when.field] },
    then: { properties: g.properties, ...(g.required.length ? { required: g.required } : {}) },
  }))];
  setOrDelete(schema, 'allOf', parts.length ? parts : undefined);
  // rjsf cannot list a field that is not always there; the builder's order is the properties' order.
  if (Array.isArray(uiSchema['ui:order'])) uiSchema['ui:order'] = [...Object.keys(properties), '*'];
  return { schema, uiSchema };
}

/** A new field of a kind, titled with the kind's name and an id read from it (text, amount, idNumber…) not yet used in the form. */
export function newField(kind: FieldKind, taken: string[]): Field {
  const { schema, ui } = KINDS[kind].make();
  return readField(idFromTitle(KINDS[kind].label, kind, taken), { ...schema, title: KINDS[kind].label }, ui, false);
}

/**
 * The field with a new title. Its id follows the title while it is still the id its title gave and no saved data
 * can hold it (`fixed`: the field was saved or published before); an id the author typed, or a saved one, stays.
 */
export function retitle(f: Field, title: string, siblings: Field[], fixed: boolean): Field {
  const taken = siblings.filter((s) => s !== f && s.key !== f.key).map((s) => s.key);
  const follows = !fixed && f.key === idFromTitle(f.title, f.kind, taken);
  return { ...f, title, key: follows ? idFromTitle(title, f.kind, taken) : f.key };
}

/** The field as another kind (a table's column switched from text to money in its row): title, help, id and required kept, the rest the new kind's. */
export function changeKind(f: Field, kind: FieldKind): Field {
  if (kind === f.kind) return f;
  const { schema, ui } = KINDS[kind].make();
  const title = f.title === KINDS[f.kind].label ? KINDS[kind].label : f.title;
  return { ...readField(f.key, { ...schema, title }, ui, f.required), help: f.help };
}

/** The ids saved data may hold for a form: each field's, and `table.column` for a table's columns and a group's fields. */
export function savedIds(form: { schema: unknown; uiSchema?: unknown } | undefined): Set<string> {
  const out = new Set<string>();
  const walk = (fields: Field[], prefix: string) => {
    for (const f of fields) {
      out.add(prefix + f.key);
      if (f.columns) walk(f.columns, `${prefix}${f.key}.`);
    }
  };
  if (form && isObject(form.schema)) walk(readFields(form.schema, isObject(form.uiSchema) ? form.uiSchema : {}), '');
  return out;
}

/** A valid field key made from what the author typed (letters, digits, _). */
export function cleanKey(text: string): string {
  const k = text.replace(/[^A-Za-z0-9_]/g, '');
  return /^[A-Za-z]/.test(k) ? k : `f${k}`;
}
