/** Fetches ahead what a cadre may open without signal: the whole inbox, each case in it and its history. */
import { api, type Page } from '../api';
import { keepRead } from './keep';

/** At most this many tasks are kept on the phone for a day without signal. */
export const OFFLINE_INBOX_MAX = 500;

let running = false;

/** Reads each case (two at a time) so that its answer is kept for offline use. */
async function keepCases(ids: string[]): Promise<void> {
  const queue = [...ids];
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      await Promise.all([api('GET', `/api/cases/${id}`), api('GET', `/api/cases/${id}/history`)]).catch(() => undefined);
    }
  };
  await Promise.all([worker(), worker()]);
}

/**
 * Keeps the whole inbox for use without signal, not only the page on screen: reads its further
 * pages (up to OFFLINE_INBOX_MAX tasks), keeps them all as the answer to the first page, so that
 * offline the inbox lists every task, and reads each case ahead. Answers how many it kept, or
 * null when it did not run (no signal, or already running).
 */
export async function keepInbox(path: string, first: Page): Promise<number | null> {
  if (running || !navigator.onLine) return null;
  running = true;
  try {
    const items = [...first.items];
    const url = new URL(path, location.origin);
    for (let page = 2; items.length < Math.min(first.total, OFFLINE_INBOX_MAX); page++) {
      url.searchParams.set('page', String(page));
      const next = await api<Page>('GET', `${url.pathname}${url.search}`).catch(() => null);
      if (!next?.items.length) break;
      items.push(...next.items);
    }
    if (items.length > first.items.length) await keepRead(path, { ...first, items, pageSize: items.length });
    await keepCases(items.map((c) => c.id));
    return items.length;
  } finally {
    running = false;
  }
}
