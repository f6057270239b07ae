import Ajv2020, { type ErrorObject } from 'ajv/dist/2020.js';
import { definitionSchema } from '../definitionSchema';
import { plainMessage } from '../fieldErrors';
import { type Problem, problem } from './problems';

let validate: ReturnType<Ajv2020['compile']> | undefined;

/** The naming rules of definition.schema.json, said in words. */
const PATTERNS: Record<string, string> = {
  '^[A-Za-z][A-Za-z0-9_]{0,63}$': '只能用英文字母、数字和下划线，以字母开头，最长 64 个字符',
  '^[a-z][a-z0-9-]{1,62}$': '只能用小写英文字母、数字和短横线，以字母开头，2 到 63 个字符',
  '^[A-Z][A-Z0-9_.]{0,63}$': '只能用大写英文字母、数字、下划线和点，以大写字母开头',
  '^[A-Za-z0-9-]{1,40}$': '只能用英文字母、数字和短横线，最长 40 个字符',
  '^[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)*$': '应为数据路径，如 register.householder',
};
const TYPE_WORDS: Record<string, string> = { string: '文字', number: '数字', integer: '整数', boolean: 'true 或 false', array: '列表 [...]', object: '对象 {...}', null: 'null' };

/** One error of the definition's own schema, in words an author understands. */
function say(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  const data = (e as ErrorObject & { data?: unknown }).data;
  switch (e.keyword) {
    case 'required': return `缺少必填项「${String(p.missingProperty)}」`;
    case 'additionalProperties': return '不认识的项（是否拼错了？）';
    case 'maxItems': return `最多只能有 ${p.limit} 项，这里有 ${Array.isArray(data) ? data.length : '更多'} 项`;
    case 'maxProperties': return `最多只能有 ${p.limit} 项，这里有 ${data && typeof data === 'object' ? Object.keys(data).length : '更多'} 项`;
    case 'minLength': return Number(p.limit) === 1 ? '不能为空' : `至少 ${p.limit} 个字`;
    case 'maxLength': return `最多 ${p.limit} 个字，这里有 ${typeof data === 'string' ? [...data].length : '更多'} 个字`;
    case 'enum': return `只能是 ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join('、')} 之一`;
    case 'pattern': {
      const rule = PATTERNS[String(p.pattern)] ?? (String(p.pattern).startsWith('^P(?!$)') ? '应为时长，如 P5D（5 天）、PT12H（12 小时）、P1M（1 个月）' : '格式不对');
      return `${typeof data === 'string' ? `「${data}」` : ''}${rule}`;
    }
    case 'propertyNames': return `名称「${String(p.propertyName)}」不合规则`;
    case 'type': return `应为${String(p.type).split(',').map((t) => TYPE_WORDS[t] ?? t).join('或')}`;
    default: return plainMessage(e);
  }
}

/** The error that says most about a place: a limit or a rule broken beats “wrong type”, which beats “none of the choices”. */
const rank = (e: ErrorObject) => (e.keyword === 'anyOf' || e.keyword === 'oneOf' ? 2 : e.keyword === 'type' ? 1 : 0);

/** Checks a value against definitions/definition.schema.json; one problem per offending place, in words. */
export function checkShape(value: unknown): Problem[] {
  validate ??= new Ajv2020({ strict: false, allErrors: true, verbose: true }).compile(definitionSchema);
  if (validate(value)) return [];
  const byPath = new Map<string, ErrorObject[]>();
  for (const err of validate.errors ?? []) {
    let path = err.instancePath;
    if (err.keyword === 'required') path += `/${String(err.params.missingProperty)}`;
    if (err.keyword === 'additionalProperties') path += `/${String(err.params.additionalProperty)}`;
    if (err.keyword === 'propertyNames') path += `/${String(err.params.propertyName)}`;
    byPath.set(path, [...(byPath.get(path) ?? []), err]);
  }
  const describe = (errors: ErrorObject[]) => {
    const best = Math.min(...errors.map(rank));
    const chosen = errors.filter((e) => rank(e) === best);
    // Where only the type is wrong, name every type the place allows (“应为文字或对象 {...}或列表 [...]”).
    if (best === 1) {
      const types = [...new Set(chosen.flatMap((e) => String(e.params.type).split(',')))].map((t) => TYPE_WORDS[t] ?? t);
      return `应为${types.length > 1 ? `${types.slice(0, -1).join('、')}或${types.at(-1)}` : types[0]}`;
    }
    return say(chosen[0]!);
  };
  // A failure deep inside an anyOf also fails every level above it: report the deepest.
  const paths = [...byPath.keys()];
  return paths
    .filter((p) => !paths.some((o) => o !== p && o.startsWith(`${p}/`)))
    .map((p) => problem('schema-violation', p, { detail: `${p || '/'} ${describe(byPath.get(p)!)}` }));
}
