import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { cnFormats } from './formats';
import { withFormLimits } from './formLimits';
import { canonicalJson } from './contentHash';

export type { ErrorObject, ValidateFunction };

/**
 * How every form validator judges data, the server's and the browser's alike (the web app builds rjsf's
 * validator from this and configureFormAjv; test/designer/formValidator.test.ts checks they agree).
 * multipleOfPrecision: money in yuan (multipleOf 0.01) must accept 19.99, which binary floating point makes 1998.9999….
 */
export const FORM_AJV_OPTIONS = { allErrors: true, allowUnionTypes: true, multipleOfPrecision: 9 } as const;

/**
 * A strict draft 2020-12 ajv for form schemas and conditions: all errors, standard and
 * Chinese formats, unknown keywords and formats refused. Each compiled process owns one.
 */
export function createFormAjv(): Ajv2020 {
  return configureFormAjv(new Ajv2020({ strict: true, ...FORM_AJV_OPTIONS }));
}

/** An ajv for conditions over case data: strict about keywords, but `type` may be left out. */
export function createConditionAjv(): Ajv2020 {
  return configureFormAjv(new Ajv2020({ strict: true, strictTypes: false, strictRequired: false, allErrors: false, multipleOfPrecision: 9 }));
}

/** The formats (standard and Chinese), annotation keywords and linear uniqueItems every form validator has. */
export function configureFormAjv<A extends Ajv2020>(ajv: A): A {
  addFormats(ajv);
  for (const [name, f] of Object.entries(cnFormats)) ajv.addFormat(name, { type: 'string', validate: f.validate });
  // rjsf and form authors use these annotation keywords; they change no validation (`formula`: a computed field, see
  // formula/formFields.ts; `file`: a file or photo field, see files.ts).
  ajv.addVocabulary(['enumNames', 'ui:options', 'formula', 'file']);
  // `personal`: the field holds personal information, masked for those whose step does not need it (personal.ts).
  ajv.addKeyword({ keyword: 'personal', schemaType: 'boolean' });
  // `rowOf`: the field picks one row of a list `append` grows, by its id (rows.ts); which ids exist the case decides.
  ajv.addKeyword({ keyword: 'rowOf', schemaType: 'string' });
  // ajv compares every pair of items (10,000 rows: 50 million deep comparisons, seconds of the server's time); this is linear.
  ajv.removeKeyword('uniqueItems');
  ajv.addKeyword({ keyword: 'uniqueItems', type: 'array', schemaType: 'boolean', errors: true, validate: uniqueItems });
  return ajv;
}

/** uniqueItems in one pass: the first repeat reported as ajv reports it (item j repeats item i). */
function uniqueItems(this: unknown, on: boolean, data: unknown[]): boolean {
  if (!on) return true;
  const seen = new Map<string, number>();
  for (let j = 0; j < data.length; j++) {
    const key = canonicalJson(data[j]); // equal JSON values share it whatever their keys' order (JSON Schema's equality)
    const i = seen.get(key);
    if (i !== undefined) {
      uniqueItems.errors = [{ keyword: 'uniqueItems', params: { i: j, j: i }, message: `must NOT have duplicate items (items ## ${i} and ${j} are identical)` }];
      return false;
    }
    seen.set(key, j);
  }
  return true;
}
uniqueItems.errors = undefined as undefined | Partial<ErrorObject>[];

/** A small least-recently-used cache of compiled schemas, keyed by their JSON text. */
function schemaCache(create: () => Ajv2020, limit = 256): (schema: object) => ValidateFunction {
  const cache = new Map<string, ValidateFunction>();
  let ajv: Ajv2020 | undefined;
  return (schema) => {
    const key = JSON.stringify(schema);
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    ajv ??= create();
    let validate: ValidateFunction;
    try {
      validate = ajv.compile(schema);
    } finally {
      // ajv would otherwise keep every schema it ever compiled (even a refused one); the validator works on without it.
      ajv.removeSchema(schema);
    }
    cache.set(key, validate);
    if (cache.size > limit) cache.delete(cache.keys().next().value as string);
    return validate;
  };
}

const compileLimited = schemaCache(createFormAjv);

/**
 * Compiles a form schema once per distinct content (throws as ajv.compile does), with the
 * limits a field has when its author gives none (formLimits.ts). The designer re-checks the
 * whole definition after every edit, and most of its forms did not change; ajv compilation is
 * most of a check's time.
 */
export const compileForm = (schema: object): ValidateFunction => compileLimited(withFormLimits(schema) as object);

/** Compiles a condition schema once per distinct content (throws as ajv.compile does). */
export const compileCondition = schemaCache(createConditionAjv);
