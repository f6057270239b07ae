import { describe, expect, it } from 'vitest';
import type { CaseDetail } from '../../designer/src/caseDetail';
import { pickedRowData, withRowChoices } from '../../designer/src/rowChoices';

type Records = NonNullable<CaseDetail['records']>;
const entries: Records['lists'][number] = {
  path: 'entries', title: '积分记录', form: 'entry',
  columns: [{ key: 'date', title: '日期', kind: 'date' }, { key: 'kind', title: '事项', kind: 'text' }, { key: 'points', title: '积分', kind: 'number' }, { key: 'note', title: '说明', kind: 'text' }, { key: '_at', title: '登记时间', kind: 'datetime' }],
  rows: [
    { date: '2026-02-27', kind: '志愿服务', points: 5, _id: 1 },
    { date: '2026-02-28', kind: '环境整治', points: 30, note: '清理河道', _id: 2, _at: '2026-03-02T02:00:00.000Z' },
    { date: '2026-03-01', kind: '志愿服务', points: 8, _id: 3, _voidAt: '2026-03-02T03:00:00.000Z' },
  ],
};
const returnForm = { type: 'object', properties: { row: { type: 'integer', title: '退回的记录', rowOf: 'entries' }, reason: { type: 'string', title: '退回原因' } } };

describe('a form that picks a row offers the case\'s rows by name', () => {
  it('each live row by its id and first values; a voided row is not offered', () => {
    const schema = withRowChoices(returnForm, { lists: [entries], computed: [], picked: [] });
    expect(schema.properties?.row).toEqual({ type: 'integer', title: '退回的记录', rowOf: 'entries', oneOf: [{ const: 1, title: '第 1 条：2026-02-27 · 志愿服务 · 5' }, { const: 2, title: '第 2 条：2026-02-28 · 环境整治 · 30' }] });
    expect(schema.properties?.reason).toEqual(returnForm.properties.reason);
  });

  it('a list with no rows yet, or a form without a picker, is left as it is', () => {
    expect(withRowChoices(returnForm, { lists: [], computed: [], picked: [] })).toBe(returnForm);
    const plain = { type: 'object', properties: { reason: { type: 'string', title: '退回原因' } } };
    expect(withRowChoices(plain, { lists: [entries], computed: [], picked: [] })).toBe(plain);
  });
});

describe('the form that corrects a returned row starts with what the row holds', () => {
  it('the picked row\'s own fields, without the engine\'s', () => {
    const records = { lists: [entries], computed: [], picked: [{ list: 'entries', id: 2, by: '退回这一条', reason: '应记 3 分' }] };
    expect(pickedRowData('entry', records)).toEqual({ date: '2026-02-28', kind: '环境整治', points: 30, note: '清理河道' });
    expect(pickedRowData('household', records)).toBeUndefined();
    expect(pickedRowData('entry', { ...records, picked: [] })).toBeUndefined();
  });
});
