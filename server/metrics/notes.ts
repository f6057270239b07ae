import type { Db } from '../db/open';

/** What the server's work reports to the metrics of the apps serving a database (steps, timers, deliveries). */
export interface Notes {
  /** Steps sent to a case, or cases started (`count` of them: a roster import): process, event and outcome (accepted, replayed, or the refusal's code). */
  step(process: string, event: string, outcome: string, count?: number): void;
  /** A due timer claimed by the scheduler, how it ended (fired, stale, dropped) and how late it was, in seconds. */
  timer(outcome: 'fired' | 'stale' | 'dropped', lagSeconds: number): void;
  /** One delivery attempt to a channel: delivered, to be retried, or failed for good. */
  delivery(outcome: 'delivered' | 'retry' | 'failed'): void;
  /** A step made or a case started without signal and sent later by the field app's outbox, accepted: its process and how long after it was made it arrived, in seconds. */
  offline(process: string, delaySeconds: number): void;
}

// Keyed by the database, not global: tests run several apps (each with its own database) in one process.
const listeners = new WeakMap<Db, Set<Notes>>();

/** Has `notes` hear what is done on `db` until the returned function is called. */
export function listen(db: Db, notes: Notes): () => void {
  const set = listeners.get(db) ?? new Set<Notes>();
  listeners.set(db, set);
  set.add(notes);
  return () => void set.delete(notes);
}

/** Tells whoever listens on `db` (nobody, when no app measures it: a command-line run). */
export function notesOf(db: Db): Notes {
  const each = (fn: (n: Notes) => void) => listeners.get(db)?.forEach(fn);
  return {
    step: (process, event, outcome, count = 1) => each((n) => n.step(process, event, outcome, count)),
    timer: (outcome, lagSeconds) => each((n) => n.timer(outcome, lagSeconds)),
    delivery: (outcome) => each((n) => n.delivery(outcome)),
    offline: (process, delaySeconds) => each((n) => n.offline(process, delaySeconds)),
  };
}
