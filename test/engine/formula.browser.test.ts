import { build } from 'esbuild';
import fc from 'fast-check';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultCalendar, evaluateFormula, formulaFunctions } from '../../engine/index';
import { FormulaError } from '../../engine/formula/index';
import { definitionsDir } from '../helpers/definitions';

type Evaluate = typeof evaluateFormula;
let browser: { evaluateFormula: Evaluate; defaultCalendar: typeof defaultCalendar };
const NOW = Date.parse('2025-06-01T00:00:00Z');

// The evaluator as the browser gets it: the engine's public entry bundled for the browser (ES2020, minified), then run here.
beforeAll(async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'cf-formula-')), 'formula.mjs');
  const result = await build({ stdin: { contents: "export { evaluateFormula, defaultCalendar } from './engine/index';", resolveDir: join(import.meta.dirname, '../..'), loader: 'ts' }, bundle: true, minify: true, platform: 'browser', target: 'es2020', format: 'esm', write: false, logLevel: 'silent' });
  writeFileSync(out, result.outputFiles[0]!.text);
  browser = await import(pathToFileURL(out).href);
}, 60_000);

/** Every formula the shipped definitions carry (guards, compute actions, computed fields). */
function shippedFormulas(): string[] {
  const found = new Set<string>();
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (typeof o.expr === 'string') found.add(o.expr);
      if (typeof o.formula === 'string') found.add(o.formula);
      Object.values(o).forEach(walk);
    }
  };
  for (const file of ['examples/points-ledger.json', 'templates/relocation.json']) walk(JSON.parse(readFileSync(join(definitionsDir, file), 'utf8')));
  return [...found];
}

const money = fc.integer({ min: 0, max: 10_000_000 }).map((fen) => fen / 100);
const day = fc.integer({ min: 0, max: 3650 }).map((n) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
const row = fc.record({ kind: fc.constantFrom('存入', '支取'), amount: money, on: day });
const data = fc.record({
  deposits: fc.array(fc.record({ amount: money }), { maxLength: 30 }),
  withdrawals: fc.array(fc.record({ amount: money }), { maxLength: 30 }),
  entries: fc.array(row, { maxLength: 30 }),
  members: fc.array(fc.record({ name: fc.string({ maxLength: 5 }) }), { maxLength: 20 }),
  account: fc.record({ balance: money }),
  a: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  b: fc.integer({ min: -1000, max: 1000 }),
  on: day,
});
const ours = [
  'SUMIF(entries.kind, "存入", entries.amount) - SUMIF(entries.kind, "支取", entries.amount)',
  'ROUND(a / (b + 0.5), 2)', 'IF(a > b, a - b, b - a)', 'AVERAGE(entries.amount)', 'MAX(entries.amount) - MIN(entries.amount)',
  'WORKDAY(on, b / 10)', 'DAYS(LAST(entries.on), on)', 'YEAR(on) * 100 + MONTH(on)', 'COUNTIF(entries.kind, "支取") & "笔"', 'a * b / 7',
  'SUMIFS(entries.amount, entries.kind, "存入") - MAXIFS(entries.amount, entries.kind, "支取")', 'XLOOKUP("支取", entries.kind, entries.on, "没有")',
  'COUNT(FILTER(entries.amount, entries.on >= on, entries.kind = "存入"))', 'IFERROR(INDEX(entries.amount, b), 0)', 'COUNTIFS(entries.kind, "存入", entries.on, on)',
];

describe('the browser and the engine compute the same', () => {
  it('for the shipped formulas and ours, over random data', () => {
    const formulas = [...shippedFormulas(), ...ours];
    expect(shippedFormulas().length).toBeGreaterThanOrEqual(5);
    fc.assert(
      fc.property(data, fc.constantFrom(...formulas), fc.integer({ min: 0, max: 2 * 365 * 86_400_000 }), fc.record({ amount: money }), (d, f, offset, submitted) => {
        const now = Date.parse('2025-06-01T00:00:00Z') + offset;
        const engine = evaluateFormula(f, { data: d, submitted, now, calendar: defaultCalendar, tick: () => undefined });
        const bundled = browser.evaluateFormula(f, { data: d, submitted, now, calendar: browser.defaultCalendar, tick: () => undefined });
        expect(bundled).toEqual(engine);
      }),
      { numRuns: 1500 },
    );
  });
});

/** Arguments of each type a function may be given, blanks and values of the wrong kind among them (the evaluator meets what the checker would refuse). */
const pools: Record<string, string[]> = {
  number: ['0', '3', '-2.5', 'a', 'b', 'account.balance', 'nothing', '"12"'],
  date: ['"2025-03-01"', 'on', 'LAST(entries.on)', 'nothing', '"明年"'],
  text: ['"存入"', '"支取"', 'LAST(members.name)', 'nothing'],
  boolean: ['TRUE', 'FALSE', 'a > b', 'nothing'],
  list: ['entries.amount', 'entries.kind', 'entries.on', 'deposits', 'members.name', 'a', 'nothing'],
};
pools.any = Object.values(pools).flat();
const names = Object.keys(formulaFunctions);
/** A call of a function from the table, with a random number of arguments, each of the type it wants or (one time in five) any. */
const call = fc.constantFrom(...names).chain((name) => {
  const fn = formulaFunctions[name]!;
  return fc.integer({ min: fn.min, max: Math.min(fn.max, fn.min + 3) }).chain((n) =>
    fc.tuple(...Array.from({ length: n }, (_, i) => fc.oneof({ arbitrary: fc.constantFrom(...pools[fn.arg(i)]!), weight: 4 }, { arbitrary: fc.constantFrom(...pools.any!), weight: 1 }))).map((args) => ({ name, args })),
  );
});
const text = ({ name, args }: { name: string; args: string[] }) => `${name}(${args.join(', ')})`;
const engineRun = (f: string, d: object) => evaluateFormula(f, { data: d, now: NOW, calendar: defaultCalendar, tick: () => undefined });

describe('every function of the table over random arguments', () => {
  it('gives a value case data can hold or an error value, never NaN, Infinity or nothing, and the browser gives the same', () => {
    expect(names.length).toBeGreaterThanOrEqual(27);
    fc.assert(
      fc.property(data, call, (d, c) => {
        const f = text(c);
        const got = engineRun(f, d);
        expect(got, f).not.toBeUndefined();
        if (typeof got === 'number') expect(Number.isFinite(got), f).toBe(true);
        expect(browser.evaluateFormula(f, { data: d, now: NOW, calendar: browser.defaultCalendar, tick: () => undefined }), f).toEqual(got);
      }),
      { numRuns: 3000 },
    );
  });

  it('passes an error value in any argument on as that error value, never a 0 or a blank standing in for it (except the functions that test for errors, and IF)', () => {
    const strict = names.filter((n) => !formulaFunctions[n]!.takesErrors && !formulaFunctions[n]!.lazy && formulaFunctions[n]!.min > 0);
    expect(strict).toContain('SUM');
    fc.assert(
      fc.property(data, call.filter((c) => strict.includes(c.name)), fc.nat(), (d, c, at) => {
        const args = [...c.args];
        args[at % args.length] = 'account.balance / 0';
        const f = text({ name: c.name, args });
        const got = engineRun(f, d);
        expect(got instanceof FormulaError && got.code, f).toBe('#DIV/0!');
      }),
      { numRuns: 2000 },
    );
  });
});
