import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../engine/check/index';
import { withFields } from '../../designer/src/author/form/FormBuilder';
import { idFromTitle } from '../../designer/src/author/form/fieldIds';
import { type Field, newField, readFields, retitle, savedIds } from '../../designer/src/author/form/formModel';
import { blankDefinition } from '../../designer/src/author/blank';

const starter = { role: 'village_cadre', level: 'village', label: '村委会经办人', kind: 'cadre', holders: 2 } as const;

/** Adds a field from the palette and types its title, as the author does in the builder. */
function addTitled(fields: Field[], kind: Parameters<typeof newField>[0], title: string, saved = new Set<string>()): Field[] {
  const f = newField(kind, fields.map((x) => x.key));
  let typed = f;
  // Typed a character at a time, as the input's change events arrive.
  for (let i = 1; i <= title.length; i++) typed = retitle(typed, title.slice(0, i), [...fields, typed], saved.has(typed.key));
  return [...fields, typed];
}

describe('field ids the author can read', () => {
  it('a new field is not called field1: its id is read from its title, Chinese or not, unique in the form', () => {
    expect(newField('text', []).key).not.toMatch(/^field\d+$/);
    expect(newField('money', []).key).toBe('amount');
    let fields: Field[] = [];
    fields = addTitled(fields, 'text', '申请人姓名');
    fields = addTitled(fields, 'idNumber', '申请人身份证号');
    fields = addTitled(fields, 'yesNo', '是否为低保户');
    fields = addTitled(fields, 'text', '低保证号');
    fields = addTitled(fields, 'text', '姓名');
    fields = addTitled(fields, 'text', '姓名');
    fields = addTitled(fields, 'longText', '申请理由');
    fields = addTitled(fields, 'number', '大棚');
    fields = addTitled(fields, 'text', 'Phone number');
    expect(fields.map((f) => f.key)).toEqual(['applicantName', 'applicantIdNumber', 'isDibaoHousehold', 'dibaoNumber', 'name', 'name2', 'applyReason', 'number', 'phoneNumber']);
    expect(checkDefinition(withFields(blankDefinition('ids', '编号', 'village', starter), 'apply', fields)).errors).toEqual([]);
  });

  it('an id the author typed stays when the title changes afterwards', () => {
    const f = { ...newField('text', []), key: 'xingming' };
    expect(retitle(f, '户主姓名', [f], false).key).toBe('xingming');
  });

  it('a saved or published field keeps its id when its title changes, so the data of existing cases still matches', () => {
    const published = withFields(blankDefinition('ids', '编号', 'village', starter), 'apply', addTitled([], 'text', '姓名'));
    const saved = savedIds(published.forms.apply);
    expect([...saved]).toEqual(['name']);
    const [name] = readFields(published.forms.apply!.schema as Record<string, unknown>);
    // The title was once the one its id came from; still the id stays.
    expect(retitle(name!, '户主姓名', [name!], saved.has(name!.key))).toMatchObject({ key: 'name', title: '户主姓名' });
    // A table's saved columns are named table.column and stay too.
    const table = { ...newField('table', []), key: 'members', columns: [{ ...newField('text', []), key: 'name', title: '姓名' }] };
    expect([...savedIds(withFields(published, 'apply', [table]).forms.apply)]).toEqual(['members', 'members.name']);
  });

  it('a title without a known word gives the kind\'s word, and a taken id a number', () => {
    expect(idFromTitle('大棚', 'money', ['amount'])).toBe('amount2');
    expect(idFromTitle('', 'date', [])).toBe('date');
    expect(idFromTitle('2024年收入', 'number', [])).toBe('number2024Income');
  });
});
