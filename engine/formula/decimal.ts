/**
 * Exact decimals as scaled integers: a formula number is its count of millionths (12.34 is
 * 12_340_000), held in a plain JavaScript number while that count is a safe integer (amounts up
 * to about 9 billion) and in a BigInt only past it. Every result is normalised — a BigInt never
 * holds what a safe integer can — so two equal numbers are `===`, and sums of money, the common
 * case, never allocate. Rounding is half away from zero on the last millionth, as Excel rounds.
 */
import { DIV0, FormulaError, TOO_LARGE } from './errorValues';

/** A number in a formula: millionths, a safe integer or (past 2^53) a BigInt. */
export type Num = number | bigint;

const SCALE = 1_000_000;
const HALF = SCALE / 2;
const BIG_SCALE = 1_000_000n;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);
/** The largest magnitude a formula number may reach, in millionths: the largest a JSON number holds. */
const MAX_UNITS = BigInt(Number.MAX_VALUE) * BIG_SCALE;
/** Below this size a JSON number's millionths come exactly from one multiplication (the rounding error stays under half a millionth). */
const FAST = 1e9;

/** One, as a formula number (TRUE counts as 1). */
export const ONE: Num = SCALE;

export const isNum = (v: unknown): v is Num => typeof v === 'number' || typeof v === 'bigint';

/** A BigInt count of millionths normalised: a number when it is a safe integer (no digits beyond what it can hold). */
const normal = (u: bigint): Num => (u <= MAX_SAFE_BIG && u >= -MAX_SAFE_BIG ? Number(u) : u);

/** A BigInt count of millionths as a result: normalised, or #NUM! past what case data holds. */
function within(u: bigint): Num | FormulaError {
  if (u <= MAX_SAFE_BIG && u >= -MAX_SAFE_BIG) return Number(u);
  return u > MAX_UNITS || u < -MAX_UNITS ? TOO_LARGE : u;
}

/** A whole number as a formula number (a count, a year, days). */
export const whole = (n: number): Num => (Math.abs(n) * SCALE <= MAX_SAFE ? n * SCALE + 0 : normal(BigInt(n) * BIG_SCALE));

/** A JSON number as the decimal it is written as (12.34 is exactly 12.34), rounded to millionths half away from zero; null for NaN or Infinity. */
export function fromJson(n: number): Num | null {
  if (!Number.isFinite(n)) return null;
  const m = n < 0 ? -n : n;
  if (m < FAST) {
    const r = Math.round(m * SCALE);
    return n < 0 ? 0 - r : r + 0;
  }
  return parseDecimal(String(n));
}

/** Decimal text (digits, a point, an exponent as JavaScript writes large numbers), rounded to millionths half away from zero. */
export function parseDecimal(text: string): Num {
  const m = /^([-+]?)(\d*)(?:\.(\d*))?(?:e([-+]?\d+))?$/i.exec(text.trim());
  if (!m) return 0;
  const digits = `${m[2] ?? ''}${m[3] ?? ''}` || '0';
  // The value is digits × 10^shift millionths.
  const shift = 6 + Number(m[4] ?? 0) - (m[3] ?? '').length;
  let units: bigint;
  if (shift >= 0) units = BigInt(digits) * 10n ** BigInt(shift);
  else {
    const step = 10n ** BigInt(-shift);
    units = (BigInt(digits) + step / 2n) / step;
  }
  return normal(m[1] === '-' ? -units : units);
}

/** The nearest JSON number. */
export function toJson(u: Num): number {
  // A safe integer of millionths is exact as a number, and one division rounds correctly.
  if (typeof u === 'number') return u / SCALE;
  const abs = u < 0n ? -u : u;
  return Number(`${u < 0n ? '-' : ''}${abs / BIG_SCALE}.${String(abs % BIG_SCALE).padStart(6, '0')}`);
}

/** A number as an ordinary JavaScript number of whole units truncated toward zero (a count of days, a month). */
export const truncated = (u: Num): number => Math.trunc(toJson(u));

/** a + b; #NUM! past what case data holds. */
export function add(a: Num, b: Num): Num | FormulaError {
  if (typeof a === 'number' && typeof b === 'number') {
    // Two safe integers: when the exact sum is safe the floating-point sum is it; when not, it is at least 2^53.
    const s = a + b;
    if (s <= MAX_SAFE && s >= -MAX_SAFE) return s;
  }
  return within(BigInt(a) + BigInt(b));
}

