import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../engine/calendars';
import { caseTitleOf, evaluateFormula, type FieldTypes, FormulaError, FormulaSyntaxError, formulaFunctions, type FormulaIssue, parseFormula, shortNumber, typecheck, uniqueKeyOf, untitledCase } from '../../engine/formula/index';

const NOW = Date.parse('2026-03-02T02:00:00Z'); // Monday 10:00 in Beijing
const data = {
  a: 0.1,
  b: 0.2,
  entries: [{ kind: '存入', amount: 100.1, on: '2026-01-05' }, { kind: '支取', amount: 30.05, on: '2026-02-01' }, { kind: '存入', amount: 0.01, on: '2026-03-01' }],
  empty: [],
  register: { householder: '李明华', signedOn: '2026-09-29', poor: true },
};
const run = (f: string, more: object = {}) => evaluateFormula(f, { data, now: NOW, calendar: defaultCalendar, tick: () => undefined, ...more });
/** The error value a formula gives, as a spreadsheet shows it (#DIV/0!), or what it gives instead. */
const errorOf = (f: string, more: object = {}) => {
  const v = run(f, more);
  return v instanceof FormulaError ? v.code : v;
};

describe('formula arithmetic is exact', () => {
  it('adds decimals and money to the fen without drift', () => {
    expect(run('a + b')).toBe(0.3);
    expect(run('a + b = 0.3')).toBe(true);
    expect(run('SUM(entries.amount)')).toBe(130.16);
    expect(run('19.99 * 3')).toBe(59.97);
    expect(run('1 - 0.9')).toBe(0.1);
  });

  it('follows Excel precedence, unary minus and comparison', () => {
    expect(run('2 + 3 * 4')).toBe(14);
    expect(run('-2 * 3 + 1')).toBe(-5);
    expect(run('(2 + 3) * 4 >= 20')).toBe(true);
    expect(run('"甲" <> "乙"')).toBe(true);
    expect(run('=10 / 4')).toBe(2.5);
  });

  it('gives an error value, never 0, blank or an exception, for a division by zero, a blank or text where a number is needed', () => {
    expect(errorOf('1 / 0')).toBe('#DIV/0!');
    expect(run('nothing.here')).toBe(null);
    expect(errorOf('nothing.here + 1')).toBe('#VALUE!');
    expect(errorOf('register.householder * 2')).toBe('#VALUE!');
  });

  it('gives #NUM!, never a RangeError or null, for a number or a date past what case data holds', () => {
    const huge = { data: { n: 1e308, small: 1e-300, d: '2026-01-01' } };
    expect(run('n', huge)).toBe(1e308);
    expect(run('n + 1', huge)).toBe(1e308);
    expect(errorOf('n * 2', huge)).toBe('#NUM!');
    expect(errorOf('n / 0.000001', huge)).toBe('#NUM!');
    expect(errorOf('-n - n', huge)).toBe('#NUM!');
    expect(errorOf('SUM(n, n)', huge)).toBe('#NUM!');
    expect(run('small + 1', huge)).toBe(1);
    expect(errorOf('d + 1000000000', huge)).toBe('#NUM!');
    expect(errorOf('d - n', huge)).toBe('#NUM!');
    expect(errorOf('DATE(275760, 1, 1)')).toBe('#NUM!');
    expect(run('DATE(9999, 12, 31)')).toBe('9999-12-31');
  });

  it('reads large amounts with cents exactly as written', () => {
    const big = { data: { x: 123456789012.34, y: 0.01, z: -98765432109.87 } };
    expect(run('x + y', big)).toBe(123456789012.35);
    expect(run('x + z', big)).toBe(24691356902.47);
    expect(run('x * 100', big)).toBe(12345678901234);
  });

  it('refuses, with the budget\'s own error, to build a text past the engine\'s limit', () => {
    const long = { data: { t: 'x'.repeat(300_000) } };
    expect(run('LEN(t & t & t)', long)).toBe(900_000);
    expect(() => run('t & t & t & t', long)).toThrow(expect.objectContaining({ name: 'BudgetExceeded', kind: 'textLength' }));
    expect(() => run('CONCAT(t, t, t, t)', long)).toThrow(expect.objectContaining({ kind: 'textLength' }));
  });
});

