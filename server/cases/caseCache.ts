import type { Db } from '../db/open';
import type { CaseRow } from './caseView';

/**
 * The cases this server last read or wrote, so that the next step on one skips reading it again
 * (one statement per step instead of two).
 *
 * Safe with any number of servers: a step's write applies only at the revision it was computed
 * from, and every change to a case moves its revision. An entry another server has overtaken
 * makes that write miss, or the engine refuse the event, or If-Match disagree — and then the step
 * is redone from a fresh read (sendEvent.ts). Readers (opening a case, lists) never use it.
 *
 * Bounded: at most CASE_CACHE_SIZE cases per database, the least recently used dropped first.
 */
export const CASE_CACHE_SIZE = 2000;

const caches = new WeakMap<Db, Map<string, CaseRow>>();

function cacheOf(db: Db): Map<string, CaseRow> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}

const keyOf = (county: string, id: string) => `${county}/${id}`;

/** The case as this server last saw it, if it still remembers it. */
export function cachedCase(db: Db, county: string, id: string): CaseRow | undefined {
  const cache = cacheOf(db);
  const key = keyOf(county, id);
  const row = cache.get(key);
  if (row) {
    // Most recently used last: Map keeps insertion order.
    cache.delete(key);
    cache.set(key, row);
  }
  return row;
}

/** Remembers a case as read from the database or as just written. */
export function keepCase(db: Db, row: CaseRow): void {
  const cache = cacheOf(db);
  const key = keyOf(row.county_id, row.id);
  cache.delete(key);
  cache.set(key, row);
  if (cache.size > CASE_CACHE_SIZE) cache.delete(cache.keys().next().value!);
}

/** Forgets a case (it was found to have moved on). */
export function forgetCase(db: Db, county: string, id: string): void {
  cacheOf(db).delete(keyOf(county, id));
}
