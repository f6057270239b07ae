/**
 * The outbox: what a cadre submitted without signal, kept in IndexedDB and sent in order, each
 * with its own Idempotency-Key (a retry is never applied twice), when the network returns: tried
 * again by itself with growing waits (RETRY_DELAYS_MS), and at once when the browser says it is online.
 * Every item shows where it stands: waiting, sent, or refused — with the reason, the input kept,
 * and for a case someone else moved on, the case as it now is.
 */
import { api, ApiError, type CaseView } from './api';
import { hasWaiting } from './files/localRefs';
import { del, entries, outboxStore, set } from './offline/keep';
import { t } from './i18n';

export interface OutboxItem {
  /** The Idempotency-Key it is sent with, every time. */
  key: string;
  /** Who submitted it: sent only in that user's session (a shared phone never sends one user's work as another's). */
  userId?: string;
  /** Order of submission: items are sent oldest first. */
  seq: number;
  caseId: string;
  caseTitle?: string;
  type: string;
  /** The action as the user saw it (提交, 审核通过). */
  label?: string;
  data?: unknown;
  /** 审批意见 written with the decision. */
  comment?: string;
  /** The revision the user saw (If-Match). */
  rev: number;
  at: string;
  state: 'waiting' | 'sent' | 'refused';
  sentAt?: string;
  error?: string;
  code?: string;
  /** For a refusal because the case moved on (409): the case as it now is. */
  current?: { rev: number; stepLabel?: string; stateKey: string };
  /** A case started without signal: `caseId` is its local id until the server starts it. */
  kind?: 'start';
  processId?: string;
  orgUnitId?: string;
  /** The case the server started for it. */
  createdId?: string;
}

const LOCAL_CASE = 'local-case-';
/** True for a case started on this phone that the server has not started yet. */
export const isLocalCase = (caseId: string) => caseId.startsWith(LOCAL_CASE);

const LEGACY_KEY = 'cf_outbox';
/** Sent items stay listed this long, so the cadre sees they went. */
const KEEP_SENT_MS = 24 * 3600_000;

let items: OutboxItem[] = [];
let userId: string | undefined;

/** The signed-in user: only their items are sent. */
export function setOutboxUser(id: string): void {
  userId = id;
  // Counted anew: reopened without signal, nothing else would tell the page the user's items are there.
  changed();
}
const mine = (i: OutboxItem) => i.userId === undefined || i.userId === userId;
const listeners = new Set<() => void>();
const changed = () => listeners.forEach((l) => l());

/** Loads the outbox (and moves over what an older version of the app kept in localStorage). */
export const ready: Promise<void> = (async () => {
  try {
    const kept = (await entries<string, OutboxItem>(outboxStore())).map(([, v]) => v);
    const legacy = JSON.parse(localStorage.getItem(LEGACY_KEY) ?? '[]') as Omit<OutboxItem, 'seq' | 'state'>[];
    let seq = Math.max(0, ...kept.map((i) => i.seq));
    for (const old of legacy) {
      const item: OutboxItem = { ...old, seq: ++seq, state: 'waiting' };
      await set(item.key, item, outboxStore());
      kept.push(item);
    }
    localStorage.removeItem(LEGACY_KEY);
    const now = Date.now();
    for (const i of kept.filter((x) => x.state === 'sent' && now - Date.parse(x.sentAt ?? x.at) > KEEP_SENT_MS)) await del(i.key, outboxStore());
    items = kept.filter((x) => !(x.state === 'sent' && now - Date.parse(x.sentAt ?? x.at) > KEEP_SENT_MS)).sort((a, b) => a.seq - b.seq);
  } catch {
    items = [];
  }
  changed();
})();

async function save(item: OutboxItem): Promise<void> {
  items = [...items.filter((i) => i.key !== item.key), item].sort((a, b) => a.seq - b.seq);
  changed();
  await set(item.key, item, outboxStore());
}

/** The signed-in user's outbox, oldest first. */
export const outboxItems = (): OutboxItem[] => items.filter(mine);

/** How many of the user's items still need the network or the user: waiting and refused ones (sent ones do not count). */
export const outboxCount = (): number => outboxItems().filter((i) => i.state !== 'sent').length;

