import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../engine/calendars';
import { evaluateFormula, type FieldTypes, FormulaError, type FormulaIssue, parseFormula, typeOf } from '../../engine/formula/index';

const NOW = Date.parse('2026-03-02T02:00:00Z');
const entries = [
  { kind: '志愿服务', points: 5, _id: 1, _at: '2026-01-10T02:00:00.000Z', _by: '张会计' },
  { kind: '环境整治', points: 3.5, _id: 2, _at: '2026-02-01T02:00:00.000Z', _by: '王村长' },
  { kind: '志愿服务', points: 8, _id: 3, _at: '2026-02-20T02:00:00.000Z', _by: '王村长' },
  { kind: '志愿服务', _id: 4, _at: '2026-03-01T02:00:00.000Z', _by: '张会计' },
];
const data = { entries, returned: { row: 2 }, nothing: null, account: { balance: 10 } };
const run = (f: string, d: object = data) => evaluateFormula(f, { data: d, now: NOW, calendar: defaultCalendar, tick: () => undefined });
const errorOf = (f: string, d: object = data) => {
  const v = run(f, d);
  return v instanceof FormulaError ? v.code : v;
};

describe('picking rows: INDEX, XLOOKUP, FILTER', () => {
  it('INDEX gives the n-th item; #REF! past the ends or for a place that is not whole', () => {
    expect(run('INDEX(entries.kind, 2)')).toBe('环境整治');
    expect(run('INDEX(entries.points, 4)')).toBe(null);
    expect(errorOf('INDEX(entries.points, 5)')).toBe('#REF!');
    expect(errorOf('INDEX(entries.points, 0)')).toBe('#REF!');
    expect(errorOf('INDEX(entries.points, 1.5)')).toBe('#REF!');
    expect(errorOf('INDEX(entries.points, nothing)')).toBe('#VALUE!');
    expect(errorOf('INDEX(absent.points, 1)')).toBe('#REF!');
  });

  it('XLOOKUP finds a row by its id and gives another column of it; #N/A or the fallback when none has it', () => {
    expect(run('XLOOKUP(returned.row, entries._id, entries.points)')).toBe(3.5);
    expect(run('XLOOKUP(returned.row, entries._id, entries._at)')).toBe('2026-02-01');
    expect(run('XLOOKUP("王村长", entries._by, entries._id)')).toBe(2);
    expect(errorOf('XLOOKUP(9, entries._id, entries.points)')).toBe('#N/A');
    expect(run('XLOOKUP(9, entries._id, entries.points, 0)')).toBe(0);
    expect(run('IFERROR(XLOOKUP(9, entries._id, entries.kind), "没有这一条")')).toBe('没有这一条');
    // Two lists of different lengths are not columns of one table.
    expect(errorOf('XLOOKUP(1, entries._id, FILTER(entries.points, entries.kind = "志愿服务"))')).toBe('#VALUE!');
  });

  it('FILTER keeps the items whose conditions all hold, compared row by row', () => {
    expect(run('FILTER(entries.points, entries.kind = "志愿服务")')).toEqual([5, 8, null]);
    expect(run('SUM(FILTER(entries.points, entries.kind = "志愿服务", entries._by = "张会计"))')).toBe(5);
    expect(run('FILTER(entries._id, entries._at >= "2026-02-01", entries._at < DATE(2026, 3, 1))')).toEqual([2, 3]);
    expect(run('COUNT(FILTER(entries, entries.kind <> "志愿服务"))')).toBe(1);
    expect(run('FILTER(entries.kind, entries._id = 99)')).toEqual([]);
    // A blank compared by size is an error value, as it is outside a list: the whole FILTER is.
    expect(errorOf('FILTER(entries._id, entries.points > 4)')).toBe('#VALUE!');
    expect(run('IFERROR(SUM(FILTER(entries.points, entries.points > 4)), 0)')).toBe(0);
  });

  it('a list compared with a value gives a list of TRUE and FALSE; two lists of unequal lengths, #VALUE!', () => {
    expect(run('entries._by = "张会计"')).toEqual([true, false, false, true]);
    expect(run('entries._id >= entries._id')).toEqual([true, true, true, true]);
    expect(errorOf('entries._id = FILTER(entries._id, entries._id > 2)')).toBe('#VALUE!');
  });
});

describe('counting and summing over several conditions: COUNTIFS, SUMIFS, MAXIFS, MINIFS', () => {
  it('counts, sums, and takes the largest and smallest of the rows where every list has its value', () => {
    expect(run('COUNTIFS(entries.kind, "志愿服务")')).toBe(3);
    expect(run('COUNTIFS(entries.kind, "志愿服务", entries._by, "张会计")')).toBe(2);
    expect(run('SUMIFS(entries.points, entries.kind, "志愿服务")')).toBe(13);
    expect(run('SUMIFS(entries.points, entries.kind, "志愿服务", entries._by, "王村长")')).toBe(8);
    expect(run('MAXIFS(entries.points, entries._by, "张会计")')).toBe(5);
    expect(run('MINIFS(entries.points, entries.kind, "志愿服务")')).toBe(5);
    expect(run('SUMIFS(entries.points, entries.kind, "志愿服务", entries._at, "2026-02-20")')).toBe(8);
  });

  it('no rows yet is 0 (or blank for MAXIFS); a single value where a list is wanted, or lists of unequal lengths, is #VALUE!', () => {
    expect(run('COUNTIFS(absent.kind, "志愿服务")')).toBe(0);
    expect(run('SUMIFS(absent.points, absent.kind, "志愿服务")')).toBe(0);
    expect(run('MAXIFS(absent.points, absent.kind, "志愿服务")')).toBe(null);
    expect(run('MAXIFS(entries.points, entries.kind, "没有")')).toBe(null);
    expect(errorOf('COUNTIFS(account.balance, 10)')).toBe('#VALUE!');
    expect(errorOf('SUMIFS(entries.points, FILTER(entries.kind, entries._id > 1), "志愿服务")')).toBe('#VALUE!');
    expect(errorOf('SUMIFS(entries.points, entries.kind, 1 / 0)')).toBe('#DIV/0!');
  });

  it('skips voided rows as every formula does', () => {
    const voided = { entries: entries.map((r) => (r._id === 3 ? { ...r, _voidAt: '2026-03-02T02:00:00.000Z' } : r)) };
    expect(run('SUMIFS(entries.points, entries.kind, "志愿服务")', voided)).toBe(5);
    expect(run('XLOOKUP(3, entries._id, entries.points, "已作废")', voided)).toBe('已作废');
    expect(run('INDEX(entries._id, 3)', voided)).toBe(4);
  });
});

