import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../engine/check/index';
import type { Definition } from '../../engine/types';
import { withFields } from '../../designer/src/author/form/FormBuilder';
import { kindOf, PALETTE } from '../../designer/src/author/form/fieldKinds';
import { changeKind, type Field, newField, readFields, retitle, writeField, writeFields } from '../../designer/src/author/form/formModel';
import { allDefinitions, definitionsDir } from '../helpers/definitions';
import { blankDefinition } from '../../designer/src/author/blank';

type Json = Record<string, unknown>;
const starter = { role: 'village_cadre', level: 'village', label: '村委会经办人', kind: 'cadre', holders: 2 } as const;

describe('the form builder model', () => {
  it('reads and writes back every form of every shipped definition unchanged', () => {
    let forms = 0;
    for (const [, def] of allDefinitions()) {
      for (const form of Object.values(def.forms)) {
        const fields = readFields(form.schema as Json, (form.uiSchema ?? {}) as Json);
        const out = writeFields(fields, form.schema as Json, (form.uiSchema ?? {}) as Json);
        expect(out.schema).toEqual(form.schema);
        const ui = { ...(form.uiSchema ?? {}) } as Json;
        // ui:order is rewritten from the fields' order; it must still list every field.
        if (Array.isArray(ui['ui:order'])) expect(out.uiSchema['ui:order']).toEqual([...Object.keys((form.schema as { properties: object }).properties), '*']);
        delete ui['ui:order'];
        delete out.uiSchema['ui:order'];
        expect(out.uiSchema).toEqual(ui);
        forms++;
      }
    }
    expect(forms).toBeGreaterThan(15);
  });

  it('every palette kind is recognised again from what it produces, and a form of all of them passes the checker', () => {
    // A row picker needs a list the flow appends to (below).
    const kinds = PALETTE.filter((k) => k !== 'row');
    const fields = kinds.map((k, i) => ({ ...newField(k, kinds.slice(0, i).map((_, j) => `field${j + 1}`)), required: true }));
    for (const f of fields) expect(kindOf(f.schema, f.ui)).toBe(f.kind);
    fields.find((f) => f.kind === 'table')!.columns = [newField('text', []), newField('idNumber', ['field1'])];
    const def = withFields(blankDefinition('all-kinds', '全部字段', 'village', starter), 'apply', fields);
    const report = checkDefinition(def);
    expect(report.errors).toEqual([]);
    expect(report.warnings.filter((w) => w.code === 'field-title-missing')).toEqual([]);
  });

  it('a field shown on a condition is written as if/then, validated only when shown, and read back with its condition', () => {
    const yes = { ...newField('yesNo', []), key: 'dibao', title: '是否低保户', required: true };
    const no = { ...newField('text', ['dibao']), key: 'dibaoNo', title: '低保证号', required: true, showIf: { field: 'dibao', equals: true } };
    const def = withFields(blankDefinition('cond', '条件显示', 'village', starter), 'apply', [yes, no]);
    expect(checkDefinition(def).errors).toEqual([]);
    const schema = def.forms.apply!.schema as Json;
    expect(schema.allOf).toEqual([{ if: { properties: { dibao: { const: true } }, required: ['dibao'] }, then: { properties: { dibaoNo: writeField(no).schema }, required: ['dibaoNo'] } }]);
    expect(readFields(schema, def.forms.apply!.uiSchema as Json).map((f) => [f.key, f.showIf])).toEqual([['dibao', undefined], ['dibaoNo', { field: 'dibao', equals: true }]]);
  });

  it('a group is an object of its own fields, shown under its title, read back as a group', () => {
    const group = { ...newField('group', []), title: '现住址', columns: [{ ...newField('text', []), key: 'village', title: '村（社区）', required: true }, { ...newField('text', ['village']), key: 'room', title: '门牌号' }] };
    const out = writeFields([group]);
    expect((out.schema.properties as Json).group).toMatchObject({ type: 'object', title: '现住址', properties: { village: { title: '村（社区）' }, room: { title: '门牌号' } }, required: ['village'] });
    const back = readFields(out.schema, out.uiSchema)[0]!;
    expect([back.kind, back.columns!.map((c) => [c.key, c.required])]).toEqual(['group', [['village', true], ['room', false]]]);
  });

  it('a computed field is recognised by its formula, keeps it, and a form with one checks clean and computes', () => {
    const fields = readFields({ type: 'object', properties: { price: { type: 'number', title: '单价' }, count: { type: 'integer', title: '数量' }, total: { type: 'number', title: '合计', formula: 'price * count' } } });
    expect(fields.map((f) => f.kind)).toEqual(['number', 'number', 'computed']);
    expect(writeField(fields[2]!).schema).toMatchObject({ formula: 'price * count', title: '合计' });
    const fresh = newField('computed', []);
    expect(fresh.kind).toBe('computed');
    expect(typeof fresh.schema.formula).toBe('string');
  });

  it('a row picker (退回这一条) is recognised by its list, keeps it, and checks clean over a list the flow appends to; over any other, the checker says so', () => {
    const points = JSON.parse(readFileSync(join(definitionsDir, 'examples', 'household-points.json'), 'utf8')) as Definition;
    const returnEntry = points.forms.returnEntry!;
    const fields = readFields(returnEntry.schema as Json, (returnEntry.uiSchema ?? {}) as Json);
    expect(fields.map((f) => [f.key, f.kind])).toEqual([['row', 'row'], ['reason', 'longText']]);
    const picker = { ...newField('row', ['row', 'reason']), title: '有误的一条', required: true };
    expect(picker).toMatchObject({ kind: 'row', key: 'row2', schema: { type: 'integer', rowOf: '' } });
    const over = (list: string) => checkDefinition(withFields(points, 'returnEntry', [...fields, { ...picker, schema: { ...picker.schema, rowOf: list } }]));
    expect(over('entries').errors).toEqual([]);
    expect((over('entries').definition!.forms.returnEntry!.schema as { properties: Json }).properties.row2).toEqual({ type: 'integer', rowOf: 'entries', title: '有误的一条' });
    expect(over('household').errors.map((p) => [p.code, p.path])).toEqual([['row-list-unknown', '/forms/returnEntry/schema/properties/row2/rowOf']]);
  });

  it('limits, options and help text land on the right JSON Schema keywords', () => {
    const money = { ...newField('money', []), min: 1, max: 5000, help: '单位：元' };
    const multi = { ...newField('multiChoice', ['amount']), options: ['种植', '养殖', '务工'], min: 1 };
    const out = writeFields([money, multi]);
    expect((out.schema.properties as Json).amount).toMatchObject({ type: 'number', minimum: 1, maximum: 5000, multipleOf: 0.01, description: '单位：元' });
    expect((out.schema.properties as Json).choices).toMatchObject({ type: 'array', minItems: 1, items: { enum: ['种植', '养殖', '务工'] } });
  });
});