/** a − b; #NUM! past what case data holds. */
export function subtract(a: Num, b: Num): Num | FormulaError {
  if (typeof a === 'number' && typeof b === 'number') {
    const s = a - b;
    if (s <= MAX_SAFE && s >= -MAX_SAFE) return s;
  }
  return within(BigInt(a) - BigInt(b));
}

/** −a. */
export const negate = (a: Num): Num => (typeof a === 'number' ? 0 - a : -a);

/** |a|. */
export const abs = (a: Num): Num => (typeof a === 'number' ? Math.abs(a) : a < 0n ? -a : a);

/** -1, 0 or 1 as a is less than, equal to or greater than b (exact across numbers and BigInts). */
export const compareNum = (a: Num, b: Num): number => (a < b ? -1 : a > b ? 1 : 0);

/** A running sum: plain arithmetic while it stays a safe integer, BigInt past it, its range checked once at the end (as a sum of case data can pass the limit and come back). */
export class Total {
  private small = 0;
  private big: bigint | null = null;
  add(v: Num): void {
    if (this.big === null) {
      if (typeof v === 'number') {
        const t = this.small + v;
        if (t <= MAX_SAFE && t >= -MAX_SAFE) {
          this.small = t;
          return;
        }
      }
      this.big = BigInt(this.small);
    }
    this.big += BigInt(v);
  }
  /** The sum, or #NUM! past what case data holds. */
  get value(): Num | FormulaError {
    return this.big === null ? this.small : within(this.big);
  }
}

/** a × b rounded half away from zero; #NUM! for a result too large. */
export function multiply(a: Num, b: Num): Num | FormulaError {
  if (typeof a === 'number' && typeof b === 'number') {
    const p = a * b;
    if (p <= MAX_SAFE && p >= -MAX_SAFE) {
      // The product is exact; % and the division of a multiple are exact too.
      const r = p % SCALE;
      const q = (p - r) / SCALE;
      return (r >= HALF ? q + 1 : r <= -HALF ? q - 1 : q) + 0;
    }
  }
  const p = BigInt(a) * BigInt(b);
  const half = BIG_SCALE / 2n;
  return within(p >= 0n ? (p + half) / BIG_SCALE : -((-p + half) / BIG_SCALE));
}

/** a / b rounded half away from zero on the last millionth; #DIV/0! for a division by zero, #NUM! for a result too large. */
export function divide(a: Num, b: Num): Num | FormulaError {
  if (b === 0) return DIV0;
  if (typeof a === 'number' && typeof b === 'number') {
    const num = a * SCALE;
    if (num <= MAX_SAFE && num >= -MAX_SAFE) {
      const r = num % b;
      const q = (num - r) / b;
      if ((r < 0 ? -r : r) * 2 >= (b < 0 ? -b : b)) return q + ((num < 0) !== (b < 0) ? -1 : 1);
      return q + 0;
    }
  }
  const num = BigInt(a) * BIG_SCALE;
  const den = BigInt(b);
  const q = num / den;
  const rem = num % den;
  const twice = (rem < 0n ? -rem : rem) * 2n;
  if (twice >= (den < 0n ? -den : den)) return within(q + ((num < 0n) !== (den < 0n) ? -1n : 1n));
  return within(q);
}

/** Rounds to `digits` decimals, half away from zero (as Excel's ROUND). */
export function roundTo(u: Num, digits: number): Num {
  const keep = 6 - Math.max(-6, Math.min(6, Math.trunc(digits)));
  if (keep <= 0) return u;
  if (typeof u === 'number') {
    const step = 10 ** keep;
    const a = u < 0 ? -u : u;
    const rem = a % step;
    const r = rem * 2 >= step ? a - rem + step : a - rem;
    if (r <= MAX_SAFE) return u < 0 ? 0 - r : r;
  }
  const step = 10n ** BigInt(keep);
  const big = BigInt(u);
  const a = big < 0n ? -big : big;
  const r = ((a + step / 2n) / step) * step;
  return normal(big < 0n ? -r : r);
}
