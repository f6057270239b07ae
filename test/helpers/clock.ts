import type { Clock } from '../../server/clock';

/** A clock a test moves forward: the machine's time plus what the test has added. */
export interface MovableClock extends Clock {
  /** Moves the clock `ms` ahead (for a running server, at once). */
  advance(ms: number): void;
}

/** A clock that runs with the machine's and jumps when the test moves it. */
export function movableClock(): MovableClock {
  let ahead = 0;
  return {
    now: () => new Date(Date.now() + ahead),
    advance(ms) {
      ahead += ms;
    },
  };
}
