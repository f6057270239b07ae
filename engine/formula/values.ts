/**
 * Formula values. Numbers are exact decimals (millionths as scaled integers, decimal.ts): 0.1 +
 * 0.2 is 0.3 and money in yuan adds to the fen, with no floating-point drift. Dates are days in
 * the calendar's time zone (Beijing time). Blank is a missing field. A formula never throws on
 * data: what a spreadsheet shows as #DIV/0!, #NUM! or #VALUE! is an error value (FormulaError),
 * which every operator and function passes on, so it can never stand in as 0 or blank.
 */
import { BUDGET, BudgetExceeded } from '../budget';
import { isVoided } from '../rows';
import { fromJson, isNum, ONE, toJson, type Num } from './decimal';
import { BLANK_NUMBER, FormulaError, NO_DAY, NOT_NUMBER, NOT_TEXT } from './errorValues';

export { FormulaError, NOT_DAY } from './errorValues';

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

/** A formula value: a number (millionths, decimal.ts), text, a truth value, a day, an error value, blank, or a list of values. */
export type Value = Num | string | boolean | Day | FormulaError | null | Value[];

/** The day `n` as a value: #NUM! outside the years 1–9999. */
export const dayOrError = (n: number): Day | FormulaError => Day.of(n) ?? NO_DAY;

/** Reads case data into a formula value: numbers exact, lists as lists, objects as they are (only paths reach inside). */
export function fromData(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return fromJson(v);
  if (Array.isArray(v)) return listFromData(v);
  return v as Value;
}

/** A list from case data: the same array when no item needs reading (rows, texts; formulas never change a list), else a read copy without its voided rows (rows.ts). */
function listFromData(v: unknown[]): Value[] {
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (x === undefined || typeof x === 'number' || Array.isArray(x) || isVoided(x)) return readList(v);
  }
  return v as Value[];
}
function readList(v: unknown[]): Value[] {
  const out: Value[] = [];
  for (let i = 0; i < v.length; i++) if (!isVoided(v[i])) out.push(fromData(v[i]));
  return out;
}

/** Writes a formula value into case data: numbers as JSON numbers, days as YYYY-MM-DD; an error value stays itself, for the caller to refuse. */
export function toData(v: Value): unknown {
  if (typeof v === 'number' || typeof v === 'bigint') return toJson(v);
  if (v instanceof Day) return v.iso();
  if (Array.isArray(v)) return v.map(toData);
  return v;
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

/** A value as a number: TRUE is 1; blank, text or a date is not a number (null). */
export const asNumber = (v: Value): Num | null => (isNum(v) ? v : typeof v === 'boolean' ? (v ? ONE : 0) : null);

/** A value where a number is needed: the number, or the error value it is (blank and text give #VALUE!, an error stays itself). */
export const numberOr = (v: Value): Num | FormulaError => asNumber(v) ?? (v instanceof FormulaError ? v : v === null ? BLANK_NUMBER : NOT_NUMBER);

/** A value as a day: a day, or text written YYYY-MM-DD. */
export const asDay = (v: Value): Day | null => (v instanceof Day ? v : typeof v === 'string' ? Day.parse(v) : null);

/** A value as text: numbers as written, days as YYYY-MM-DD, lists joined with 、, an error value as its code. */
export const asText = (v: Value): string => (typeof v === 'string' ? v : v === null ? '' : isNum(v) ? String(toJson(v)) : v instanceof Day ? v.iso() : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : Array.isArray(v) ? joinText(v.map(asText), '、') : v instanceof FormulaError ? v.code : String(v));

/** A value as text, or #VALUE! when it holds a whole row or form (which has no text of its own: never 「[object Object]」). */
export function textOr(v: Value): string | FormulaError {
  const whole = (x: Value): boolean => (Array.isArray(x) ? x.some(whole) : x !== null && typeof x === 'object' && !(x instanceof Day) && !(x instanceof FormulaError));
  return whole(v) ? NOT_TEXT : asText(v);
}