describe('the type checker: lookups over lists, in pairs, of the right kind', () => {
  const fields: FieldTypes = (p) => ({
    'entries.points': { type: 'list' as const, item: 'number' as const },
    'entries.kind': { type: 'list' as const, item: 'text' as const },
    'entries._id': { type: 'list' as const, item: 'number' as const },
    'entries._at': { type: 'list' as const, item: 'date' as const },
    'returned.row': 'number' as const,
    'account.balance': 'number' as const,
    'account.name': 'text' as const,
  })[p];
  const check = (f: string) => {
    const issues: FormulaIssue[] = [];
    const node = parseFormula(f);
    if (node instanceof Error) throw node;
    const t = typeOf(node, fields, issues);
    return { t, issues: issues.map((i) => [i.kind, i.pos, i.message]) };
  };

  it('gives each the type its rows have', () => {
    expect(check('XLOOKUP(returned.row, entries._id, entries.points)')).toEqual({ t: { type: 'number' }, issues: [] });
    expect(check('XLOOKUP(returned.row, entries._id, entries._at)').t).toEqual({ type: 'date' });
    expect(check('INDEX(entries.kind, 1)').t).toEqual({ type: 'text' });
    expect(check('FILTER(entries.points, entries.kind = "志愿服务", entries._at >= "2026-01-01")')).toEqual({ t: { type: 'list', item: 'number' }, issues: [] });
    expect(check('entries.kind = "志愿服务"').t).toEqual({ type: 'list', item: 'boolean' });
    expect(check('SUMIFS(entries.points, entries.kind, "志愿服务", entries._id, 2) + MAXIFS(entries.points, entries.kind, "a") - COUNTIFS(entries.kind, "a")')).toEqual({ t: { type: 'number' }, issues: [] });
  });

  it('refuses a lookup over a single value, at the argument', () => {
    expect(check('XLOOKUP(1, account.balance, entries.points)').issues).toEqual([['list', 11, 'XLOOKUP 的第 2 个参数应为列表（如一张表的一列：entries.points），这里是数字']]);
    expect(check('INDEX(account.name, 1)').issues).toEqual([['list', 6, 'INDEX 的第 1 个参数应为列表（如一张表的一列：entries.points），这里是文字']]);
    expect(check('COUNTIFS(entries.kind, "a", account.name, "b")').issues).toEqual([['list', 28, 'COUNTIFS 的第 3 个参数应为列表（如一张表的一列：entries.points），这里是文字']]);
    expect(check('FILTER(entries.points, TRUE)').issues).toEqual([['list', 23, 'FILTER 的第 2 个参数应为列表（如一张表的一列：entries.points），这里是是/否']]);
  });

  it('refuses lists and values not in pairs, sums of text, conditions that are not 是/否, and rows compared with the wrong kind', () => {
    expect(check('COUNTIFS(entries.kind, "a", entries._id)').issues).toEqual([['arity', 0, 'COUNTIFS 的参数应成对给出：「列表, 值」，可以有几对，这里有 3 个']]);
    expect(check('SUMIFS(entries.points, entries.kind)').issues).toEqual([['arity', 0, 'SUMIFS 需要 至少 3 个参数，这里有 2 个']]);
    expect(check('SUMIFS(entries.points, entries.kind, "a", entries._id)').issues).toEqual([['arity', 0, 'SUMIFS 的参数应为：要计算的列表，然后成对的「列表, 值」，这里有 4 个']]);
    expect(check('SUMIFS(entries.kind, entries.kind, "a")').issues).toEqual([['type', 7, 'SUMIFS 的第 1 个参数（的每一项）应为数字，这里是文字']]);
    expect(check('FILTER(entries.points, entries.kind)').issues).toEqual([['type', 23, 'FILTER 的第 2 个参数（的每一项）应为是/否，这里是文字']]);
    expect(check('FILTER(entries.points, entries.kind > 5)').issues).toEqual([['type', 36, '「>」两边应为同一类值，这里是文字和数字']]);
    expect(check('FILTER(entries.points, entries._at > "明年")').issues).toEqual([['date', 37, '「>」右边应为日期，「明年」不是有效的日期（请用日期字段、DATE(年, 月, 日) 或 "2025-03-01" 这样的日期）']]);
    expect(check('IF(entries.kind = "a", 1, 2)').issues).toEqual([['type', 16, 'IF 的第 1 个参数应为是/否，这里是是/否列表']]);
  });
});
