import Ajv2020 from 'ajv/dist/2020.js';
import localizeZh from 'ajv-i18n/localize/zh/index.js';
import { definitionSchema } from '../definitionSchema';
import { type Problem, problem } from './problems';

let validate: ReturnType<Ajv2020['compile']> | undefined;

/** Checks a value against definitions/definition.schema.json; one problem per offending place. */
export function checkShape(value: unknown): Problem[] {
  validate ??= new Ajv2020({ strict: false, allErrors: true }).compile(definitionSchema);
  if (validate(value)) return [];
  const errors = (validate.errors ?? []).map((e) => ({ ...e }));
  localizeZh(errors);
  const byPath = new Map<string, string>();
  for (const err of errors) {
    let path = err.instancePath;
    if (err.keyword === 'required') path += `/${String(err.params.missingProperty)}`;
    if (err.keyword === 'additionalProperties') path += `/${String(err.params.additionalProperty)}`;
    if (err.keyword === 'propertyNames') path += `/${String(err.params.propertyName)}`;
    const message = err.keyword === 'required' ? '缺少必填项' : err.keyword === 'additionalProperties' ? '不认识的项' : (err.message ?? '');
    if (!byPath.has(path)) byPath.set(path, message);
  }
  // A failure deep inside an anyOf also fails every level above it: report the deepest.
  const paths = [...byPath.keys()];
  return paths
    .filter((p) => !paths.some((o) => o !== p && o.startsWith(`${p}/`)))
    .map((p) => problem('schema-violation', p, { detail: `${p || '/'} ${byPath.get(p)}` }));
}
