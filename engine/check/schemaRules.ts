/** Checks that apply wherever a JSON Schema appears in a definition: form schemas and guard conditions alike. */
import safeRegex from 'safe-regex2';
import { createFormAjv } from '../formAjv';
import { type Problem, problem } from './problems';

export type Schema = Record<string, unknown>;
export const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Calls `visit` on every sub-schema with its JSON pointer and the name of the field it describes (its title, else its key). */
export function eachSchema(schema: unknown, pointer: string, visit: (s: Schema, pointer: string, field: string) => void, field = '表单') {
  if (!isSchema(schema)) return;
  const name = typeof schema.title === 'string' && schema.title ? schema.title : field;
  visit(schema, pointer, name);
  for (const key of ['properties', 'patternProperties', '$defs', 'dependentSchemas']) {
    const group = schema[key];
    if (isSchema(group)) for (const [k, sub] of Object.entries(group)) eachSchema(sub, `${pointer}/${key}/${escape(k)}`, visit, k);
  }
  for (const key of ['items', 'additionalProperties', 'contains', 'propertyNames']) eachSchema(schema[key], `${pointer}/${key}`, visit, `${name} 的每一项`);
  for (const key of ['not', 'if', 'then', 'else']) eachSchema(schema[key], `${pointer}/${key}`, visit, name);
  for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
    const list = schema[key];
    if (Array.isArray(list)) list.forEach((sub, i) => eachSchema(sub, `${pointer}/${key}/${i}`, visit, name));
  }
}

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Regular expressions must compile and must not backtrack catastrophically (they run on every submission). */
export function checkPattern(pattern: string, pointer: string, out: Problem[]) {
  try {
    new RegExp(pattern, 'u');
  } catch {
    out.push(problem('pattern-invalid', pointer, { pattern }));
    return;
  }
  if (pattern.length > 500 || !safeRegex(pattern)) out.push(problem('pattern-unsafe', pointer, { pattern }));
}

/** Keywords ajv accepts that it does not list as validation keywords (annotations, identifiers). */
const ANNOTATIONS = new Set([
  '$id', '$defs', '$schema', '$anchor', '$dynamicAnchor', '$vocabulary', 'definitions', 'title', 'description', 'default', 'examples',
  'readOnly', 'writeOnly', 'deprecated', 'contentMediaType', 'contentEncoding', 'contentSchema', 'enumNames', 'ui:options', 'formula', 'file', 'personal', 'rowOf',
]);
let keywordAjv: ReturnType<typeof createFormAjv> | undefined;
const known = (k: string) => ANNOTATIONS.has(k) || Boolean((keywordAjv ??= createFormAjv()).getKeyword(k));
const ALL_KEYWORDS = [
  ...ANNOTATIONS, 'type', 'enum', 'const', 'multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength',
  'pattern', 'maxItems', 'minItems', 'uniqueItems', 'maxContains', 'minContains', 'maxProperties', 'minProperties', 'required',
  'dependentRequired', 'properties', 'patternProperties', 'additionalProperties', 'propertyNames', 'items', 'prefixItems', 'contains',
  'allOf', 'anyOf', 'oneOf', 'not', 'if', 'then', 'else', 'dependentSchemas', 'unevaluatedItems', 'unevaluatedProperties', 'format', '$ref',
];

