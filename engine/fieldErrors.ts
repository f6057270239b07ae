import type { ErrorObject } from './formAjv';
import { cnFormats } from './formats';
import type { FieldError } from './types';

type Schema = Record<string, unknown>;

const asSchema = (v: unknown): Schema | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined;

/** Follows a local `$ref` (#/$defs/…) from the form's root; other references stay as they are. */
function deref(root: Schema, schema: Schema | undefined, depth = 0): Schema | undefined {
  if (!schema || typeof schema.$ref !== 'string' || !schema.$ref.startsWith('#') || depth > 10) return schema;
  let cur: unknown = root;
  for (const raw of schema.$ref.slice(1).split('/').slice(1)) cur = asSchema(cur)?.[decode(raw)];
  return deref(root, asSchema(cur), depth + 1) ?? schema;
}

/** The sub-schema for one step of a data path (property name or array index), also inside `$ref`, allOf/anyOf/oneOf and if-then-else parts. */
function childSchema(root: Schema, schema: Schema | undefined, key: string, depth = 0): Schema | undefined {
  const s = deref(root, schema);
  if (!s || depth > 10) return undefined;
  const props = asSchema(s.properties);
  if (props && Object.hasOwn(props, key)) {
    const own = asSchema(props[key]);
    const target = deref(root, own);
    // A title written beside $ref names this field, not the shared definition it points at.
    return own && target && own !== target && typeof own.title === 'string' ? { ...target, title: own.title } : target;
  }
  if (/^\d+$/.test(key)) {
    const prefix = s.prefixItems;
    if (Array.isArray(prefix) && Number(key) < prefix.length) return deref(root, asSchema(prefix[Number(key)]));
    if (s.items !== undefined) return deref(root, asSchema(s.items));
  }
  for (const part of ['allOf', 'anyOf', 'oneOf', 'then', 'else']) {
    const list = Array.isArray(s[part]) ? (s[part] as unknown[]) : [s[part]];
    for (const sub of list) {
      const hit = childSchema(root, asSchema(sub), key, depth + 1);
      if (hit) return hit;
    }
  }
  // Fields a filled field brings with it (dependentSchemas; draft 7's schema-valued dependencies).
  for (const part of ['dependentSchemas', 'dependencies']) {
    const group = asSchema(s[part]);
    if (!group) continue;
    for (const sub of Object.values(group)) {
      const hit = Array.isArray(sub) ? undefined : childSchema(root, asSchema(sub), key, depth + 1);
      if (hit) return hit;
    }
  }
  return deref(root, asSchema(s.additionalProperties));
}

const decode = (seg: string) => seg.replace(/~1/g, '/').replace(/~0/g, '~');

const children = new WeakMap<Schema, WeakMap<Schema, Map<string, Schema | null>>>();
/**
 * childSchema remembered per form, schema and key: each submission walks the same form. The rows of
 * a list share one entry where no prefixItems tell them apart (`row`: the key indexes a list, not an
 * object, whose numeric keys are names like any other).
 */
function childSchemaOf(root: Schema, schema: Schema, key: string, row = false): Schema | undefined {
  let bySchema = children.get(root);
  if (!bySchema) children.set(root, (bySchema = new WeakMap()));
  let byKey = bySchema.get(schema);
  if (!byKey) bySchema.set(schema, (byKey = new Map()));
  const memoKey = row && !Array.isArray(schema.prefixItems) ? '\u0000row' : key;
  let hit = byKey.get(memoKey);
  if (hit === undefined) {
    hit = childSchema(root, schema, key) ?? null;
    // Keys a submission makes up are not kept: only the form's own, and a bounded number of them.
    if (hit && byKey.size < 1000) byKey.set(memoKey, hit);
  }
  return hit ?? undefined;
}

/** True when the schema describes a list (directly or through `$ref`). */
const isList = (root: Schema, s: Schema | undefined) => {
  const d = deref(root, s);
  return d?.type === 'array' || d?.items !== undefined || d?.prefixItems !== undefined;
};

/** The human name of the field at a JSON pointer: the titles on the way, rows of a list as 第 n 项. */
export function fieldLabel(schema: Schema, pointer: string): string {
  const names: string[] = [];
  let cur: Schema | undefined = schema;
  for (const raw of pointer.split('/').slice(1)) {
    const key = decode(raw);
    const isIndex = /^\d+$/.test(key) && isList(schema, cur);
    cur = childSchema(schema, cur, key);
    names.push(isIndex ? `第 ${Number(key) + 1} 项` : typeof cur?.title === 'string' ? cur.title : key);
  }
  return names.length ? names.join(' › ') : typeof schema.title === 'string' ? schema.title : '表单';
}

const TYPE_NAMES: Record<string, string> = { string: '文字', number: '数字', integer: '整数', boolean: '是/否', array: '列表', object: '一组内容', null: '空' };

const FORMATS: Record<string, string> = {
  date: '应为日期（年-月-日）', time: '应为时间（时:分）', 'date-time': '应为日期和时间', duration: '应为时长', email: '不是有效的电子邮箱',
  uri: '不是有效的网址', 'uri-reference': '不是有效的网址', url: '不是有效的网址', hostname: '不是有效的网址', ipv4: '不是有效的 IP 地址', ipv6: '不是有效的 IP 地址',
  uuid: '不是有效的编号', regex: '格式不对', 'json-pointer': '格式不对', 'relative-json-pointer': '格式不对', byte: '格式不对', int32: '应为整数', int64: '应为整数', float: '应为数字', double: '应为数字', password: '格式不对', binary: '格式不对',
};

/**
 * Plain Chinese for every ajv keyword: a cadre never reads schema words (oneOf, then, format
 * "time", 应当匹配模式…). Keywords that only combine others (if, anyOf, oneOf, not) say what
 * the rule means for the person filling the form.
 */
