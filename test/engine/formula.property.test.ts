import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../engine/calendars';
import { evaluateFormula, FormulaError } from '../../engine/formula/index';

/** A decimal as its digits and places: 12.34 is [1234n, 2]. */
interface Exact {
  digits: bigint;
  places: number;
}
const exactOf = (text: string): Exact => {
  const [whole, frac = ''] = text.replace('-', '').split('.');
  const digits = BigInt(`${whole}${frac}`);
  return { digits: text.startsWith('-') ? -digits : digits, places: frac.length };
};
/** |n / d| rounded to a whole number, half away from zero. */
const rounded = (n: bigint, d: bigint) => {
  const a = n < 0n ? -n : n;
  const b = d < 0n ? -d : d;
  return (a * 2n + b) / (b * 2n);
};
/** n / d rounded to millionths, half away from zero, as decimal text. */
function millionths(n: bigint, d: bigint): string {
  const q = rounded(n * 1_000_000n, d);
  return `${(n < 0n) !== (d < 0n) && q ? '-' : ''}${q / 1_000_000n}.${String(q % 1_000_000n).padStart(6, '0')}`;
}
/** The exact result of a op b, rounded to millionths (only * and / need it), or the error value a spreadsheet shows. */
function exact(op: string, a: Exact, b: Exact): string {
  const scale = (e: Exact, places: number) => e.digits * 10n ** BigInt(places - e.places);
  const p = Math.max(a.places, b.places);
  if (op === '+') return millionths(scale(a, p) + scale(b, p), 10n ** BigInt(p));
  if (op === '-') return millionths(scale(a, p) - scale(b, p), 10n ** BigInt(p));
  if (op === '*') return millionths(a.digits * b.digits, 10n ** BigInt(a.places + b.places));
  if (b.digits === 0n) return '#DIV/0!';
  return millionths(scale(a, p), scale(b, p));
}

/** Amounts as a cadre types them: up to 12 digits before the point and up to 4 after, zero often. */
const decimal = fc.oneof(
  fc.constant('0'),
  fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 999_999_999_999n }), fc.integer({ min: 0, max: 4 })).map(([neg, whole, places]) => {
    const text = places ? `${whole / 10n ** BigInt(places)}.${String(whole % 10n ** BigInt(places)).padStart(places, '0')}` : String(whole);
    return neg && whole ? `-${text}` : text;
  }),
);
const run = (formula: string, data: object) => evaluateFormula(formula, { data, now: 0, calendar: defaultCalendar, tick: () => undefined });

describe('arithmetic on random decimals: the exact decimal or an error value, never 0 or blank standing in for one', () => {
  it('+ - * / on two amounts from case data', () => {
    fc.assert(
      fc.property(decimal, decimal, fc.constantFrom('+', '-', '*', '/'), (x, y, op) => {
        const got = run(`a ${op} b`, { a: Number(x), b: Number(y) });
        const want = exact(op, exactOf(x), exactOf(y));
        if (want.startsWith('#')) expect(got instanceof FormulaError && got.code).toBe(want);
        else expect(got).toBe(Number(want));
      }),
      { numRuns: 3000 },
    );
  });

  it('SUM skips blanks; ROUND(ABS(…), 2) of the last amount is exact, and #VALUE! when it is blank', () => {
    fc.assert(
      fc.property(fc.array(fc.option(decimal, { nil: undefined }), { maxLength: 8 }), (xs) => {
        const rows = xs.map((x) => (x === undefined ? {} : { amount: Number(x) }));
        const filled = xs.filter((x): x is string => x !== undefined);
        const sum = filled.reduce((s, x) => exact('+', exactOf(s), exactOf(x)), '0');
        expect(run('SUM(rows.amount)', { rows })).toBe(Number(sum));
        const got = run('ROUND(ABS(LAST(rows.amount)), 2)', { rows });
        const last = xs.at(-1);
        if (last === undefined) expect(got instanceof FormulaError && got.code).toBe('#VALUE!');
        else {
          const e = exactOf(last);
          // Half away from zero at the second place: |amount| × 100 rounded, over 100.
          expect(got).toBe(Number(millionths(rounded(e.digits * 100n, 10n ** BigInt(e.places)), 100n)));
        }
      }),
      { numRuns: 500 },
    );
    const huge = { rows: [{ amount: 1e308 }, { amount: 1e308 }] };
    expect((run('SUM(rows.amount)', huge) as FormulaError).code).toBe('#NUM!');
  });
});

