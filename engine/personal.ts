/**
 * Personal information (个人信息保护法, 等保 2.0): which fields of a definition hold it, and how a
 * value is shown to someone whose step does not need it. A string field is personal when its
 * format says it is a resident ID number (`cn-id-card`) or a phone number (`cn-mobile`,
 * `cn-phone`), or when its author marks it `"personal": true` (on an object or a list, every
 * text inside it); `"personal": false` unmarks a field. The server masks with this; the browser
 * and the checker read the same rules.
 */
import type { CompiledProcess } from './compile';
import { fieldsOf, FormulaSyntaxError, parseFormula } from './formula/index';
import { actionList, pathKey, stepFormOf, walkMachine, walkTransitions } from './stateWalk';
import type { Definition } from './types';

/** How a personal value is masked: an ID number keeps its first 6 and last 4, a phone its first 3 and last 4, anything else its first and last character. */
export type PersonalKind = 'id-card' | 'mobile' | 'other';

/** A personal field of a definition: its data path (`*` for every row of a list), its Chinese name and kind. */
export interface PersonalField {
  path: string;
  title: string;
  kind: PersonalKind;
}

/** A value that was masked in a case's data: where, under which name, and as what it is shown. */
export interface MaskedValue {
  path: string;
  title: string;
  masked: string;
}

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

const FORMAT_KINDS: Record<string, PersonalKind> = { 'cn-id-card': 'id-card', 'cn-mobile': 'mobile', 'cn-phone': 'mobile' };

/** The kind of personal information a field's schema holds (its format, else its author's mark, else what the field around it says); undefined: none. */
export function personalKind(schema: unknown, inherited?: PersonalKind): PersonalKind | undefined {
  if (!isSchema(schema) || schema.personal === false) return undefined;
  const byFormat = typeof schema.format === 'string' && Object.hasOwn(FORMAT_KINDS, schema.format) ? FORMAT_KINDS[schema.format] : undefined;
  return byFormat ?? (schema.personal === true ? 'other' : inherited);
}

/** The first `head` and last `tail` characters kept, stars between. */
function keepEnds(chars: string | string[], head: number, tail: number): string {
  const n = chars.length;
  const stars = '*'.repeat(n - head - tail);
  if (typeof chars === 'string') return chars.slice(0, head) + stars + chars.slice(n - tail);
  return chars.slice(0, head).join('') + stars + chars.slice(n - tail).join('');
}

const SURROGATE = /[\uD800-\uDFFF]/;

/** A value as shown masked: 532326********1234, 138****5678, 李*华. Characters, not UTF-16 units, are kept. */
export function maskPersonal(value: string, kind: PersonalKind): string {
  // Split into characters only when some take two UTF-16 units (rare in an ID number or a name).
  const chars = SURROGATE.test(value) ? Array.from(value) : value;
  if (kind === 'id-card' && chars.length >= 14) return keepEnds(chars, 6, 4);
  if (kind === 'mobile' && chars.length >= 9) return keepEnds(chars, 3, 4);
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return keepEnds(chars, 1, 1);
}

