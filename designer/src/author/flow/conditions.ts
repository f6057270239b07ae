/** Conditions built from form fields (never typed as code), stored as the catalogue's `matches` guard. */
import type { CatalogueRef, Definition } from '../../../../engine/index';
import { findGuard, valueKind } from '../../../../engine/index';
import { walkMachine, walkTransitions } from '../../../../engine/index';
import type { Json } from '../form/fieldKinds';
import { type Field, readFields } from '../form/formModel';
import { type MessageKey, t } from '../../i18n';

export type Op = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'between' | 'oneOf' | 'before' | 'after' | 'filled' | 'rowsAtLeast';

export const OPS: Record<Op, string> = {
  eq: t('conditions.equals'), ne: t('conditions.doesNotEqual'), gt: t('conditions.moreThan'), gte: t('conditions.atLeast'), lt: t('conditions.lessThan'),
  lte: t('conditions.atMost'), between: t('conditions.between'), oneOf: t('conditions.oneOf'), before: t('conditions.before'), after: t('conditions.after'),
  filled: t('conditions.isFilledIn'), rowsAtLeast: t('conditions.hasAtLeastRows'),
};

export type Scalar = string | number | boolean;

/**
 * A condition as the panel shows it: a field of a form (case data) or of this submission, an operator and a value
 * (`between`: from `value` to `upTo`, both included; `oneOf`: `values`).
 */
export interface SimpleCondition {
  on: 'data' | 'event';
  form: string;
  field: string;
  op: Op;
  value?: Scalar;
  upTo?: Scalar;
  values?: Scalar[];
  /** Hand-written conditions may leave out `required`: then a missing form or field passes; kept as written. */
  formOptional?: true;
  fieldOptional?: true;
}

/** What a field holds, as a condition compares it: numbers (money too), dates, text, yes/no, rows or choices, or something else. */
export type ValueType = 'number' | 'date' | 'text' | 'boolean' | 'list' | 'other';

export interface FieldChoice { on: 'data' | 'event'; form: string; field: string; label: string; kind: string; type: ValueType; options?: string[] }

function valueTypeOf(f: Field): ValueType {
  if (f.kind === 'table' || f.kind === 'multiChoice' || f.schema.type === 'array') return 'list';
  if (f.schema.type === 'object') return 'other';
  const k = valueKind(f.schema);
  return k === 'money' || k === 'fen' ? 'number' : k === 'datetime' ? 'text' : k;
}

/** Every field a condition may test: each form's fields as saved in the case, and the fields of what this event submits. */
export function conditionFields(d: Definition, eventForm?: string): FieldChoice[] {
  const out: FieldChoice[] = [];
  const choice = (on: 'data' | 'event', form: string, f: Field, label: string): FieldChoice => ({ on, form, field: f.key, label, kind: f.kind, type: valueTypeOf(f), options: f.options });
  if (eventForm && d.forms[eventForm]) {
    for (const f of readFields(d.forms[eventForm]!.schema as Json)) out.push(choice('event', eventForm, f, t('conditions.thisSubmission', { field: f.title || f.key })));
  }
  for (const [id, form] of Object.entries(d.forms)) {
    for (const f of readFields(form.schema as Json)) out.push(choice('data', id, f, `${form.title} › ${f.title || f.key}`));
  }
  return out;
}