describe('every function, with its edge cases', () => {
  it('SUM, COUNT, COUNTIF, SUMIF, AVERAGE, MIN, MAX over lists, empty lists and single values', () => {
    expect(run('SUM(empty.amount)')).toBe(0);
    expect(run('SUM(1, 2, entries.amount)')).toBe(133.16);
    expect(run('COUNT(entries)')).toBe(3);
    expect(run('COUNT(empty)')).toBe(0);
    expect(run('COUNTIF(entries.kind, "存入")')).toBe(2);
    expect(run('SUMIF(entries.kind, "存入", entries.amount) - SUMIF(entries.kind, "支取", entries.amount)')).toBe(70.06);
    expect(run('AVERAGE(1, 2)')).toBe(1.5);
    expect(errorOf('AVERAGE(empty.amount)')).toBe('#DIV/0!');
    expect(run('AVERAGE(1, 2, 2)')).toBe(1.666667);
    expect(run('MIN(entries.amount)')).toBe(0.01);
    expect(run('MAX(entries.amount, 200)')).toBe(200);
    expect(run('MAX(empty.amount)')).toBe(null);
  });

  it('ROUND half away from zero, ABS, IF (only the branch taken), AND, OR, NOT, ISBLANK', () => {
    expect(run('ROUND(2.5)')).toBe(3);
    expect(run('ROUND(-2.5)')).toBe(-3);
    expect(run('ROUND(10 / 3, 2)')).toBe(3.33);
    expect(run('ROUND(0.125, 2)')).toBe(0.13);
    expect(run('ABS(-3.5)')).toBe(3.5);
    expect(run('IF(register.poor, "建档立卡", "一般户")')).toBe('建档立卡');
    expect(run('IF(FALSE, 1)')).toBe(null);
    expect(run('AND(TRUE, 1 > 0)')).toBe(true);
    expect(run('OR(FALSE, 1 < 0)')).toBe(false);
    expect(run('NOT(ISBLANK(register.householder))')).toBe(true);
    expect(run('ISBLANK(register.phone)')).toBe(true);
    expect(run('ISBLANK(empty)')).toBe(true);
  });

  it('LEN, CONCAT and &; FIRST and LAST of a list (the latest entry)', () => {
    expect(run('LEN(register.householder)')).toBe(3);
    expect(run('CONCAT(register.householder, "户")')).toBe('李明华户');
    expect(run('register.householder & "（" & COUNT(entries) & "笔）"')).toBe('李明华（3笔）');
    expect(run('FIRST(entries.on)')).toBe('2026-01-05');
    expect(run('LAST(entries.amount)')).toBe(0.01);
    expect(run('LAST(empty.amount)')).toBe(null);
  });

  it('dates in Beijing time from the engine\'s now: TODAY across the new year, DATE, YEAR, MONTH, DAY, DAYS, date arithmetic', () => {
    expect(run('TODAY()')).toBe('2026-03-02');
    expect(run('TODAY()', { now: Date.parse('2026-12-31T16:30:00Z') })).toBe('2027-01-01');
    expect(run('DATE(YEAR(TODAY()), 12, 31)')).toBe('2026-12-31');
    expect(run('MONTH(register.signedOn) & "/" & DAY(register.signedOn)')).toBe('9/29');
    expect(run('DAYS(DATE(2027, 1, 1), DATE(2026, 12, 31))')).toBe(1);
    expect(run('register.signedOn + 3')).toBe('2026-10-02');
    expect(run('DATE(2026, 2, 30)')).toBe('2026-03-02');
  });

  it('WORKDAY counts on the county calendar: National Day and the make-up Saturday', () => {
    // Tuesday 29 September + 5 working days: 30 Sep, (1–7 Oct off), 8, 9, 10 (Saturday worked), 12 October.
    expect(run('WORKDAY(register.signedOn, 5)')).toBe('2026-10-12');
    expect(run('WORKDAY(DATE(2026, 3, 6), 1)')).toBe('2026-03-09');
  });

  it('every function has a Chinese summary and an example that parses', () => {
    for (const [name, fn] of Object.entries(formulaFunctions)) {
      expect(fn.summary, name).toMatch(/[\u4e00-\u9fff]/);
      expect(parseFormula(fn.example), name).not.toBeInstanceOf(FormulaSyntaxError);
    }
  });
});

