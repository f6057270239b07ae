/**
 * Splits `totalFen` over `shares` in whole fen with the largest-remainder method: each
 * part is floor(total × share / Σshares), then the fen left over go one each to the
 * largest remainders (earlier rows first on ties). The parts always sum to the total.
 * Shares may be decimals (up to 6 places); arithmetic is exact (BigInt).
 * @example allocateFen(1000, [1, 1, 1]) // [334, 333, 333]
 */
export function allocateFen(totalFen: number, shares: readonly number[]): number[] {
  if (!Number.isSafeInteger(totalFen) || totalFen < 0) throw new RangeError('totalFen must be a non-negative integer');
  if (shares.some((s) => !Number.isFinite(s) || s < 0)) throw new RangeError('shares must be non-negative numbers');
  const scaled = shares.map((s) => BigInt(Math.round(s * 1_000_000)));
  const sum = scaled.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return shares.map(() => 0);
  const total = BigInt(totalFen);
  const parts = scaled.map((s) => (total * s) / sum);
  const remainders = scaled.map((s, i) => ({ i, r: (total * s) % sum }));
  let left = Number(total - parts.reduce((a, b) => a + b, 0n));
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left <= 0) break;
    parts[i] = (parts[i] ?? 0n) + 1n;
    left--;
  }
  return parts.map(Number);
}

/** Converts an amount in yuan (up to 2 decimals) to whole fen. */
export function yuanToFen(yuan: number): number {
  return Math.round(yuan * 100);
}
