/**
 * Formula values. Numbers are exact decimals (BigInt millionths): 0.1 + 0.2 is 0.3 and money
 * in yuan adds to the fen, with no floating-point drift. Dates are days in the calendar's
 * time zone (Beijing time). Blank is a missing field. A formula never throws on data: what a
 * spreadsheet shows as #DIV/0!, #NUM! or #VALUE! is an error value (FormulaError), which every
 * operator and function passes on, so it can never stand in as 0 or blank.
 */
import { BUDGET, BudgetExceeded } from '../budget';

export const SCALE = 1_000_000n;
/** The largest magnitude a formula number may reach, in millionths: the largest a JSON number holds. */
const MAX_UNITS = BigInt(Number.MAX_VALUE) * SCALE;

/** The codes of a formula's error values, as a spreadsheet shows them. */
export type ErrorCode = '#DIV/0!' | '#NUM!' | '#VALUE!';

/** An error value (#DIV/0!, #NUM!, #VALUE!) and why, in Chinese: passed on by every operator and function but IFERROR, ISERROR and ISBLANK. */
export class FormulaError {
  constructor(readonly code: ErrorCode, readonly reason: string) {}
}

export const DIV0 = new FormulaError('#DIV/0!', '除数为零');
export const TOO_LARGE = new FormulaError('#NUM!', '结果超出了数字能存的范围');
export const NO_DAY = new FormulaError('#NUM!', '日期超出了公元 1 年到 9999 年');
export const BLANK_NUMBER = new FormulaError('#VALUE!', '需要数字的地方是空白（没有填写）');
export const NOT_NUMBER = new FormulaError('#VALUE!', '需要数字的地方不是数字');
export const NOT_DAY = new FormulaError('#VALUE!', '需要日期的地方不是日期');
export const NOT_TEXT = new FormulaError('#VALUE!', '需要文字的地方是一整组数据（一行或一张表单），不是一项');

/** Below this size a number's millionths come exactly from one multiplication (the rounding error stays under half a millionth). */
const FAST = 1e9;

export class Decimal {
  constructor(readonly units: bigint) {}
  /** A JSON number as the decimal it is written as (12.34 is exactly 12.34), rounded to millionths half away from zero; blank for NaN or Infinity. */
  static of(n: number): Decimal | null {
    if (!Number.isFinite(n)) return null;
    if (Math.abs(n) < FAST) return new Decimal(BigInt(Math.sign(n) * Math.round(Math.abs(n) * 1_000_000)));
    return Decimal.parse(String(n));
  }
  /** The number of these millionths, or #NUM! when it is too large for case data to hold. */
  static within(units: bigint): Decimal | FormulaError {
    return units > MAX_UNITS || units < -MAX_UNITS ? TOO_LARGE : new Decimal(units);
  }
  /** Decimal text (digits, a point, an exponent as JavaScript writes large numbers), rounded to millionths half away from zero. */
  static parse(text: string): Decimal {
    const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:e([-+]?\d+))?$/i.exec(text.trim());
    if (!m) return new Decimal(0n);
    const digits = `${m[2] ?? ''}${m[3] ?? ''}` || '0';
    // The value is digits × 10^shift millionths.
    const shift = 6 + Number(m[4] ?? 0) - (m[3] ?? '').length;
    let units: bigint;
    if (shift >= 0) units = BigInt(digits) * 10n ** BigInt(shift);
    else {
      const step = 10n ** BigInt(-shift);
      units = (BigInt(digits) + step / 2n) / step;
    }
    return new Decimal(m[1] === '-' ? -units : units);
  }
  /** The nearest JSON number. */
  toNumber(): number {
    const u = this.units;
    // Below 2^53 the millionths are exact as a number, and one division rounds correctly.
    if (u < 9_007_199_254_740_992n && u > -9_007_199_254_740_992n) return Number(u) / 1_000_000;
    const abs = u < 0n ? -u : u;
    return Number(`${u < 0n ? '-' : ''}${abs / SCALE}.${String(abs % SCALE).padStart(6, '0')}`);
  }
}

/** Days from 1970-01-01 to 0001-01-01 and to 9999-12-31: the dates case data writes as YYYY-MM-DD. */
const FIRST_DAY = -719_162;
const LAST_DAY = 2_932_896;

/** A calendar day: days since 1970-01-01 in the calendar's time zone. */
export class Day {
  constructor(readonly n: number) {}
  /** The day `n`, or blank outside the years 1–9999 (or for a number that is not a whole day). */
  static of(n: number): Day | null {
    return Number.isInteger(n) && n >= FIRST_DAY && n <= LAST_DAY ? new Day(n) : null;
  }
  static parse(text: string): Day | null {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) return null;
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const d = new Date(ms);
    return d.getUTCMonth() === Number(m[2]) - 1 ? Day.of(ms / 86_400_000) : null;
  }
  iso(): string {
    return new Date(this.n * 86_400_000).toISOString().slice(0, 10);
  }
}

