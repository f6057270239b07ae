/**
 * What the app keeps in the browser's IndexedDB (through idb-keyval: a few hundred bytes, well
 * kept, no schema to migrate): the last answer to each page's reads, and the outbox. Unlike
 * localStorage (5 MB, strings, blocking) it holds photos and whole inboxes.
 */
import { clear, createStore, del, entries, get, set, type UseStore } from 'idb-keyval';

let reads: UseStore | null = null;
let outbox: UseStore | null = null;
const readStore = () => (reads ??= createStore('cf-reads', 'answers'));
export const outboxStore = () => (outbox ??= createStore('cf-outbox', 'items'));

/** Keeps the answer to a read (GET), for opening the page without signal. */
export async function keepRead(path: string, body: unknown): Promise<void> {
  await set(path, { at: new Date().toISOString(), body }, readStore()).catch(() => undefined);
}

/** The kept answer to a read and when it was fetched, if any. */
export async function keptRead(path: string): Promise<{ at: string; body: unknown } | undefined> {
  return get<{ at: string; body: unknown }>(path, readStore()).catch(() => undefined);
}

/** Forgets every kept read (at logout, and when another user signs in on this phone). */
export async function forgetReads(): Promise<void> {
  await clear(readStore()).catch(() => undefined);
}

export { del, entries, get, set };