/** A local `$ref` (#/$defs/…) resolved against the form's root schema; anything else is left as it is. */
function resolve(root: unknown, schema: Record<string, unknown>, depth: number): Record<string, unknown> | undefined {
  if (typeof schema.$ref !== 'string') return schema;
  if (depth > 10 || !schema.$ref.startsWith('#/')) return undefined;
  let cur: unknown = root;
  for (const seg of schema.$ref.slice(2).split('/')) cur = isSchema(cur) && Object.hasOwn(cur, seg.replace(/~1/g, '/').replace(/~0/g, '~')) ? cur[seg.replace(/~1/g, '/').replace(/~0/g, '~')] : undefined;
  // A title or mark written beside $ref belongs to this field.
  return isSchema(cur) ? { ...cur, ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$ref')) } : undefined;
}

/**
 * Every personal field under a schema, as data paths below `at`, named by the titles on the way (家庭成员·身份证号).
 * Fields reached through `$ref`, the combinators (allOf/anyOf/oneOf, if/then/else) and dependentSchemas count too:
 * wherever the form lets a value be, its mark or format decides whether it is masked.
 */
function fieldsIn(root: unknown, raw: unknown, at: string[], names: string[], inherited: PersonalKind | undefined, out: PersonalField[], depth = 0): void {
  if (!isSchema(raw) || depth > 20) return;
  const schema = resolve(root, raw, depth);
  if (!schema) return;
  const kind = personalKind(schema, inherited);
  const inner = schema.personal === false ? undefined : kind;
  const titled = (sub: unknown, key: string) => [...names, isSchema(sub) && typeof sub.title === 'string' && sub.title ? sub.title : key];
  if (isSchema(schema.properties)) {
    for (const [key, sub] of Object.entries(schema.properties)) fieldsIn(root, sub, [...at, key], titled(sub, key), inner, out, depth + 1);
  } else if (isSchema(schema.items)) {
    fieldsIn(root, schema.items, [...at, '*'], names, inner, out, depth + 1);
  } else if (kind && (schema.type === 'string' || schema.type === undefined || (Array.isArray(schema.type) && schema.type.includes('string')))) {
    out.push({ path: at.join('.'), title: names.join('·'), kind });
  }
  for (const part of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(schema[part])) for (const sub of schema[part] as unknown[]) fieldsIn(root, sub, at, names, inner, out, depth + 1);
  for (const part of ['then', 'else']) fieldsIn(root, schema[part], at, names, inner, out, depth + 1);
  if (isSchema(schema.dependentSchemas)) for (const sub of Object.values(schema.dependentSchemas)) fieldsIn(root, sub, at, names, inner, out, depth + 1);
}

const cache = new WeakMap<Definition, PersonalField[]>();

/**
 * The personal fields of a definition, as its cases keep them: each form under its id, what a
 * spawned case receives (`received`) at the top, and wherever a step's `save` (to another path: 退回 under `returned`) or `append` (a list's rows:
 * 走访记录) puts a form's data. Read once per definition.
 */
export function personalFields(def: Definition): PersonalField[] {
  let hit = cache.get(def);
  if (hit) return hit;
  const found: PersonalField[] = [];
  for (const [formId, form] of Object.entries(def.forms)) fieldsIn(form.schema, form.schema, [formId], [form.title], undefined, found);
  // What a spawned case receives from its parent (分红签收: the household's name and ID number) is masked as a form's fields are.
  if (def.received) fieldsIn(def.received, def.received, [], [], undefined, found);
  for (const t of walkTransitions(walkMachine(def))) {
    const spec = Object.hasOwn(def.events, t.trigger) ? def.events[t.trigger] : undefined;
    const formId = spec?.data === 'step' ? stepFormOf(t.source) : spec?.data;
    const form = formId && Object.hasOwn(def.forms, formId) ? def.forms[formId] : undefined;
    if (!form) continue;
    for (const ref of actionList(t.rawActions)) {
      if (typeof ref === 'string' || typeof ref.params?.to !== 'string' || !ref.params.to) continue;
      if (ref.type === 'save') fieldsIn(form.schema, form.schema, ref.params.to.split('.'), [form.title], undefined, found);
      if (ref.type === 'append') fieldsIn(form.schema, form.schema, [...ref.params.to.split('.'), '*'], [form.title], undefined, found);
    }
  }
  hit = [...new Map(found.map((f) => [f.path, f])).values()];
  cache.set(def, hit);
  return hit;
}

/** Where a definition's personal fields are, merged into one tree: a case's data is walked once, whatever the number of fields. */
interface MaskNode {
  /** The personal field that ends here (a text to mask). */
  field?: PersonalField;
  /** Named children (an object's keys). */
  keys?: Map<string, MaskNode>;
  /** Every row of a list (`*`). */
  rows?: MaskNode;
}

const plans = new WeakMap<Definition, MaskNode | null>();

/** The mask tree of a definition, built once from its personal fields; null when it has none. */
function maskPlan(def: Definition): MaskNode | null {
  const hit = plans.get(def);
  if (hit !== undefined) return hit;
  const fields = personalFields(def);
  const root: MaskNode = {};
  for (const f of fields) {
    let node = root;
    for (const seg of f.path.split('.')) {
      if (seg === '*') node = node.rows ??= {};
      else {
        node.keys ??= new Map();
        let next = node.keys.get(seg);
        if (!next) node.keys.set(seg, (next = {}));
        node = next;
      }
    }
    node.field ??= f;
  }
  const plan = fields.length ? root : null;
  plans.set(def, plan);
  return plan;
}

/** The masked entry of one value: its concrete path, named with the rows it is in (家庭成员·身份证号（第 2 项）). */
function maskedEntry(field: PersonalField, at: string[], masked: string): MaskedValue {
  const rows = field.path.split('.').flatMap((seg, n) => (seg === '*' ? [`第 ${Number(at[n]) + 1} 项`] : []));
  return { path: at.join('.'), title: rows.length ? `${field.title}（${rows.join('，')}）` : field.title, masked };
}

/** The value under a mask tree with each personal text masked, copied only where it changes; with `found`, what was masked is listed there (`at`: the value's path). */
function maskNode(v: unknown, node: MaskNode, found: MaskedValue[] | undefined, at: string[]): unknown {
  if (typeof v === 'string') {
    if (!node.field || !v) return v;
    const masked = maskPersonal(v, node.field.kind);
    if (found) found.push(maskedEntry(node.field, at, masked));
    return masked;
  }
  if (Array.isArray(v)) {
    const row = node.rows;
    if (!row) return v;
    let out: unknown[] | undefined;
    for (let n = 0; n < v.length; n++) {
      const m = maskNode(v[n], row, found, found ? [...at, String(n)] : at);
      if (m !== v[n]) (out ??= [...v])[n] = m;
    }
    return out ?? v;
  }
  if (!node.keys || !isSchema(v)) return v;
  let out: Record<string, unknown> | undefined;
  for (const [key, child] of node.keys) {
    if (!Object.hasOwn(v, key)) continue;
    const m = maskNode(v[key], child, found, found ? [...at, key] : at);
    if (m !== v[key]) (out ??= { ...v })[key] = m;
  }
  return out ?? v;
}

/** A case's data with every personal value masked (the data itself is not changed), and the values that were. */
export function maskCaseData(def: Definition, data: Record<string, unknown>): { data: Record<string, unknown>; masked: MaskedValue[] } {
  const plan = maskPlan(def);
  const masked: MaskedValue[] = [];
  return { data: plan ? (maskNode(data, plan, masked, []) as Record<string, unknown>) : data, masked };
}

/** The same data masked, without listing what was (a list's rows: only the values are shown). */
export function maskedData(def: Definition, data: Record<string, unknown>): Record<string, unknown> {
  const plan = maskPlan(def);
  return plan ? (maskNode(data, plan, undefined, []) as Record<string, unknown>) : data;
}

/** Every personal text in a case's data, in the order of the mask tree (what a search by a full value may find the case by). */
export function personalTexts(def: Definition, data: Record<string, unknown>): string[] {
  const plan = maskPlan(def);
  const out: string[] = [];
  const walk = (v: unknown, node: MaskNode): void => {
    if (typeof v === 'string') {
      if (node.field && v) out.push(v);
    } else if (Array.isArray(v)) {
      if (node.rows) for (const row of v) walk(row, node.rows);
    } else if (node.keys && isSchema(v)) {
      for (const [key, child] of node.keys) if (Object.hasOwn(v, key)) walk(v[key], child);
    }
  };
  if (plan) walk(data, plan);
  return out;
}

/** A data path without its rows: a formula reads a list's column without `*`, a path may name a row by its index. */
const withoutRows = (path: string) => path.split('.').filter((seg) => seg !== '*' && !/^\d+$/.test(seg)).join('.');

/** The data paths a formula reads; none when it does not parse. */
export function formulaReads(expr: string): string[] {
  const node = parseFormula(expr);
  return node instanceof FormulaSyntaxError ? [] : fieldsOf(node).map((f) => f.path);
}

/** The first personal field that reading these data paths reads (the field itself, or a part or list holding it), if any. */
export function personalRead(def: Definition, paths: readonly string[]): PersonalField | undefined {
  const fields = personalFields(def);
  for (const path of paths.map(withoutRows)) {
    const hit = fields.find((f) => {
      const plain = withoutRows(f.path);
      return plain === path || plain.startsWith(`${path}.`);
    });
    if (hit) return hit;
  }
  return undefined;
}

const personalTitles = new WeakMap<Definition, boolean>();

/**
 * True when the case title (`caseTitle`: a data path, or a formula) reads a personal field or a part
 * holding one (户主身份证号 as the title): the title is then shown masked wherever the data is.
 */
export function titleIsPersonal(def: Definition): boolean {
  let hit = personalTitles.get(def);
  if (hit !== undefined) return hit;
  const spec = def.caseTitle;
  hit = Boolean(spec && personalRead(def, spec.startsWith('=') ? formulaReads(spec) : [spec]));
  personalTitles.set(def, hit);
  return hit;
}

/** The personal field a concrete data path (`register.members.1.idNumber`) is, or undefined when it is none. */
export function personalFieldAt(def: Definition, path: string): PersonalField | undefined {
  const segments = path.split('.');
  return personalFields(def).find((f) => {
    const p = f.path.split('.');
    return p.length === segments.length && p.every((s, i) => s === segments[i] || (s === '*' && /^(0|[1-9]\d{0,5})$/.test(segments[i]!)));
  });
}

/**
 * The data an event recorded, masked: the start's data is keyed by form, a step's data is its
 * form's (the event's own form, or the form of the step it was sent from, `from` as the case row keeps it).
 */
export function maskEventData(compiled: CompiledProcess, type: string, from: string, data: unknown): unknown {
  if (!isSchema(data)) return data;
  const def = compiled.definition;
  if (type === 'xstate.init') return maskCaseData(def, data).data;
  const spec = Object.hasOwn(def.events, type) ? def.events[type] : undefined;
  const formId = spec?.data === 'step' ? stepFormFrom(compiled, type, from) : spec?.data;
  if (!formId) return data;
  return maskCaseData(def, { [formId]: data }).data[formId];
}

/** The form of the step (among the leaves of a state key, "a.b,c.d") that handles the event. */
function stepFormFrom(compiled: CompiledProcess, type: string, from: string): string | undefined {
  const infos = [...compiled.states.values()];
  for (const leaf of from.split(',')) {
    const chain = infos.filter((s) => leaf === pathKey(s.path) || leaf.startsWith(`${pathKey(s.path)}.`) || !s.path.length).sort((a, b) => b.path.length - a.path.length);
    if (!chain.some((s) => compiled.handledEvents.get(s.id)?.has(type))) continue;
    const form = chain.find((s) => s.form)?.form;
    if (form) return form;
  }
  return undefined;
}