/** True while a submission for the case waits to be sent: its buttons stay disabled (a double tap queues nothing twice). */
const waitingFor = (caseId: string) => items.some((i) => i.caseId === caseId && i.state === 'waiting' && i.kind !== 'start');

/** The outbox item that starts a case started without signal (by its local id, or by the case it became). */
export const startOf = (caseId: string) => items.find((i) => i.kind === 'start' && (i.caseId === caseId || i.createdId === caseId));

const nextSeq = () => Math.max(0, ...items.map((i) => i.seq)) + 1;

/** Starts a case without signal: kept in the outbox, started by the server when the network returns. Returns its local id. */
export async function startOffline(processId: string, orgUnitId: string, about: { caseTitle?: string } = {}): Promise<string> {
  await ready;
  const caseId = `${LOCAL_CASE}${crypto.randomUUID()}`;
  const item: OutboxItem = { key: crypto.randomUUID(), seq: nextSeq(), kind: 'start', caseId, processId, orgUnitId, type: 'start', label: t('outbox.start'), rev: 0, at: new Date().toISOString(), state: 'waiting', ...about };
  if (userId) item.userId = userId;
  await save(item);
  if (!activity.retry) retryLater();
  return caseId;
}

/** Calls back whenever the outbox changes. */
export function onOutboxChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export type SendOutcome = { sent: true; case: CaseView } | { sent: false; queued: boolean };

/**
 * Sends an event now; without signal, keeps it to send later and says so. A second
 * submission for a case that already has one waiting is not queued.
 */
export async function sendEvent(caseId: string, type: string, data: unknown, rev: number, about: { caseTitle?: string; label?: string; comment?: string } = {}): Promise<SendOutcome> {
  await ready;
  if (waitingFor(caseId)) return { sent: false, queued: false };
  const item: OutboxItem = { key: crypto.randomUUID(), seq: nextSeq(), caseId, type, rev, at: new Date().toISOString(), state: 'waiting', ...about };
  if (userId) item.userId = userId;
  if (data !== undefined) item.data = data;
  let toSend = item;
  // A case the server has not started yet takes its steps only after its start, from the outbox.
  if (navigator.onLine && !isLocalCase(caseId)) {
    try {
      toSend = await withFilesUploaded(item, true);
      return { sent: true, case: await post(toSend) };
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 0)) throw e;
    }
  }
  await save(toSend);
  if (!activity.retry) retryLater();
  return { sent: false, queued: true };
}

/**
 * Uploads the photos a submission holds that are still on the phone; a failure to reach the
 * server counts as no signal. `waitedFor`: the cadre is waiting on the button, so a dropped
 * chunk is retried once only (the outbox tries again later).
 */
async function withFilesUploaded(p: OutboxItem, waitedFor = false): Promise<OutboxItem> {
  if (!hasWaiting(p.data)) return p;
  try {
    const { ATTACH_RETRY_DELAYS, uploadWaiting } = await import('./files/upload');
    return { ...p, data: await (waitedFor ? uploadWaiting(p.data, p.caseId, ATTACH_RETRY_DELAYS) : uploadWaiting(p.data, p.caseId)) };
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(0, 'OFFLINE', t('common.networkDown'));
  }
}

/** Sends a step; `queued`: from the outbox, with when it was made (X-Queued-At), so the server can count the steps that arrived late. */
async function post(p: OutboxItem, queued = false): Promise<CaseView> {
  return api<CaseView>('POST', `/api/cases/${p.caseId}/events`, { type: p.type, ...(p.data === undefined ? {} : { data: p.data }), ...(p.comment ? { comment: p.comment } : {}) }, { 'if-match': String(p.rev), 'idempotency-key': p.key, ...(queued && p.at ? { 'x-queued-at': p.at } : {}) });
}

/**
 * The waits between tries while the server cannot be reached (no signal, or one so weak that
 * requests time out while the browser believes it is online): the outbox tries again by itself,
 * not only when the browser says the network is back.
 */
export const RETRY_DELAYS_MS = [5_000, 15_000, 30_000, 60_000, 120_000, 300_000];