describe('error values (#DIV/0!, #NUM!, #VALUE!), as an accountant expects', () => {
  const shared = { data: { plan: { total: 90000, people: 0, note: '无' }, rows: [{ amount: 10 }, {}, { amount: 2.5 }] } };

  it('a division by zero people is #DIV/0!, and a comparison with it stays an error: the guard cannot pass', () => {
    expect(errorOf('plan.total / plan.people', shared)).toBe('#DIV/0!');
    expect(errorOf('plan.total / plan.people <= 500', shared)).toBe('#DIV/0!');
    expect(errorOf('ROUND(plan.total / plan.people, 2)', shared)).toBe('#DIV/0!');
    expect(errorOf('IF(plan.total / plan.people > 0, "有", "无")', shared)).toBe('#DIV/0!');
    expect(errorOf('AND(TRUE, plan.total / plan.people > 0)', shared)).toBe('#DIV/0!');
    expect(errorOf('"人均" & plan.total / plan.people', shared)).toBe('#DIV/0!');
  });

  it('a blank where a number is needed is #VALUE!, never 0: arithmetic, ROUND, ABS, a minus sign, a comparison', () => {
    expect(errorOf('ROUND(plan.missing)', shared)).toBe('#VALUE!');
    expect(errorOf('plan.missing / 2', shared)).toBe('#VALUE!');
    expect(errorOf('ABS(plan.missing)', shared)).toBe('#VALUE!');
    expect(errorOf('-plan.missing', shared)).toBe('#VALUE!');
    expect(errorOf('plan.missing <= 500', shared)).toBe('#VALUE!');
    expect(errorOf('WORKDAY(TODAY(), plan.missing)', shared)).toBe('#VALUE!');
    expect(errorOf('DATE(2026, plan.missing, 1)', shared)).toBe('#VALUE!');
    expect(errorOf('plan.note > 3', shared)).toBe('#VALUE!');
  });

  it('a whole row or form where text is needed is #VALUE!, never 「[object Object]」 stored as text', () => {
    expect(errorOf('"户主：" & register')).toBe('#VALUE!');
    expect(errorOf('CONCAT(entries, "笔")')).toBe('#VALUE!');
    expect(errorOf('LEN(LAST(entries))')).toBe('#VALUE!');
    // A row without a prototype (as safe JSON parsing gives) does not throw either.
    expect(errorOf('CONCAT(rows)', { data: { rows: [Object.assign(Object.create(null), { amount: 1 })] } })).toBe('#VALUE!');
    expect(run('CONCAT(entries.kind)')).toBe('存入、支取、存入');
  });

  it('SUM, AVERAGE, MIN, MAX and COUNT skip blanks, as spreadsheets do; = and <> take a blank as blank, not 0', () => {
    expect(run('SUM(rows.amount)', shared)).toBe(12.5);
    expect(run('AVERAGE(rows.amount)', shared)).toBe(6.25);
    expect(run('MIN(rows.amount)', shared)).toBe(2.5);
    expect(run('COUNT(rows.amount)', shared)).toBe(2);
    expect(run('plan.missing = 0', shared)).toBe(false);
    expect(run('plan.missing = ""', shared)).toBe(true);
    expect(run('plan.missing <> 0', shared)).toBe(true);
    expect(run('plan.missing & "户"', shared)).toBe('户');
    expect(run('YEAR(plan.missing)', shared)).toBe(null);
  });

  it('IFERROR gives the fallback for an error value only; ISERROR and ISBLANK tell them apart', () => {
    expect(run('IFERROR(plan.total / plan.people, 0)', shared)).toBe(0);
    expect(run('IFERROR(plan.total / 3, 0)', shared)).toBe(30000);
    expect(run('IFERROR(plan.missing + 1, "未填")', shared)).toBe('未填');
    expect(run('ISERROR(plan.total / plan.people)', shared)).toBe(true);
    expect(run('ISERROR(plan.total)', shared)).toBe(false);
    expect(run('ISBLANK(plan.total / plan.people)', shared)).toBe(false);
    expect(run('IF(ISBLANK(plan.missing), 0, plan.missing * 2)', shared)).toBe(0);
    expect(errorOf('IFERROR(1 / 0, 1 / 0)')).toBe('#DIV/0!');
  });

  it('an error value says why in Chinese', () => {
    const v = run('plan.total / plan.people', shared) as FormulaError;
    expect(v.reason).toBe('除数为零');
    expect((run('plan.missing * 2', shared) as FormulaError).reason).toContain('空白');
  });
});

