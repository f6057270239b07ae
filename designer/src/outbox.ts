import { api, ApiError, type CaseView } from './api';

/** A submission waiting for the network, sent later with the same Idempotency-Key. */
export interface Pending {
  caseId: string;
  type: string;
  data?: unknown;
  rev: number;
  key: string;
  at: string;
  /** Set when the server refused it once the network came back. */
  error?: string;
}

const KEY = 'cf_outbox';
const listeners = new Set<() => void>();

/** What waits to be sent (or was refused), oldest first. */
export function pending(): Pending[] {
  return JSON.parse(localStorage.getItem(KEY) ?? '[]') as Pending[];
}

function save(list: Pending[]) {
  localStorage.setItem(KEY, JSON.stringify(list));
  listeners.forEach((l) => l());
}

/** Calls back whenever the outbox changes. */
export function onOutboxChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Sends an event now; when the network is down, keeps it to send later and says so. */
export async function sendEvent(caseId: string, type: string, data: unknown, rev: number): Promise<{ sent: true; case: CaseView } | { sent: false }> {
  const key = crypto.randomUUID();
  try {
    return { sent: true, case: await post({ caseId, type, data, rev, key, at: new Date().toISOString() }) };
  } catch (e) {
    if (e instanceof ApiError && e.status === 0) {
      save([...pending(), { caseId, type, data, rev, key, at: new Date().toISOString() }]);
      return { sent: false };
    }
    throw e;
  }
}

function post(p: Pending): Promise<CaseView> {
  return api<CaseView>('POST', `/api/cases/${p.caseId}/events`, p.data === undefined ? { type: p.type } : { type: p.type, data: p.data }, { 'if-match': String(p.rev), 'idempotency-key': p.key });
}

let flushing = false;

/** Sends what waits, in order, each with its own key: a retry never applies twice. */
export async function flush(): Promise<void> {
  if (flushing) return;
  flushing = true;
  try {
    for (const p of pending().filter((x) => !x.error)) {
      try {
        await post(p);
        save(pending().filter((x) => x.key !== p.key));
      } catch (e) {
        if (e instanceof ApiError && e.status === 0) return;
        const message = e instanceof ApiError ? e.message : String(e);
        save(pending().map((x) => (x.key === p.key ? { ...x, error: message } : x)));
      }
    }
  } finally {
    flushing = false;
  }
}

/** Forgets a refused submission (the user has seen why). */
export function discard(key: string): void {
  save(pending().filter((x) => x.key !== key));
}

window.addEventListener('online', () => void flush());