/** What the outbox is doing: sending how many, or when it tries again (the how-manieth try). */
export interface OutboxActivity {
  sending: number;
  retry: { attempt: number; at: number } | null;
}
let activity: OutboxActivity = { sending: 0, retry: null };
let retryTimer: ReturnType<typeof setTimeout> | undefined;
/** What the outbox is doing now. */
export const outboxActivity = (): OutboxActivity => activity;

/** Tries again after the next wait in RETRY_DELAYS_MS. */
function retryLater(): void {
  const attempt = (activity.retry?.attempt ?? 0) + 1;
  const wait = RETRY_DELAYS_MS[Math.min(attempt, RETRY_DELAYS_MS.length) - 1]!;
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => void flush(), wait);
  activity = { ...activity, retry: { attempt, at: Date.now() + wait } };
  changed();
}

let flushing: Promise<void> | null = null;

/** Sends what waits, in order; at the first sign the network is still down, stops and tries again later. */
export function flush(): Promise<void> {
  flushing ??= (async () => {
    await ready;
    clearTimeout(retryTimer);
    try {
      if (!userId) return;
      const queue = items.filter((x) => x.state === 'waiting' && mine(x));
      for (const [index, { key }] of queue.entries()) {
        activity = { ...activity, sending: queue.length - index };
        changed();
        // Read afresh: a start sent just before may have given this item its case.
        const waiting = items.find((x) => x.key === key);
        if (!waiting || waiting.state !== 'waiting') continue;
        let item = waiting;
        try {
          if (item.kind === 'start') {
            await sendStart(item);
            continue;
          }
          // Photos first; the stored references are saved with the item, so a retry never uploads twice.
          item = await withFilesUploaded(item);
          if (item !== waiting) await save(item);
          await post(item, true);
          await save({ ...item, state: 'sent', sentAt: new Date().toISOString() });
        } catch (e) {
          if (!(e instanceof ApiError)) throw e;
          // No signal, or a gateway or the database briefly away (502, 503 CF_DB_UNAVAILABLE, 504): kept and tried again, never refused.
          if (e.status === 0 || e.status === 502 || e.status === 503 || e.status === 504) return retryLater();
          const refused: OutboxItem = { ...item, state: 'refused', error: e.message, code: e.code };
          const now = e.body.case as CaseView | undefined;
          if (e.status === 409 && now) refused.current = { rev: now.rev, stateKey: now.stateKey, ...(now.stepLabel ? { stepLabel: now.stepLabel } : {}) };
          await save(refused);
        }
      }
      activity = { ...activity, retry: null };
    } finally {
      flushing = null;
      activity = { ...activity, sending: 0 };
      changed();
    }
  })();
  return flushing;
}

/** Starts a case started offline, with when it was (X-Queued-At, as a queued step); the steps waiting behind it move to the case the server started. */
async function sendStart(item: OutboxItem): Promise<void> {
  const created = await api<CaseView>('POST', '/api/cases', { processId: item.processId, orgUnitId: item.orgUnitId }, { 'idempotency-key': item.key, 'x-queued-at': item.at });
  await save({ ...item, state: 'sent', sentAt: new Date().toISOString(), createdId: created.id });
  for (const next of items.filter((x) => x.caseId === item.caseId && x.kind !== 'start')) {
    await save({ ...next, caseId: created.id, rev: created.rev });
  }
}

/** Sends a refused submission again with what the user typed, on the case as it now is (after a 409). */
export async function resend(key: string): Promise<void> {
  const item = items.find((i) => i.key === key);
  if (!item?.current) return;
  const { current, error: _e, code: _c, ...rest } = item;
  await save({ ...rest, key: crypto.randomUUID(), rev: current.rev, state: 'waiting' });
  await del(key, outboxStore());
  items = items.filter((i) => i.key !== key);
  changed();
  await flush();
}

/** Forgets an item (a refusal the user has read, or a sent one). */
export async function discard(key: string): Promise<void> {
  items = items.filter((i) => i.key !== key);
  changed();
  await del(key, outboxStore());
}

// The browser says the network is back: try now, and start the waits afresh.
window.addEventListener('online', () => {
  activity = { ...activity, retry: null };
  void flush();
});
