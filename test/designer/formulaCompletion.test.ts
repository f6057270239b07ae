import { describe, expect, it } from 'vitest';
import { accept, completionsFor, wordBefore } from '../../designer/src/author/form/formulaCompletion';

const fields = [
  { path: 'price', title: '单价' },
  { path: 'count', title: '数量' },
  { path: 'members.income', title: '家庭成员 › 年收入' },
  { path: 'members.name', title: '家庭成员 › 姓名' },
];

describe('completion in the formula editor', () => {
  it('offers the fields and functions the word before the caret could become', () => {
    const { word, start } = wordBefore('price * co', 10);
    expect([word, start]).toEqual(['co', 8]);
    expect(completionsFor(word, fields).map((c) => c.insert)).toEqual(['count', 'CONCAT(', 'COUNT(', 'COUNTIF(', 'COUNTIFS(']);
    expect(completionsFor('su', fields).map((c) => c.insert)).toEqual(expect.arrayContaining(['SUM(', 'SUMIF(']));
    expect(completionsFor('members.', fields).map((c) => c.insert)).toEqual(['members.income', 'members.name']);
  });

  it('finds a field by its Chinese title and inserts its data path', () => {
    const text = 'SUM(收入';
    const { word, start } = wordBefore(text, text.length);
    const [hit] = completionsFor(word, fields);
    expect(hit).toMatchObject({ insert: 'members.income', detail: '家庭成员 › 年收入' });
    expect(accept(text, text.length, start, hit!)).toEqual({ text: 'SUM(members.income', caret: 18 });
  });

  it('accepts in the middle of a formula, keeping what follows the caret', () => {
    const text = 'ROUND(pr, 2)';
    const { word, start } = wordBefore(text, 8);
    const [hit] = completionsFor(word, fields);
    expect(accept(text, 8, start, hit!)).toEqual({ text: 'ROUND(price, 2)', caret: 11 });
  });

  it('offers nothing inside a quoted text, after a number, or for a word already whole', () => {
    expect(wordBefore('"co', 3).word).toBe('');
    expect(wordBefore('price * 12', 10).word).toBe('');
    expect(completionsFor('price', fields)).toEqual([]);
    expect(completionsFor('zz', fields)).toEqual([]);
  });
});