/** Edit distance, for “did you mean” (keywords are short). */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** Keywords of earlier JSON Schema drafts that 2020-12 (the forms' draft) replaced, and what replaced them. */
const REPLACED: Record<string, string> = {
  additionalItems: '在 JSON Schema 2020-12 中已由 items 取代（元组的前几项写在 prefixItems，其余各项写在 items）',
  dependencies: '在 JSON Schema 2020-12 中已拆分为 dependentRequired 和 dependentSchemas',
  definitions: '在 JSON Schema 2020-12 中改名为 $defs',
};

function hintFor(keyword: string): string {
  if (Object.hasOwn(REPLACED, keyword)) return `（${REPLACED[keyword]}）`;
  const best = ALL_KEYWORDS.map((k) => [k, distance(keyword, k)] as const).sort((x, y) => x[1] - y[1])[0];
  return best && best[1] <= 2 ? `（是不是想写「${best[0]}」？）` : '（JSON Schema 里没有这个关键字）';
}

/** Lower and upper bounds that must not cross; `strict` pairs fail on equality too. */
const BOUNDS: [string, string, boolean][] = [
  ['minimum', 'maximum', false],
  ['exclusiveMinimum', 'maximum', true],
  ['minimum', 'exclusiveMaximum', true],
  ['exclusiveMinimum', 'exclusiveMaximum', true],
  ['minLength', 'maxLength', false],
  ['minItems', 'maxItems', false],
  ['minProperties', 'maxProperties', false],
  ['minContains', 'maxContains', false],
];

/**
 * The checks every schema gets: known keywords (with a “did you mean”), bounds that do not
 * cross, options listed once and named once each, safe regular expressions, and for forms no
 * tuples (the form renderer cannot show them).
 */
export function checkSchemaRules(schema: unknown, pointer: string, out: Problem[], options: { form: boolean }) {
  eachSchema(schema, pointer, (s, at, field) => {
    for (const key of Object.keys(s)) {
      if (!known(key)) out.push(problem('schema-keyword-unknown', `${at}/${escape(key)}`, { field, keyword: key, hint: hintFor(key) }));
    }
    for (const [lo, hi, strict] of BOUNDS) {
      const min = s[lo];
      const max = s[hi];
      if (typeof min === 'number' && typeof max === 'number' && (min > max || (strict && min === max))) {
        out.push(problem('limits-contradict', `${at}/${lo}`, { field, min, max, minKey: lo, maxKey: hi }));
      }
    }
    if (Array.isArray(s.enum)) {
      const seen = new Set<string>();
      s.enum.forEach((v, i) => {
        const key = JSON.stringify(v);
        if (seen.has(key)) out.push(problem('enum-duplicate', `${at}/enum/${i}`, { field, value: key }));
        seen.add(key);
      });
      if (Array.isArray(s.enumNames) && s.enumNames.length !== s.enum.length) {
        out.push(problem('enum-names-mismatch', `${at}/enumNames`, { field, options: s.enum.length, names: s.enumNames.length, key: 'enumNames' }));
      }
    }
    if (typeof s.pattern === 'string') checkPattern(s.pattern, `${at}/pattern`, out);
    if (isSchema(s.patternProperties)) for (const key of Object.keys(s.patternProperties)) checkPattern(key, `${at}/patternProperties/${escape(key)}`, out);
    if (options.form && s.prefixItems !== undefined) out.push(problem('tuple-unsupported', `${at}/prefixItems`, { field }));
  });
}

const unescapeRef = (ref: string) => ref.replace(/^#/, '').split('/').map((k) => decodeURIComponent(k)).join('/');

/** What ajv said when compiling a schema, in Chinese, with the place it concerns (ajv names it as "#/properties/x") as a pointer suffix. */
export function ajvCompileMessage(message: string): { at: string; detail: string } {
  const place = /(?:at|path) "(#[^"]*)"/.exec(message)?.[1];
  const at = place ? unescapeRef(place) : '';
  const rules: [RegExp, (m: RegExpExecArray) => string][] = [
    [/missing type "(\w+)" for keyword "(\w+)"/, (m) => `用了「${m[2]}」就要写明类型 type: "${m[1]}"`],
    [/required property "([^"]+)" is not defined/, (m) => `必填字段「${m[1]}」没有在 properties 里定义`],
    [/unknown format "([^"]+)"/, (m) => `不认识的格式 format「${m[1]}」`],
    [/can't resolve reference (\S+)/, (m) => `引用 ${m[1]} 找不到`],
    [/type "(\w+)" is not allowed/, (m) => `这里不能用类型「${m[1]}」`],
    [/^(\w+) value must be \["boolean"\]/, (m) => `「${m[1]}」只能写 true 或 false`],
  ];
  for (const [re, say] of rules) {
    const m = re.exec(message);
    if (m) return { at, detail: say(m) };
  }
  return { at, detail: `结构有误（${message.replace(/^strict mode: /, '')}）` };
}
