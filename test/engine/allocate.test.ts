import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateFen, yuanToFen } from '../../engine/allocate';

describe('pro-rata allocation in whole fen (largest remainder)', () => {
  it('splits evenly where it can and gives leftover fen to the largest remainders', () => {
    expect(allocateFen(1000, [1, 1, 1])).toEqual([334, 333, 333]);
    expect(allocateFen(100, [1, 2, 3, 4])).toEqual([10, 20, 30, 40]);
    expect(allocateFen(10, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('reproduces Fuling 义和镇: 83,000 yuan over 122 households sums exactly', () => {
    const shares = Array.from({ length: 122 }, (_, i) => 1 + (i % 5));
    const parts = allocateFen(yuanToFen(83_000), shares);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(8_300_000);
    expect(Math.max(...parts) - Math.min(...parts)).toBeGreaterThan(0);
  });

  it('handles decimal shares exactly and zero shares', () => {
    expect(allocateFen(1001, [0.5, 0.5])).toEqual([501, 500]);
    expect(allocateFen(500, [0, 0])).toEqual([0, 0]);
    expect(allocateFen(500, [0, 3])).toEqual([0, 500]);
  });

  it('refuses negative or non-integer totals and bad shares', () => {
    expect(() => allocateFen(-1, [1])).toThrow(RangeError);
    expect(() => allocateFen(1.5, [1])).toThrow(RangeError);
    expect(() => allocateFen(1, [Number.NaN])).toThrow(RangeError);
  });

  it('always sums exactly to the total, and no part is off its exact share by a fen or more', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 300 }),
        (total, shares) => {
          const parts = allocateFen(total, shares);
          const sum = shares.reduce((a, b) => a + b, 0);
          expect(parts.reduce((a, b) => a + b, 0)).toBe(sum === 0 ? 0 : total);
          if (sum > 0) parts.forEach((p, i) => expect(Math.abs(p - (total * shares[i]!) / sum)).toBeLessThan(1.0001));
        },
      ),
      { numRuns: 300 },
    );
  });
});