export function plainMessage(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'minimum': return `不能小于 ${p.limit}`;
    case 'maximum': return `不能大于 ${p.limit}`;
    case 'exclusiveMinimum': return `必须大于 ${p.limit}`;
    case 'exclusiveMaximum': return `必须小于 ${p.limit}`;
    case 'minLength': return `至少填写 ${p.limit} 个字`;
    case 'maxLength': return `最多填写 ${p.limit} 个字`;
    case 'minItems': return `至少需要 ${p.limit} 项`;
    case 'maxItems': return `最多只能有 ${p.limit} 项，现在超出了`;
    case 'minProperties': return `至少填写 ${p.limit} 项`;
    case 'maxProperties': return `最多填写 ${p.limit} 项`;
    case 'uniqueItems': return `第 ${Number(p.j) + 1} 项和第 ${Number(p.i) + 1} 项重复了`;
    case 'contains': case 'minContains': return '至少要有一项符合要求';
    case 'maxContains': return `符合要求的项最多 ${p.limit ?? ''} 个`.trim();
    case 'enum': return '请从给出的选项中选择';
    case 'const': return '取值不对';
    case 'multipleOf': return `必须是 ${p.multipleOf} 的整数倍`;
    case 'pattern': return '格式不对';
    case 'type': return `应填写${String(p.type).split(',').map((t) => TYPE_NAMES[t] ?? t).join('或')}`;
    case 'format': return FORMATS[String(p.format)] ?? '格式不对';
    case 'required': return '必须填写';
    case 'dependentRequired': return `填写了「${String(p.property)}」时，这一项也必须填写`;
    case 'additionalProperties': case 'unevaluatedProperties': return '表单中没有这一项，不能提交';
    case 'additionalItems': case 'unevaluatedItems': return '多出了表单中没有的项';
    case 'propertyNames': return '名称不符合要求';
    case 'false schema': return '不能填写这一项';
    case 'unsafeText': return '含有不能保存的字符（空字符或残缺的 Unicode 字符）';
    case 'not': return '这个取值不允许';
    case 'anyOf': return '不符合任何一种可选的填写方式，请检查各项';
    case 'oneOf': return Array.isArray(p.passingSchemas) ? '同时符合了多种填写方式，只能选一种' : '不符合任何一种可选的填写方式，请检查各项';
    case 'if': return '与前面所选的内容不相符，请按提示补充';
    default: return '不符合要求';
  }
}

/** Turns ajv errors into field errors with Chinese messages that name the field. */
export function toFieldErrors(schema: Schema, errors: readonly ErrorObject[]): FieldError[] {
  const copies = errors.map((e) => ({ ...e }));
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of copies) {
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      if (copies.some((o) => o !== e && o.instancePath === e.instancePath && o.keyword !== e.keyword)) continue;
    }
    let path = e.instancePath;
    let message = plainMessage(e);
    if (e.keyword === 'required') {
      path = `${path}/${String(e.params.missingProperty).replace(/~/g, '~0').replace(/\//g, '~1')}`;
    } else if (e.keyword === 'dependentRequired') {
      path = `${path}/${String(e.params.missingProperty).replace(/~/g, '~0').replace(/\//g, '~1')}`;
      message = `填写了「${fieldLabel(schema, `${e.instancePath}/${String(e.params.property)}`)}」时，这一项也必须填写`;
    } else if (e.keyword === 'format' && Object.hasOwn(cnFormats, String(e.params.format))) {
      message = cnFormats[String(e.params.format)]!.message;
    } else if (e.keyword === 'additionalProperties' || e.keyword === 'unevaluatedProperties') {
      path = `${path}/${String(e.params.additionalProperty ?? e.params.unevaluatedProperty)}`;
    }
    const field = fieldLabel(schema, path);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: path || '/', field, message: `「${field}」${message}` });
  }
  return out;
}

/**
 * Fields the data carries that the form does not define (anywhere: conditional parts,
 * combinations and `$ref` included), up to `limit`: a submission may only hold what its form
 * asks for, so nothing unchecked is ever stored.
 */
export function unknownFieldErrors(schema: Schema, data: unknown, limit = 5): FieldError[] {
  const walk: UnknownWalk = { root: schema, limit, out: [], path: [] };
  visitUnknown(walk, schema, data);
  return walk.out;
}

/** One unknownFieldErrors call: the path is kept as segments and joined only for a field to report (most submissions have none). */
interface UnknownWalk {
  root: Schema;
  limit: number;
  out: FieldError[];
  path: string[];
}

function visitUnknown(w: UnknownWalk, s: Schema | undefined, value: unknown): void {
  const d = deref(w.root, s);
  if (!d || w.out.length >= w.limit || value === null || typeof value !== 'object') return;
  // A value the schema pins whole (an enum of objects, a const) holds nothing the form did not list.
  if (d.enum !== undefined || d.const !== undefined) return;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && w.out.length < w.limit; i++) {
      w.path.push(String(i));
      visitUnknown(w, childSchemaOf(w.root, d, String(i), true), value[i]);
      w.path.pop();
    }
    return;
  }
  const open = (d.additionalProperties !== undefined && d.additionalProperties !== false) || d.patternProperties !== undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    w.path.push(key);
    const sub = childSchemaOf(w.root, d, key);
    if (!sub && !open) {
      const at = w.path.map((k) => `/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
      const field = fieldLabel(w.root, at);
      w.out.push({ path: at, field, message: `「${field}」表单中没有这一项，不能提交` });
    } else visitUnknown(w, sub, (value as Record<string, unknown>)[key]);
    w.path.pop();
    if (w.out.length >= w.limit) return;
  }
}