export type Value = Decimal | string | boolean | Day | FormulaError | null | Value[];

/** The day `n` as a value: #NUM! outside the years 1–9999. */
export const dayOrError = (n: number): Day | FormulaError => Day.of(n) ?? NO_DAY;

/** A value as text, or #VALUE! when it holds a whole row or form (which has no text of its own: never 「[object Object]」). */
export function textOr(v: Value): string | FormulaError {
  const whole = (x: Value): boolean => (Array.isArray(x) ? x.some(whole) : x !== null && typeof x === 'object' && !(x instanceof Decimal) && !(x instanceof Day) && !(x instanceof FormulaError));
  return whole(v) ? NOT_TEXT : asText(v);
}

/** Reads case data into a formula value: numbers exact, lists as lists, objects as they are (only paths reach inside). */
export function fromData(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Decimal.of(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(fromData);
  return v as unknown as Value;
}

/** Writes a formula value into case data: numbers as JSON numbers, days as YYYY-MM-DD; an error value stays itself, for the caller to refuse. */
export function toData(v: Value): unknown {
  if (v instanceof Decimal) return v.toNumber();
  if (v instanceof Day) return v.iso();
  if (Array.isArray(v)) return v.map(toData);
  return v;
}

/** Rounds to `digits` decimals, half away from zero (as Excel's ROUND). */
export function roundTo(d: Decimal, digits: number): Decimal {
  const keep = 6 - Math.max(-6, Math.min(6, Math.trunc(digits)));
  if (keep <= 0) return d;
  const step = 10n ** BigInt(keep);
  const neg = d.units < 0n;
  const abs = neg ? -d.units : d.units;
  const r = ((abs + step / 2n) / step) * step;
  return new Decimal(neg ? -r : r);
}

/** Text joined from parts, refused (the budget's `textLength`) before a text longer than the engine allows is built. */
export function joinText(parts: readonly string[], separator = ''): string {
  let length = separator.length * Math.max(0, parts.length - 1);
  for (const p of parts) length += p.length;
  if (length > BUDGET.textLength) throw new BudgetExceeded('textLength', []);
  // Joined with +, which V8 keeps as a rope: a formula appending to a long text (a & b & c …) does not copy it each time.
  let out = '';
  for (let i = 0; i < parts.length; i++) out = i ? out + separator + parts[i] : parts[i]!;
  return out;
}

/** a / b rounded half away from zero on the last digit; #DIV/0! for a division by zero, #NUM! for a result too large. */
export function divide(a: Decimal, b: Decimal): Decimal | FormulaError {
  if (b.units === 0n) return DIV0;
  const num = a.units * SCALE;
  const q = num / b.units;
  const rem = num % b.units;
  // Half away from zero on the last digit.
  const twice = (rem < 0n ? -rem : rem) * 2n;
  const den = b.units < 0n ? -b.units : b.units;
  if (twice >= den) return Decimal.within(q + ((num < 0n) !== (b.units < 0n) ? -1n : 1n));
  return Decimal.within(q);
}

/** a × b rounded half away from zero; #NUM! for a result too large. */
export const multiply = (a: Decimal, b: Decimal): Decimal | FormulaError => {
  const p = a.units * b.units;
  const half = SCALE / 2n;
  return Decimal.within(p >= 0n ? (p + half) / SCALE : -((-p + half) / SCALE));
};

/** A value as a number: TRUE is 1; blank, text or a date is not a number (null). */
export const asNumber = (v: Value): Decimal | null => (v instanceof Decimal ? v : typeof v === 'boolean' ? new Decimal(v ? 1_000_000n : 0n) : null);

/** A value where a number is needed: the number, or the error value it is (blank and text give #VALUE!, an error stays itself). */
export const numberOr = (v: Value): Decimal | FormulaError => asNumber(v) ?? (v instanceof FormulaError ? v : v === null ? BLANK_NUMBER : NOT_NUMBER);

/** A value as a day: a day, or text written YYYY-MM-DD. */
export const asDay = (v: Value): Day | null => (v instanceof Day ? v : typeof v === 'string' ? Day.parse(v) : null);

/** A value as text: numbers as written, days as YYYY-MM-DD, lists joined with 、, an error value as its code. */
export const asText = (v: Value): string => (v === null ? '' : v instanceof Decimal ? String(v.toNumber()) : v instanceof Day ? v.iso() : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : Array.isArray(v) ? joinText(v.map(asText), '、') : v instanceof FormulaError ? v.code : String(v));
