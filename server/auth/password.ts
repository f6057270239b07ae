import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(scryptCb) as (password: string, salt: Buffer, keylen: number, options: { N: number; r: number; p: number; maxmem: number }) => Promise<Buffer>;

/** scrypt cost: OWASP's N=2^17, r=8, p=1 by default; SCRYPT_LOG_N lowers it for tests. */
const logN = () => Number(process.env.SCRYPT_LOG_N ?? 17);

/** Hashes a password as `scrypt$logN$r$p$salt$hash` (parameters stored, so they can be raised later); `cost` lowers N for one-time passwords. */
export async function hashPassword(password: string, cost = logN()): Promise<string> {
  const n = Math.min(cost, logN());
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFKC'), salt, 32, { N: 2 ** n, r: 8, p: 1, maxmem: 256 * 2 ** n * 8 });
  return `scrypt$${n}$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Checks a password against a stored hash, in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password.normalize('NFKC'), Buffer.from(salt, 'base64url'), expected.length, {
    N: 2 ** Number(n), r: Number(r), p: Number(p), maxmem: 256 * 2 ** Number(n) * Number(r),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password at today's cost, made once: a login for a user who does not
 * exist is checked against it, so an unknown name costs the same scrypt work as a wrong
 * password and the answer time does not tell which names exist.
 */
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString('base64url'));
  return dummy;
}

/**
 * scrypt cost for a one-time password: 12 random characters from 56 (about 70 bits) need no slow
 * hash to resist guessing, and it lapses in 24 hours; a roster of 200 people is then hashed in
 * about a second instead of a minute.
 */
export const ONE_TIME_LOG_N = 12;
