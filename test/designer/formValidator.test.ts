import { describe, expect, it } from 'vitest';
import { compileForm } from '../../engine/formAjv';
import { formSchema, formValidator } from '../../designer/src/formValidator';
import { allDefinitions } from '../helpers/definitions';

type Json = Record<string, unknown>;

/** What a validator said about some data: each error as its place and rule, in a stable order. */
const verdict = (errors: { instancePath: string; keyword: string }[] | null | undefined) => (errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`).sort();
const onServer = (schema: object, data: unknown) => {
  const validate = compileForm(schema);
  validate(data);
  return verdict(validate.errors);
};
/** The browser's verdict, with the schema as the web app shows it (made once per schema, as StepForm does). */
const shown = new WeakMap<object, object>();
const inBrowser = (schema: object, data: unknown) => {
  if (!shown.has(schema)) shown.set(schema, formSchema(schema));
  return verdict(formValidator.rawValidation(shown.get(schema)!, data).errors as never);
};

/** Data that trips every kind of rule: each field given the same awkward value in turn. */
const AWKWARD: unknown[] = ['', 'abc', '2025-02-30', '2026-12-07', '532326199001011234', '13812345678', 12, 19.99, 1e16, -1, 0.001, true, null, [], [{}], {}, 'x'.repeat(5000)];
function samples(schema: Json): unknown[] {
  const fields = Object.keys((schema.properties ?? {}) as Json);
  return [{}, ...AWKWARD.map((v) => Object.fromEntries(fields.map((f) => [f, v])))];
}

/** Schemas where two validators set up differently would part ways. */
const TRICKY: { name: string; schema: Json; data: unknown[] }[] = [
  { name: 'money in yuan, multipleOf 0.01', schema: { type: 'object', properties: { amount: { type: 'number', multipleOf: 0.01 } } }, data: [{ amount: 19.99 }, { amount: 1998.99 }, { amount: 0.001 }, { amount: 1e16 }] },
  { name: 'rows equal up to key order', schema: { type: 'object', properties: { rows: { type: 'array', uniqueItems: true, items: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'number' } } } } } }, data: [{ rows: [{ a: 'x', b: 1 }, { b: 1, a: 'x' }] }, { rows: [{ a: 'x', b: 1 }, { a: 'x', b: 2 }] }] },
  { name: 'a list past the default row limit', schema: { type: 'object', properties: { rows: { type: 'array', items: { type: 'string' } } } }, data: [{ rows: Array.from({ length: 1001 }, (_, i) => String(i)) }, { rows: ['a'] }] },
  { name: 'Chinese formats', schema: { type: 'object', properties: { id: { type: 'string', format: 'cn-id-card' }, phone: { type: 'string', format: 'cn-mobile' }, day: { type: 'string', format: 'date' } } }, data: [{ id: '532326199001011235', phone: '13812345678', day: '2025-02-28' }, { id: '532326199001011234', phone: '12345', day: '2025-02-30' }] },
  { name: 'if / then and dependentRequired', schema: { type: 'object', properties: { kind: { type: 'string', enum: ['a', 'b'] }, why: { type: 'string' } }, if: { properties: { kind: { const: 'b' } }, required: ['kind'] }, then: { properties: { why: { type: 'string', minLength: 2 } }, required: ['why'] }, dependentRequired: { why: ['kind'] } }, data: [{ kind: 'b' }, { kind: 'a' }, { why: 'x' }, { kind: 'b', why: 'x' }, { kind: 'b', why: '因为' }] },
  { name: 'integer, union types and annotations', schema: { type: 'object', properties: { n: { type: 'integer', minimum: 0 }, either: { type: ['string', 'number'] }, total: { type: 'number', formula: '=n*2' }, photo: { type: 'string', file: { accept: ['image/*'] } } } }, data: [{ n: 1.0, either: 'x' }, { n: 1.5, either: true }, { n: -1 }] },
  { name: 'patterns in Chinese', schema: { type: 'object', properties: { village: { type: 'string', pattern: '^.+村$', maxLength: 10 } }, required: ['village'] }, data: [{ village: '大河村' }, { village: '大河乡' }, {}] },
];

describe('the browser judges form data as the server does', () => {
  it('every form of every shipped definition, over data that trips every kind of rule', () => {
    let compared = 0;
    for (const [file, def] of allDefinitions()) {
      for (const [id, form] of Object.entries(def.forms)) {
        for (const data of samples(form.schema as Json)) {
          expect(inBrowser(form.schema as object, data), `${file} ${id} ${JSON.stringify(data).slice(0, 80)}`).toEqual(onServer(form.schema as object, data));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it.each(TRICKY)('$name', ({ schema, data }) => {
    const outcomes = data.map((d) => ({ browser: inBrowser(schema, d), server: onServer(schema, d) }));
    for (const o of outcomes) expect(o.browser).toEqual(o.server);
    // Each corpus entry has data both refuse and data both accept, so agreement is not agreement on nothing.
    expect(outcomes.some((o) => o.server.length === 0)).toBe(true);
    expect(outcomes.some((o) => o.server.length > 0)).toBe(true);
  });
});
