import { describe, expect, it } from 'vitest';
import { toFieldErrors } from '../../engine/fieldErrors';
import { compileForm } from '../../engine/formAjv';

/** Rows alike but for their last field, as a roster's are: a pairwise comparison reads every field of every pair. */
const rowsOf = (n: number) => Array.from({ length: n }, (_, i) => ({ village: '小康苑社区', group: '第一村民小组', dwelling: '土木结构危房', size: 4, willing: true, name: `第${i}户` }));
const text = { type: 'string', title: '文字' };
const table = (extra: object = {}) => ({
  type: 'object',
  properties: {
    households: {
      type: 'array', title: '农户', uniqueItems: true,
      items: { type: 'object', properties: { village: text, group: text, dwelling: text, size: { type: 'integer', title: '人数' }, willing: { type: 'boolean', title: '愿意' }, name: { type: 'string', title: '户主' } } },
      ...extra,
    },
  },
});
const check = (schema: object, data: unknown) => {
  const validate = compileForm(schema);
  return validate(data) ? [] : toFieldErrors(schema as Record<string, unknown>, validate.errors ?? []);
};

describe('limits a form field has when its author gives none', () => {
  it('a list without maxItems holds at most 1,000 items, named in the refusal', () => {
    expect(check(table(), { households: rowsOf(1000) })).toEqual([]);
    expect(check(table(), { households: rowsOf(1001) })).toEqual([{ path: '/households', field: '农户', message: '「农户」最多只能有 1000 项，现在超出了' }]);
    expect(check(table({ maxItems: 5000 }), { households: rowsOf(5000) })).toEqual([]);
  });

  it('a number without maximum or minimum stays within ±10^15; the author\'s own bounds win', () => {
    const form = (size: object) => ({ type: 'object', properties: { size: { type: 'number', title: '金额', ...size } } });
    expect(check(form({}), { size: 1e15 })).toEqual([]);
    expect(check(form({}), { size: 1e308 })).toEqual([{ path: '/size', field: '金额', message: '「金额」不能大于 1000000000000000' }]);
    expect(check(form({}), { size: -1e16 })[0]!.message).toBe('「金额」不能小于 -1000000000000000');
    expect(check(form({ maximum: 1e18 }), { size: 1e17 })).toEqual([]);
    expect(check(form({ exclusiveMinimum: 0 }), { size: -1 })[0]!.path).toBe('/size');
  });
});

describe('uniqueItems is linear', () => {
  it('10,000 distinct rows pass in well under a second (ajv compared every pair: seconds); a repeat names both rows', () => {
    const rows = rowsOf(10_000);
    const schema = table({ maxItems: 20_000 });
    compileForm(schema);
    const t0 = performance.now();
    expect(check(schema, { households: rows })).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(800);
    rows.push({ ...rows[5000]! });
    expect(check(schema, { households: rows })).toEqual([{ path: '/households', field: '农户', message: '「农户」第 5001 项和第 10001 项重复了' }]);
  });

  it('equal as JSON Schema means: same keys in any order, 1 and 1.0 alike; different types differ', () => {
    const schema = { type: 'object', properties: { v: { type: 'array', title: '值', uniqueItems: true } } };
    expect(check(schema, { v: [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1.0 }] })).toHaveLength(1);
    expect(check(schema, { v: [1, '1', true, null, [1], { 1: 1 }] })).toEqual([]);
  });
});