describe('syntax errors and type errors name the place in the formula', () => {
  it.each([
    ['SUM(1,', 6, '不完整'],
    ['a +* b', 3, '「*」前面缺少数值'],
    ['"未结束', 0, '引号'],
    ['a # b', 2, '不认识的符号'],
    ['(1 + 2', 6, '右括号'],
  ])('%s', (text, pos, words) => {
    const r = parseFormula(text);
    expect(r).toBeInstanceOf(FormulaSyntaxError);
    expect((r as FormulaSyntaxError).pos).toBe(pos);
    expect((r as FormulaSyntaxError).message).toContain(words);
  });

  const fields: FieldTypes = (p) => ({ amount: 'number', name: 'text', on: 'date', 'entries.amount': { type: 'list', item: 'number' }, 'entries.kind': { type: 'list', item: 'text' }, 'entries.on': { type: 'list', item: 'date' } } as Record<string, ReturnType<FieldTypes>>)[p];
  const issuesOf = (text: string) => {
    const issues: FormulaIssue[] = [];
    typecheck(parseFormula(text) as never, fields, issues);
    return issues.map((i) => `${i.kind}@${i.pos}`);
  };
  it('unknown field, unknown function, wrong number of arguments, wrong type', () => {
    expect(issuesOf('amout + 1')).toEqual(['field@0']);
    expect(issuesOf('SUMM(entries.amount)')).toEqual(['function@0']);
    expect(issuesOf('ROUND(1, 2, 3)')).toEqual(['arity@0']);
    expect(issuesOf('amount + name')).toEqual(['type@9']);
    expect(issuesOf('YEAR(amount)')).toEqual(['type@5']);
    expect(issuesOf('amount < on')).toEqual(['type@7']);
    expect(issuesOf('entries.amount * 2')).toEqual(['type@0']);
    expect(issuesOf('SUM(entries.amount) / COUNT(entries.amount) > amount')).toEqual([]);
  });
  it('text where a date is wanted, an item keeping its type, sums of text, two dates added', () => {
    expect(issuesOf('YEAR(name)')).toEqual(['date@5']);
    expect(issuesOf('on > "明年"')).toEqual(['date@5']);
    expect(issuesOf('on > "2025-02-30"')).toEqual(['date@5']);
    expect(issuesOf('on > "2025-02-28"')).toEqual([]);
    expect(issuesOf('LAST(entries.on) > 180')).toEqual(['type@17']);
    expect(issuesOf('FIRST(entries.amount) * 2')).toEqual([]);
    expect(issuesOf('SUM(entries.kind)')).toEqual(['type@4']);
    expect(issuesOf('SUM(name, amount)')).toEqual(['type@4']);
    expect(issuesOf('SUMIF(entries.kind, "存入", entries.kind)')).toEqual(['type@26']);
    expect(issuesOf('on + on')).toEqual(['type@5']);
    expect(issuesOf('3 - on')).toEqual(['type@0']);
    expect(issuesOf('on - on > 3')).toEqual([]);
    expect(issuesOf('IFERROR(amount / 0, 0) + 1')).toEqual([]);
  });
});

describe('uniqueness keys and titles wait for their data', () => {
  const at = Date.parse('2026-03-02T02:00:00Z');
  const key = (spec: string, data: unknown) => uniqueKeyOf(spec, data, at, defaultCalendar);
  it('a key with a blank part is no key; a column of a list is blank only when no row has it; a formula testing blanks decides itself', () => {
    expect(key('=apply.idNumber & "-" & YEAR(TODAY())', { apply: {} })).toBe('');
    expect(key('=apply.idNumber & "-" & YEAR(TODAY())', { apply: { idNumber: '532326198001010151' } })).toBe('532326198001010151-2026');
    expect(key('=apply.id & "-" & COUNT(loans.year)', { apply: { id: 'a' }, loans: [{ year: 2025 }] })).toBe('a-1');
    expect(key('=apply.id & "-" & COUNT(loans.year)', { apply: { id: 'a' }, loans: [] })).toBe('');
    expect(key('=IF(ISBLANK(apply.id), apply.passport, apply.id)', { apply: { passport: 'E123' } })).toBe('E123');
  });
  it('a title reading a blank field, or only blanks, is no title (the process name and short number show); one with every value is kept', () => {
    const title = (spec: string, data: unknown) => caseTitleOf(spec, data, at, defaultCalendar);
    const loan = '=apply.borrower & "（" & apply.amount & " 元）"';
    expect(title(loan, { apply: {} })).toBe('');
    expect(title(loan, { apply: { borrower: '周春福' } })).toBe('');
    expect(title(loan, { apply: { borrower: '周春福', amount: 3000 } })).toBe('周春福（3000 元）');
    const ledger = '=household.name & "户 " & plan.year & " 年积分账"';
    expect(title(ledger, { household: { name: '李明华' }, plan: {} })).toBe('');
    expect(title(ledger, { household: { name: '  ' }, plan: { year: 2026 } })).toBe('');
    expect(title(ledger, { household: { name: '李明华' }, plan: { year: 2026 } })).toBe('李明华户 2026 年积分账');
    expect(title('register.householder', { register: { householder: '' } })).toBe('');
    // A formula that tests for blanks itself decides what a blank part means.
    expect(title('=apply.borrower & IF(ISBLANK(apply.amount), "", "（" & apply.amount & " 元）")', { apply: { borrower: '周春福' } })).toBe('周春福');
  });

  it('an untitled case is named by its process and short number, as lists show the number', () => {
    expect(shortNumber('3f2a9c1b-7d4e-4a2b-9c1d-0e5f6a7b8c9d')).toBe('3F2A9C1B');
    expect(untitledCase('积分台账', '3f2a9c1b-7d4e-4a2b-9c1d-0e5f6a7b8c9d')).toBe('积分台账 3F2A9C1B');
  });
});