describe('sums and counts read row by row give what the general reading gives, and cost the budget the same', () => {
  // IF(TRUE, x) is x read the general way: the row loops (engine/formula/columns.ts) only take a plain column.
  const general = (f: string) => f.replace(/(entries(?:\.\w+)?)/g, 'IF(TRUE, $1)');
  const amount = fc.oneof(decimal.map(Number), fc.constantFrom(1e308, 9_007_199_254.740991, 0.0000005, -2.5));
  // Now and then a voided row (作废), which neither reading reads.
  const entry = fc.record({ kind: fc.constantFrom('存入', '支取', ''), amount, tags: fc.array(fc.constantFrom('a', 1), { maxLength: 2 }), _voidAt: fc.constant('2026-03-02T02:00:00.000Z') }, { requiredKeys: [] });
  // Now and then a row that is not a record, or a list, which the general reading flattens.
  const rows = fc.array(fc.oneof({ weight: 10, arbitrary: entry }, { weight: 1, arbitrary: fc.constantFrom(null, 5, '存入') }, { weight: 1, arbitrary: fc.array(entry, { maxLength: 2 }) }), { maxLength: 12 });
  const formulas = ['SUM(entries.amount)', 'COUNT(entries.amount)', 'AVERAGE(entries.amount)', 'MIN(entries.amount)', 'MAX(entries.amount)', 'COUNTIF(entries.kind, "存入")', 'SUMIF(entries.kind, "存入", entries.amount)', 'SUMIF(entries.kind, "", entries.amount)', 'SUMIF(entries.tags, "a", entries.amount)', 'COUNT(entries.tags)', 'SUMIF(entries.kind, 1 / 0, entries.amount)', 'COUNT(entries)', 'SUM(entries)', 'COUNTIF(entries, "存入")',
    // The functions that pick rows, which read the columns the general way: voided rows skipped alike.
    'SUMIFS(entries.amount, entries.kind, "存入")', 'COUNTIFS(entries.kind, "支取", entries.amount, 0.0000005)', 'MAXIFS(entries.amount, entries.kind, "支取")', 'MINIFS(entries.amount, entries.kind, "")',
    'XLOOKUP("支取", entries.kind, entries.amount, 0)', 'INDEX(entries.amount, 2)', 'SUM(FILTER(entries.amount, entries.kind = "存入"))'];
  it('over random rows, odd rows among them', () => {
    fc.assert(
      fc.property(rows, fc.constantFrom(...formulas), (entries, f) => {
        let fast = 0;
        let slow = 0;
        const fastValue = evaluateFormula(f, { data: { entries }, now: 0, calendar: defaultCalendar, tick: (n = 1) => void (fast += n) });
        const slowValue = evaluateFormula(general(f), { data: { entries }, now: 0, calendar: defaultCalendar, tick: (n = 1) => void (slow += n) });
        expect(fastValue).toEqual(slowValue);
        // Over plain rows the loop is taken, and counts what the general reading counts (each IF(TRUE, …) is two nodes more).
        const wrapped = (general(f).match(/IF\(TRUE/g) ?? []).length;
        if (entries.every((e) => e !== null && typeof e === 'object' && !Array.isArray(e)) && !f.includes('tags')) expect(fast).toBe(slow - 2 * wrapped);
      }),
      { numRuns: 2000 },
    );
  });
});
