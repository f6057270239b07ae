/** Conditions built from form fields (never typed as code), stored as the catalogue's `matches` guard. */
import type { CatalogueRef, Definition } from '../../../../engine/index';
import { findGuard } from '../../../../engine/index';
import { walkMachine, walkTransitions } from '../../../../engine/index';
import type { Json } from '../form/fieldKinds';
import { readFields } from '../form/formModel';
import { t } from '../../i18n';

export type Op = 'eq' | 'ne' | 'gte' | 'lte' | 'filled' | 'rowsAtLeast';

export const OPS: Record<Op, string> = { eq: t('conditions.equals'), ne: t('conditions.doesNotEqual'), gte: t('conditions.atLeast'), lte: t('conditions.atMost'), filled: t('conditions.isFilledIn'), rowsAtLeast: t('conditions.hasAtLeastRows') };

/** A condition as the panel shows it: a field of a form (case data) or of this submission, an operator and a value. */
export interface SimpleCondition {
  on: 'data' | 'event';
  form: string;
  field: string;
  op: Op;
  value?: string | number | boolean;
}

export interface FieldChoice { on: 'data' | 'event'; form: string; field: string; label: string; kind: string; options?: string[] }

/** Every field a condition may test: each form's fields as saved in the case, and the fields of what this event submits. */
export function conditionFields(d: Definition, eventForm?: string): FieldChoice[] {
  const out: FieldChoice[] = [];
  if (eventForm && d.forms[eventForm]) {
    for (const f of readFields(d.forms[eventForm]!.schema as Json)) out.push({ on: 'event', form: eventForm, field: f.key, label: t('conditions.thisSubmission', { field: f.title || f.key }), kind: f.kind, options: f.options });
  }
  for (const [id, form] of Object.entries(d.forms)) {
    for (const f of readFields(form.schema as Json)) out.push({ on: 'data', form: id, field: f.key, label: `${form.title} › ${f.title || f.key}`, kind: f.kind, options: f.options });
  }
  return out;
}

function test(c: SimpleCondition): Json {
  switch (c.op) {
    case 'eq': return { const: c.value };
    case 'ne': return { not: { const: c.value } };
    case 'gte': return { minimum: Number(c.value) };
    case 'lte': return { maximum: Number(c.value) };
    case 'rowsAtLeast': return { minItems: Number(c.value) };
    default: return {};
  }
}

/** The guard for a simple condition. */
export function toGuard(c: SimpleCondition): CatalogueRef {
  const inner = { properties: { [c.field]: test(c) }, required: [c.field] };
  const schema = c.on === 'event' ? inner : { properties: { [c.form]: inner }, required: [c.form] };
  return { type: 'matches', params: c.on === 'event' ? { schema, on: 'event' } : { schema } };
}

const only = (o: unknown): [string, Json] | undefined => {
  if (!o || typeof o !== 'object') return undefined;
  const entries = Object.entries((o as Json).properties ?? {});
  return entries.length === 1 ? (entries[0] as [string, Json]) : undefined;
};

/** Reads a guard back as a simple condition when it has the shape toGuard writes. */
export function fromGuard(g: CatalogueRef | undefined, eventForm?: string): SimpleCondition | undefined {
  if (!g || typeof g === 'string' || g.type !== 'matches') return undefined;
  const params = g.params as { schema?: Json; on?: string } | undefined;
  const on = params?.on === 'event' ? 'event' : 'data';
  let inner: Json | undefined = params?.schema;
  let form = eventForm ?? '';
  if (on === 'data') {
    const outer = only(inner);
    if (!outer) return undefined;
    [form, inner] = outer;
  }
  const field = only(inner);
  if (!field) return undefined;
  const [key, t] = field;
  const n = (x: unknown) => x as number;
  if ('const' in t) return { on, form, field: key, op: 'eq', value: t.const as string };
  if (t.not && typeof t.not === 'object' && 'const' in (t.not as Json)) return { on, form, field: key, op: 'ne', value: (t.not as Json).const as string };
  if ('minimum' in t) return { on, form, field: key, op: 'gte', value: n(t.minimum) };
  if ('maximum' in t) return { on, form, field: key, op: 'lte', value: n(t.maximum) };
  if ('minItems' in t) return { on, form, field: key, op: 'rowsAtLeast', value: n(t.minItems) };
  if (Object.keys(t).length === 0) return { on, form, field: key, op: 'filled' };
  return undefined;
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
