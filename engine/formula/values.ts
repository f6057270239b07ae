/**
 * Formula values. Numbers are exact decimals (BigInt millionths): 0.1 + 0.2 is 0.3 and money
 * in yuan adds to the fen, with no floating-point drift. Dates are days in the calendar's
 * time zone (Beijing time). Blank is a missing field; a formula never throws on data.
 */

export const SCALE = 1_000_000n;

export class Decimal {
  constructor(readonly units: bigint) {}
  static of(n: number): Decimal | null {
    return Number.isFinite(n) ? new Decimal(BigInt(Math.round(n * 1_000_000))) : null;
  }
  static parse(text: string): Decimal {
    const [whole, frac = ''] = text.split('.');
    return new Decimal(BigInt(whole || '0') * SCALE + BigInt((frac + '000000').slice(0, 6)));
  }
  toNumber(): number {
    return Number(this.units) / 1_000_000;
  }
}

/** A calendar day: days since 1970-01-01 in the calendar's time zone. */
export class Day {
  constructor(readonly n: number) {}
  static parse(text: string): Day | null {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) return null;
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
    const d = new Date(ms);
    return d.getUTCMonth() === Number(m[2]) - 1 ? new Day(ms / 86_400_000) : null;
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

export function divide(a: Decimal, b: Decimal): Decimal | null {
  if (b.units === 0n) return null;
  const num = a.units * SCALE;
  const q = num / b.units;
  const rem = num % b.units;
  // Half away from zero on the last digit.
  const twice = (rem < 0n ? -rem : rem) * 2n;
  const den = b.units < 0n ? -b.units : b.units;
  if (twice >= den) return new Decimal(q + ((num < 0n) !== (b.units < 0n) ? -1n : 1n));
  return new Decimal(q);
}

export const multiply = (a: Decimal, b: Decimal): Decimal => {
  const p = a.units * b.units;
  const half = SCALE / 2n;
  return new Decimal(p >= 0n ? (p + half) / SCALE : -((-p + half) / SCALE));
};

const ZERO = new Decimal(0n);

/** A value as a number, Excel's way: blank is 0, TRUE is 1; text or a date is not a number (null). */
export const asNumber = (v: Value): Decimal | null => (v instanceof Decimal ? v : v === null ? ZERO : typeof v === 'boolean' ? new Decimal(v ? 1_000_000n : 0n) : null);

/** A value as a day: a day, or text written YYYY-MM-DD. */
export const asDay = (v: Value): Day | null => (v instanceof Day ? v : typeof v === 'string' ? Day.parse(v) : null);

/** A value as text: numbers as written, days as YYYY-MM-DD, lists joined with 、. */
export const asText = (v: Value): string => (v === null ? '' : v instanceof Decimal ? String(v.toNumber()) : v instanceof Day ? v.iso() : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : Array.isArray(v) ? v.map(asText).join('、') : String(v));
