/**
 * Formula values. Numbers are exact decimals (BigInt millionths): 0.1 + 0.2 is 0.3 and money
 * in yuan adds to the fen, with no floating-point drift. Dates are days in the calendar's
 * time zone (Beijing time). Blank is a missing field; a formula never throws on data: a
 * number too large for case data to hold, or a date outside the years 1–9999, is blank.
 */
import { BUDGET, BudgetExceeded } from '../budget';

export const SCALE = 1_000_000n;
/** The largest magnitude a formula number may reach, in millionths: the largest a JSON number holds. */
const MAX_UNITS = BigInt(Number.MAX_VALUE) * SCALE;

export class Decimal {
  constructor(readonly units: bigint) {}
  static of(n: number): Decimal | null {
    if (!Number.isFinite(n)) return null;
    const scaled = n * 1_000_000;
    // Past 2^53 a number is already whole: converted as it is, since scaling it could overflow to Infinity.
    return new Decimal(Number.isFinite(scaled) ? BigInt(Math.round(scaled)) : BigInt(n) * SCALE);
  }
  /** The number of these millionths, or blank when it is too large for case data to hold. */
  static within(units: bigint): Decimal | null {
    return units > MAX_UNITS || units < -MAX_UNITS ? null : new Decimal(units);
  }
  static parse(text: string): Decimal {
    const [whole, frac = ''] = text.split('.');
    return new Decimal(BigInt(whole || '0') * SCALE + BigInt((frac + '000000').slice(0, 6)));
  }
  toNumber(): number {
    return Number(this.units / SCALE) + Number(this.units % SCALE) / 1_000_000;
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

export type Value = Decimal | string | boolean | Day | null | Value[];

/** Reads case data into a formula value: numbers exact, lists as lists, objects as they are (only paths reach inside). */
export function fromData(v: unknown): Value {
  if (v === undefined || v === null) return null;
  if (typeof v === 'number') return Decimal.of(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (Array.isArray(v)) return v.map(fromData);
  return v as unknown as Value;
}

/** Writes a formula value into case data: numbers as JSON numbers, days as YYYY-MM-DD. */
export function toData(v: Value): unknown {
  if (v instanceof Decimal) {
    const n = v.toNumber();
    return Number.isFinite(n) ? n : null;
  }
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

/** a / b rounded half away from zero on the last digit; blank for a division by zero or a result too large. */
export function divide(a: Decimal, b: Decimal): Decimal | null {
  if (b.units === 0n) return null;
  const num = a.units * SCALE;
  const q = num / b.units;
  const rem = num % b.units;
  // Half away from zero on the last digit.
  const twice = (rem < 0n ? -rem : rem) * 2n;
  const den = b.units < 0n ? -b.units : b.units;
  if (twice >= den) return Decimal.within(q + ((num < 0n) !== (b.units < 0n) ? -1n : 1n));
  return Decimal.within(q);
}

/** a × b rounded half away from zero; blank for a result too large. */
export const multiply = (a: Decimal, b: Decimal): Decimal | null => {
  const p = a.units * b.units;
  const half = SCALE / 2n;
  return Decimal.within(p >= 0n ? (p + half) / SCALE : -((-p + half) / SCALE));
};

const ZERO = new Decimal(0n);

/** A value as a number, Excel's way: blank is 0, TRUE is 1; text or a date is not a number (null). */
export const asNumber = (v: Value): Decimal | null => (v instanceof Decimal ? v : v === null ? ZERO : typeof v === 'boolean' ? new Decimal(v ? 1_000_000n : 0n) : null);

/** A value as a day: a day, or text written YYYY-MM-DD. */
export const asDay = (v: Value): Day | null => (v instanceof Day ? v : typeof v === 'string' ? Day.parse(v) : null);

/** A value as text: numbers as written, days as YYYY-MM-DD, lists joined with 、. */
export const asText = (v: Value): string => (v === null ? '' : v instanceof Decimal ? String(v.toNumber()) : v instanceof Day ? v.iso() : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : Array.isArray(v) ? joinText(v.map(asText), '、') : String(v));
