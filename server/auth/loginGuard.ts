/**
 * What stands between a flood of sign-ins and the people trying to work:
 * - an account that keeps failing waits longer before its password is checked again (a growing
 *   delay with a ceiling, never a lock an outsider could use to keep a village out);
 * - an address that keeps failing is refused before any password is hashed, whatever names it invents;
 * - a name that does not exist costs no hashing at all: the answer waits as long as a real check
 *   takes lately, so the time still does not tell which names exist;
 * - password checks take turns, as many at once as the machine has cores, and an account that has
 *   not been failing goes ahead of one that has: guessing at real accounts cannot queue a person out.
 */
import { availableParallelism } from 'node:os';

/** Failures an account may have before each further one makes it wait. */
export const FREE_FAILURES = 5;
/** The longest an account is made to wait, in seconds. */
export const MAX_DELAY_SECONDS = 30;
/** Failed sign-ins one address may make in a window before it is refused outright. */
export const ADDRESS_FAILURES = 30;
const ADDRESS_WINDOW_MS = 10 * 60_000;
/** Most names and addresses remembered at once (oldest forgotten first). */
const MAX_REMEMBERED = 100_000;

/** Seconds an account waits after this many consecutive failures: 1, 2, 4 … up to MAX_DELAY_SECONDS. */
export function accountDelaySeconds(failures: number): number {
  return failures < FREE_FAILURES ? 0 : Math.min(2 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS);
}

const remember = <V>(map: Map<string, V>, key: string, value: V) => {
  map.delete(key);
  if (map.size >= MAX_REMEMBERED) map.delete(map.keys().next().value!);
  map.set(key, value);
};

/** One server's memory of failing addresses and invented names, and of how long a password check takes. */
export interface LoginGuard {
  /** Seconds until this address may try again (0: now). */
  addressWait(ip: string, now: number): number;
  /** Seconds until this name that is not an account may be tried again, as an account would wait. */
  unknownNameWait(key: string, now: number): number;
  /** Counts a failure of the address and, for a name that is not an account, of the name. */
  failed(ip: string, unknownName: string | null, now: number): void;
  /** Runs a real password check in its turn (`urgent`: the account has not been failing) and times it, to imitate it for names that do not exist. */
  timed<T>(check: () => Promise<T>, urgent?: boolean): Promise<T>;
  /** Waits as long as a password check takes lately (± 10 %), doing none. */
  imitateCheck(): Promise<void>;
}

/** A guard for one server process. */
export function loginGuard(): LoginGuard {
  const addresses = new Map<string, { since: number; failures: number }>();
  const names = new Map<string, { failures: number; after: number }>();
  // Until a check has been timed here, a typical scrypt check at N=2^17 on a small server.
  let checkMs = 250;
  const slots = Math.max(1, availableParallelism());
  let busy = 0;
  const waiting: { urgent: boolean; go: () => void }[] = [];
  const turn = (urgent: boolean) => (busy < slots ? (busy++, Promise.resolve()) : new Promise<void>((go) => waiting.push({ urgent, go })));
  const done = () => {
    const i = waiting.findIndex((w) => w.urgent);
    const next = i >= 0 ? waiting.splice(i, 1)[0] : waiting.shift();
    // The slot passes straight to the next in turn; with nobody waiting it is freed.
    if (next) next.go();
    else busy--;
  };
  return {
    addressWait(ip, now) {
      const a = addresses.get(ip);
      if (!a || now - a.since > ADDRESS_WINDOW_MS || a.failures < ADDRESS_FAILURES) return 0;
      return Math.ceil((a.since + ADDRESS_WINDOW_MS - now) / 1000);
    },
    unknownNameWait(key, now) {
      const n = names.get(key);
      return n && n.after > now ? Math.ceil((n.after - now) / 1000) : 0;
    },
    failed(ip, unknownName, now) {
      const a = addresses.get(ip);
      remember(addresses, ip, !a || now - a.since > ADDRESS_WINDOW_MS ? { since: now, failures: 1 } : { since: a.since, failures: a.failures + 1 });
      if (unknownName !== null) {
        const failures = (names.get(unknownName)?.failures ?? 0) + 1;
        remember(names, unknownName, { failures, after: now + accountDelaySeconds(failures) * 1000 });
      }
    },
    async timed(check, urgent = true) {
      await turn(urgent);
      const t0 = performance.now();
      try {
        return await check();
      } finally {
        // A moving average of the check itself (not its wait): a few slow checks under load move it, one does not.
        checkMs = checkMs * 0.8 + (performance.now() - t0) * 0.2;
        done();
      }
    },
    imitateCheck() {
      return new Promise((resolve) => setTimeout(resolve, checkMs * (0.9 + Math.random() * 0.2)));
    },
  };
}