/** The comparisons offered for a field, by what it holds: numbers are ordered, dates come before or after, text is one of some. */
export function opsFor(type: ValueType): Op[] {
  switch (type) {
    case 'number': return ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'oneOf', 'filled'];
    case 'date': return ['eq', 'ne', 'before', 'after', 'between', 'filled'];
    case 'text': return ['eq', 'ne', 'oneOf', 'filled'];
    case 'boolean': return ['eq', 'filled'];
    case 'list': return ['rowsAtLeast', 'filled'];
    default: return ['filled'];
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Full-width digits and signs (from a Chinese input method) as ASCII, thousands separators dropped. */
const asciiNumber = (raw: string) => raw.replace(/[\uff10-\uff19\uff0b\uff0d\uff0e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[,\uff0c\s]/g, '');

/** What the author typed, as the field's type: 3000 a number for a number field, a date as YYYY-MM-DD; undefined when it is not one. */
export function typedValue(type: ValueType, raw: string): Scalar | undefined {
  if (type === 'number' || type === 'list') {
    const text = asciiNumber(raw);
    const n = Number(text);
    return text === '' || !Number.isFinite(n) ? undefined : n;
  }
  if (type === 'date') return DATE.test(raw.trim()) ? raw.trim() : undefined;
  if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : undefined;
  return raw;
}

/** A list typed as 「低保户，五保户、特困户」: each item typed as the field's, repeats and blanks dropped. */
export function typedValues(type: ValueType, raw: string): Scalar[] {
  const items = raw.split(/[,\uff0c\u3001;\uff1b\n]/).map((x) => x.trim()).filter((x) => x !== '');
  const typed = items.map((x) => typedValue(type, x)).filter((x): x is Scalar => x !== undefined);
  return [...new Set(typed)];
}

const today = () => new Date().toISOString().slice(0, 10);
const startValue = (c: FieldChoice): Scalar => (c.type === 'boolean' ? true : c.options?.[0] ?? (c.type === 'number' ? 0 : c.type === 'date' ? today() : c.type === 'list' ? 1 : ''));

/** The condition a field starts with when the author picks it: its first comparison and a value of its type. */
export function startCondition(c: FieldChoice): SimpleCondition {
  return withOp({ on: c.on, form: c.form, field: c.field, op: 'filled' }, c, opsFor(c.type)[0]!);
}

/** The same condition with another comparison, keeping what the author typed where it still fits. */
export function withOp(c: SimpleCondition, field: FieldChoice, op: Op): SimpleCondition {
  const { on, form, field: key, formOptional, fieldOptional } = c;
  const base: SimpleCondition = { on, form, field: key, op, ...(formOptional && { formOptional }), ...(fieldOptional && { fieldOptional }) };
  const first = c.value ?? c.values?.[0] ?? startValue(field);
  if (op === 'filled') return base;
  if (op === 'between') return { ...base, value: first, upTo: c.upTo ?? first };
  if (op === 'oneOf') return { ...base, values: c.values ?? [first] };
  return { ...base, value: first };
}

function test(c: SimpleCondition): Json {
  const date = typeof c.value === 'string';
  switch (c.op) {
    case 'eq': return { const: c.value };
    case 'ne': return { not: { const: c.value } };
    case 'gt': return { exclusiveMinimum: Number(c.value) };
    case 'gte': return { minimum: Number(c.value) };
    case 'lt': return { exclusiveMaximum: Number(c.value) };
    case 'lte': return { maximum: Number(c.value) };
    case 'between': return date ? { format: 'date', formatMinimum: c.value, formatMaximum: c.upTo } : { minimum: Number(c.value), maximum: Number(c.upTo) };
    case 'oneOf': return { enum: c.values ?? [] };
    case 'before': return { format: 'date', formatExclusiveMaximum: c.value };
    case 'after': return { format: 'date', formatExclusiveMinimum: c.value };
    case 'rowsAtLeast': return { minItems: Number(c.value) };
    default: return {};
  }
}

/** The guard for a simple condition. */
export function toGuard(c: SimpleCondition): CatalogueRef {
  const inner = { properties: { [c.field]: test(c) }, ...(!c.fieldOptional && { required: [c.field] }) };
  const schema = c.on === 'event' ? inner : { properties: { [c.form]: inner }, ...(!c.formOptional && { required: [c.form] }) };
  return { type: 'matches', params: c.on === 'event' ? { schema, on: 'event' } : { schema } };
}

/** The one property an object schema of toGuard's shape tests (`properties` with one key, that key required or not, nothing else). */
const only = (o: unknown): [string, Json, boolean] | undefined => {
  if (!o || typeof o !== 'object' || Object.keys(o).some((k) => k !== 'properties' && k !== 'required')) return undefined;
  const entries = Object.entries((o as Json).properties ?? {});
  const required = (o as Json).required;
  if (entries.length !== 1) return undefined;
  const [key, sub] = entries[0]!;
  const optional = required === undefined;
  if (!optional && (!Array.isArray(required) || required.length !== 1 || required[0] !== key)) return undefined;
  return sub && typeof sub === 'object' && !Array.isArray(sub) ? [key, sub as Json, optional] : undefined;
};

const isScalar = (x: unknown): x is Scalar => typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
const isNum = (x: unknown): x is number => typeof x === 'number';
const isDate = (x: unknown): x is string => typeof x === 'string' && DATE.test(x);

/** The comparison a field's test makes, when it has exactly one of the shapes `test` writes. */
function readTest(s: Json): Pick<SimpleCondition, 'op' | 'value' | 'upTo' | 'values'> | undefined {
  const not = s.not as Json | undefined;
  switch (Object.keys(s).sort().join(',')) {
    case '': return { op: 'filled' };
    case 'const': return isScalar(s.const) ? { op: 'eq', value: s.const } : undefined;
    case 'not': return not && typeof not === 'object' && Object.keys(not).join() === 'const' && isScalar(not.const) ? { op: 'ne', value: not.const } : undefined;
    case 'exclusiveMinimum': return isNum(s.exclusiveMinimum) ? { op: 'gt', value: s.exclusiveMinimum } : undefined;
    case 'minimum': return isNum(s.minimum) ? { op: 'gte', value: s.minimum } : undefined;
    case 'exclusiveMaximum': return isNum(s.exclusiveMaximum) ? { op: 'lt', value: s.exclusiveMaximum } : undefined;
    case 'maximum': return isNum(s.maximum) ? { op: 'lte', value: s.maximum } : undefined;
    case 'maximum,minimum': return isNum(s.minimum) && isNum(s.maximum) ? { op: 'between', value: s.minimum, upTo: s.maximum } : undefined;
    case 'enum': return Array.isArray(s.enum) && s.enum.length > 0 && s.enum.every(isScalar) ? { op: 'oneOf', values: s.enum } : undefined;
    case 'format,formatExclusiveMaximum': return s.format === 'date' && isDate(s.formatExclusiveMaximum) ? { op: 'before', value: s.formatExclusiveMaximum } : undefined;
    case 'format,formatExclusiveMinimum': return s.format === 'date' && isDate(s.formatExclusiveMinimum) ? { op: 'after', value: s.formatExclusiveMinimum } : undefined;
    case 'format,formatMaximum,formatMinimum':
      return s.format === 'date' && isDate(s.formatMinimum) && isDate(s.formatMaximum) ? { op: 'between', value: s.formatMinimum, upTo: s.formatMaximum } : undefined;
    case 'minItems': return isNum(s.minItems) ? { op: 'rowsAtLeast', value: s.minItems } : undefined;
    default: return undefined;
  }
}

/** Reads a guard back as a simple condition when it has exactly the shape toGuard writes; anything else stays in words and JSON. */
export function fromGuard(g: CatalogueRef | undefined, eventForm?: string): SimpleCondition | undefined {
  if (!g || typeof g === 'string' || g.type !== 'matches') return undefined;
  const params = g.params as { schema?: Json; on?: string } | undefined;
  const on = params?.on === 'event' ? 'event' : 'data';
  let inner: Json | undefined = params?.schema;
  let form = eventForm ?? '';
  let formOptional = false;
  if (on === 'data') {
    const outer = only(inner);
    if (!outer) return undefined;
    [form, inner, formOptional] = outer;
  }
  const field = only(inner);
  const read = field && readTest(field[1]);
  if (!read) return undefined;
  return { on, form, field: field[0], ...read, ...(formOptional && { formOptional: true as const }), ...(field[2] && { fieldOptional: true as const }) };
}

const valueText = (v: unknown) => (v === true ? t('conditions.yes') : v === false ? t('conditions.no') : String(v));

/** The form an event carries: its own, or the step's form for `data: "step"`. */
export function eventFormOf(d: Definition, event: string, stepForm: string | undefined): string | undefined {
  const data = d.events[event]?.data;
  return data === 'step' ? stepForm : data;
}

/** Where forms are saved in the case data: `save` to X (or under the form's id) of the event's form. */
function savedForms(d: Definition): Map<string, string> {
  const out = new Map<string, string>(Object.keys(d.forms).map((f) => [f, f]));
  for (const t of walkTransitions(walkMachine(d))) {
    const form = eventFormOf(d, t.trigger, t.source.node.meta?.form);
    if (!form) continue;
    for (const a of t.actions) {
      const ref = typeof a === 'string' ? { type: a } : a;
      const to = (ref.params as { to?: unknown } | undefined)?.to;
      if ((ref.type === 'save' || ref.type === 'append') && typeof to === 'string' && !to.includes('.')) out.set(to, form);
    }
  }
  return out;
}

/** The title of a data path (form id, then field keys), as the author named them. */
function pathTitle(d: Definition, path: string[], onEvent: boolean, eventForm?: string): string {
  const [first, ...rest] = path;
  const formId = onEvent ? eventForm : savedForms(d).get(first ?? '');
  const form = formId ? d.forms[formId] : undefined;
  const keys = onEvent ? path : rest;
  if (!form) return path.join(' › ');
  let fields = readFields(form.schema as Json);
  const names = onEvent ? [] : [form.title];
  for (const k of keys) {
    const f = fields.find((x) => x.key === k);
    names.push(f?.title || k);
    fields = f?.columns ?? [];
  }
  return names.join(' › ');
}

/** The tests a condition schema makes, in words: 「…」等于 是, 「…」至少 1 项, 「…」已填写. */
function schemaWords(d: Definition, schema: Json, path: string[], onEvent: boolean, eventForm?: string): string[] {
  const out: string[] = [];
  const name = () => t('conditions.quoted', { pathTitle: pathTitle(d, path, onEvent, eventForm) });
  if ('const' in schema) out.push(t('conditions.is', { name: name(), valueText: valueText(schema.const) }));
  if (typeof schema.minimum === 'number') out.push(t('conditions.isAtLeast', { name: name(), minimum: schema.minimum }));
  if (typeof schema.maximum === 'number') out.push(t('conditions.isAtMost', { name: name(), maximum: schema.maximum }));
  if (typeof schema.minItems === 'number') out.push(t('conditions.hasAtLeastItems', { name: name(), minItems: schema.minItems }));
  const not = schema.not as Json | undefined;
  if (not && typeof not === 'object' && Object.keys(not).join() === 'const') out.push(t('conditions.isNot', { name: name(), valueText: valueText(not.const) }));
  if (typeof schema.exclusiveMinimum === 'number') out.push(t('conditions.isMoreThan', { name: name(), value: schema.exclusiveMinimum }));
  if (typeof schema.exclusiveMaximum === 'number') out.push(t('conditions.isLessThan', { name: name(), value: schema.exclusiveMaximum }));
  if (Array.isArray(schema.enum) && schema.enum.length) out.push(t('conditions.isOneOf', { name: name(), values: schema.enum.map(valueText).join(t('conditions.listSeparator')) }));
  const dates: [string, MessageKey][] = [['formatExclusiveMinimum', 'conditions.isAfter'], ['formatMinimum', 'conditions.isOnOrAfter'], ['formatExclusiveMaximum', 'conditions.isBefore'], ['formatMaximum', 'conditions.isOnOrBefore']];
  for (const [kw, key] of dates) if (typeof schema[kw] === 'string') out.push(t(key, { name: name(), value: schema[kw] as string }));
  const props = (schema.properties ?? {}) as Record<string, Json>;
  for (const [k, sub] of Object.entries(props)) out.push(...schemaWords(d, sub, [...path, k], onEvent, eventForm));
  for (const k of Array.isArray(schema.required) ? (schema.required as string[]) : []) {
    if (!props[k] || Object.keys(props[k]!).every((x) => x === 'type')) out.push(t('conditions.isFilledIn2', { pathTitle: pathTitle(d, [...path, k], onEvent, eventForm) }));
  }
  return out;
}

/** A condition in words, for edge labels and the diff. */
export function describeGuard(d: Definition, g: CatalogueRef, eventForm?: string): string {
  const name = typeof g === 'string' ? g : g.type;
  const params = (typeof g === 'string' ? {} : g.params ?? {}) as Json;
  if (name === 'matches' && params.schema && typeof params.schema === 'object') {
    const words = schemaWords(d, params.schema as Json, [], params.on === 'event', eventForm);
    if (words.length) return words.join(t('conditions.and'));
  }
  const list = Array.isArray(params.guards) ? (params.guards as CatalogueRef[]) : [];
  if (name === 'all' && list.length) return list.map((x) => describeGuard(d, x, eventForm)).join(t('conditions.and'));
  if (name === 'any' && list.length) return list.map((x) => describeGuard(d, x, eventForm)).join(t('conditions.or'));
  if (name === 'not' && params.guard) return t('conditions.not', { describeGuard: describeGuard(d, params.guard as CatalogueRef, eventForm) });
  return findGuard(name)?.summary.replace(/^条件：/, '').replace(/。$/, '') ?? name;
}
