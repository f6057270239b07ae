import localizeZh from 'ajv-i18n/localize/zh/index.js';
import type { ErrorObject } from './formAjv';
import { cnFormats } from './formats';
import type { FieldError } from './types';

type Schema = Record<string, unknown>;

const asSchema = (v: unknown): Schema | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Schema) : undefined;

/** The sub-schema for one step of a data path (property name or array index). */
function childSchema(schema: Schema | undefined, key: string): Schema | undefined {
  if (!schema) return undefined;
  const props = asSchema(schema.properties);
  if (props && Object.hasOwn(props, key)) return asSchema(props[key]);
  if (/^\d+$/.test(key)) {
    const prefix = schema.prefixItems;
    if (Array.isArray(prefix) && Number(key) < prefix.length) return asSchema(prefix[Number(key)]);
    return asSchema(schema.items);
  }
  return asSchema(schema.additionalProperties);
}

const decode = (seg: string) => seg.replace(/~1/g, '/').replace(/~0/g, '~');

/** The human name of the field at a JSON pointer: the titles on the way, items as 第 n 项. */
export function fieldLabel(schema: Schema, pointer: string): string {
  const names: string[] = [];
  let cur: Schema | undefined = schema;
  for (const raw of pointer.split('/').slice(1)) {
    const key = decode(raw);
    const isIndex = /^\d+$/.test(key) && cur?.type === 'array';
    cur = childSchema(cur, key);
    names.push(isIndex ? `第 ${Number(key) + 1} 项` : typeof cur?.title === 'string' ? cur.title : key);
  }
  return names.length ? names.join(' › ') : typeof schema.title === 'string' ? schema.title : '表单';
}

const TYPE_NAMES: Record<string, string> = { string: '文字', number: '数字', integer: '整数', boolean: '是/否', array: '列表', object: '一组内容', null: '空' };

/** Plain Chinese for the keywords cadres meet most; undefined where ajv-i18n's wording stays. */
export function plainMessage(e: ErrorObject): string | undefined {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'minimum': return `不能小于 ${p.limit}`;
    case 'maximum': return `不能大于 ${p.limit}`;
    case 'exclusiveMinimum': return `必须大于 ${p.limit}`;
    case 'exclusiveMaximum': return `必须小于 ${p.limit}`;
    case 'minLength': return `至少填写 ${p.limit} 个字`;
    case 'maxLength': return `最多填写 ${p.limit} 个字`;
    case 'minItems': return `至少需要 ${p.limit} 项`;
    case 'maxItems': return `最多只能有 ${p.limit} 项`;
    case 'uniqueItems': return '不能有重复的项';
    case 'enum': return '请从给出的选项中选择';
    case 'const': return '取值不对';
    case 'multipleOf': return `必须是 ${p.multipleOf} 的整数倍`;
    case 'pattern': return '格式不对';
    case 'type': return `应填写${String(p.type).split(',').map((t) => TYPE_NAMES[t] ?? t).join('或')}`;
    case 'format':
      return ({ date: '应为日期（年-月-日）', 'date-time': '应为日期时间', email: '不是有效的电子邮箱', uri: '不是有效的网址' } as Record<string, string>)[String(p.format)];
    default: return undefined;
  }
}

/** Turns ajv errors into field errors with Chinese messages that name the field. */
export function toFieldErrors(schema: Schema, errors: readonly ErrorObject[]): FieldError[] {
  const copies = errors.map((e) => ({ ...e }));
  localizeZh(copies);
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of copies) {
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      if (copies.some((o) => o !== e && o.instancePath === e.instancePath && o.keyword !== e.keyword)) continue;
    }
    let path = e.instancePath;
    let message = plainMessage(e) ?? e.message ?? '不符合要求';
    if (e.keyword === 'required') {
      path = `${path}/${String(e.params.missingProperty).replace(/~/g, '~0').replace(/\//g, '~1')}`;
      message = '必须填写';
    } else if (e.keyword === 'format' && Object.hasOwn(cnFormats, String(e.params.format))) {
      message = cnFormats[String(e.params.format)]!.message;
    } else if (e.keyword === 'additionalProperties') {
      path = `${path}/${String(e.params.additionalProperty)}`;
      message = '表单中没有这一项，不能提交';
    }
    const field = fieldLabel(schema, path);
    const key = `${path}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ path: path || '/', field, message: `「${field}」${message}` });
  }
  return out;
}