describe('a table\'s columns edited in their rows', () => {
  it('title, kind and required set inline give the columns the checker accepts and the builder reads back', () => {
    const table = { ...newField('table', []), title: '家庭成员', required: true, columns: [] as Field[] };
    // 添加一列 twice, then each row's title, kind and 必填 without opening the column.
    for (let i = 0; i < 2; i++) table.columns = [...table.columns, newField('text', table.columns.map((c) => c.key))];
    table.columns = table.columns.map((c, i) => retitle(c, ['姓名', '补助金额'][i]!, table.columns, false));
    table.columns[1] = { ...changeKind(table.columns[1]!, 'money'), required: true };
    table.columns[0] = { ...table.columns[0]!, required: true };
    const def = withFields(blankDefinition('cols', '表格', 'village', starter), 'apply', [table]);
    expect(checkDefinition(def).errors).toEqual([]);
    const items = ((def.forms.apply!.schema as { properties: Record<string, { items: { properties: object; required: string[] } }> }).properties.rows!).items;
    expect(items.properties).toEqual({ name: { type: 'string', maxLength: 100, title: '姓名' }, subsidyAmount: { type: 'number', minimum: 0, multipleOf: 0.01, title: '补助金额' } });
    expect(items.required).toEqual(['name', 'subsidyAmount']);
    const back = readFields(def.forms.apply!.schema as Record<string, unknown>, def.forms.apply!.uiSchema as Record<string, unknown>)[0]!;
    expect(back.columns!.map((c) => [c.key, c.kind, c.title, c.required])).toEqual([['name', 'text', '姓名', true], ['subsidyAmount', 'money', '补助金额', true]]);
  });

  it('a column switched to another kind keeps its title, id and required, and a kind-named title takes the new kind\'s name', () => {
    const c = { ...newField('text', []), title: '出生日期', key: 'birthDate', required: true };
    expect(changeKind(c, 'date')).toMatchObject({ kind: 'date', title: '出生日期', key: 'birthDate', required: true, schema: { type: 'string', format: 'date', title: '出生日期' } });
    const plain = newField('text', []);
    expect(changeKind(plain, 'number').title).toBe(newField('number', []).title);
  });
});
