/** Fetches ahead what a cadre may open without signal: each case in the inbox and its history. */
import { api } from '../api';

let running = false;

/** Reads each case of the inbox page (two at a time) so that its answer is kept for offline use. */
export async function keepInboxCases(ids: string[]): Promise<void> {
  if (running || !navigator.onLine) return;
  running = true;
  try {
    const queue = [...ids];
    const worker = async () => {
      for (let id = queue.shift(); id; id = queue.shift()) {
        await Promise.all([api('GET', `/api/cases/${id}`), api('GET', `/api/cases/${id}/history`)]).catch(() => undefined);
      }
    };
    await Promise.all([worker(), worker()]);
  } finally {
    running = false;
  }
}
