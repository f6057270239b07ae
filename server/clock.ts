/**
 * The server's time: what deadlines, timers, sessions, audit times, calendars and housekeeping
 * read. The app carries one (`app.clock`, given to buildApp; the machine's by default), so a test,
 * or the designer's test run, can move time on a running server. Everything else in server/ asks
 * the app's clock or takes `now` from its caller; this is the one module that reads the machine's
 * clock for what time it is (eslint refuses `new Date()` and `Date.now()` elsewhere in server/).
 * Durations measured for logs and metrics use `performance.now()`, which no clock moves.
 */
import type {} from 'fastify';

/** Where the server reads the time. */
export interface Clock {
  /** What time it is now. */
  now(): Date;
}

/** The machine's clock: the default of every server, and the command line's. */
export const systemClock: Clock = { now: () => new Date() };

/**
 * Seconds `now` is ahead of the machine's clock: for a library that reads the machine's clock
 * itself and can only be told a skew (openid-client's clockSkew).
 */
export const secondsAhead = (now: Date): number => Math.round((now.getTime() - Date.now()) / 1000);

declare module 'fastify' {
  interface FastifyInstance {
    /** The clock this app reads (buildApp's `clock`). */
    clock: Clock;
  }
}
