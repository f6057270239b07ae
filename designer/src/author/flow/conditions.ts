/** Conditions built from form fields (never typed as code), stored as the catalogue's `matches` guard. */
import type { CatalogueRef, Definition } from '../../../../engine/types';
import { findGuard } from '../../../../engine/catalogue/index';
import type { Json } from '../form/fieldKinds';
import { readFields } from '../form/formModel';

export type Op = 'eq' | 'ne' | 'gte' | 'lte' | 'filled' | 'rowsAtLeast';

export const OPS: Record<Op, string> = { eq: '等于', ne: '不等于', gte: '大于或等于', lte: '小于或等于', filled: '已填写', rowsAtLeast: '至少几行' };

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
    for (const f of readFields(d.forms[eventForm]!.schema as Json)) out.push({ on: 'event', form: eventForm, field: f.key, label: `本次提交 › ${f.title || f.key}`, kind: f.kind, options: f.options });
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

const valueText = (v: unknown) => (v === true ? '是' : v === false ? '否' : String(v));

/** A condition in words, for edge labels and the diff. */
export function describeGuard(d: Definition, g: CatalogueRef): string {
  const c = fromGuard(g);
  if (c) {
    const form = d.forms[c.form];
    const field = form ? readFields(form.schema as Json).find((f) => f.key === c.field) : undefined;
    const where = c.on === 'event' ? `本次提交的「${field?.title ?? c.field}」` : `「${form?.title ?? c.form} › ${field?.title ?? c.field}」`;
    return c.op === 'filled' ? `${where}已填写` : `${where}${OPS[c.op]} ${valueText(c.value)}`;
  }
  const name = typeof g === 'string' ? g : g.type;
  return findGuard(name)?.summary.replace(/^条件：/, '').replace(/。$/, '') ?? name;
}
