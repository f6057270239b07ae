import { randomInt } from 'node:crypto';

// No look-alikes (0/O, 1/l/I): the code is read off a screen and typed on a phone.
const LOWER = 'abcdefghijkmnpqrstuvwxyz';
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const DIGITS = '23456789';

/** How long a one-time password works. */
export const ONE_TIME_HOURS = 24;

/** A one-time password of 12 characters mixing lower case, upper case and digits (as the policy asks), from a CSPRNG. */
export function oneTimePassword(): string {
  const pick = (set: string) => set[randomInt(set.length)]!;
  const chars = [pick(LOWER), pick(UPPER), pick(DIGITS), ...Array.from({ length: 9 }, () => pick(LOWER + UPPER + DIGITS))];
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
