/** The HTTP client: session cookie + CSRF header, errors as ApiError with the server's Chinese details. */
import type { CaseView } from '../../server/cases/caseView';
import { keepRead, keptRead } from './offline/keep';
import { t } from './i18n';

/** A case as the API returns it: the server's own type. */
export type { CaseView };

export interface FieldDetail {
  path: string;
  field?: string;
  message: string;
}

/** An error answer from the API (or the network being down: status 0). */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly details: FieldDetail[] = [], readonly body: Record<string, unknown> = {}) {
    super(message);
  }
}

/** What went wrong, in words: the message, then each field's problem. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError && e.details.length) return t('common.withDetails', { message: e.message, details: e.details.map((d) => d.message).join(t('common.semicolon')) });
  return (e as Error).message;
}

let csrf = sessionStorage.getItem('cf_csrf') ?? '';

/** Remembers the CSRF token the server gave at login (and with GET /api/me, in every tab). */
export function setCsrf(token: string): void {
  csrf = token;
  sessionStorage.setItem('cf_csrf', token);
}

/** The CSRF token, for requests made outside `api` (file uploads). */
export const csrfToken = () => csrf;

/** Reads a page may show without signal: the inbox, cases, processes, units, the user. */
const keepable = (path: string) => /^\/api\/(me|tasks|cases|processes|org-units)(\/|\?|$)/.test(path) && !/export|import|audit/.test(path);

/** When the page shows kept answers because the network is down: the time the oldest was fetched; null when online. */
let offlineSince: string | null = null;
const connectionListeners = new Set<() => void>();
export const shownFromKept = () => offlineSince;
export function onConnectionChange(listener: () => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}
function noteConnection(keptAt: string | null) {
  const next = keptAt === null ? null : offlineSince === null || keptAt < offlineSince ? keptAt : offlineSince;
  if (next === offlineSince) return;
  offlineSince = next;
  connectionListeners.forEach((l) => l());
}

/** The kept answer to a read (the page then says it shows what was kept, and since when); undefined when nothing is kept. */
export async function keptAnswer<T>(path: string): Promise<T | undefined> {
  const kept = await keptRead(path);
  if (!kept) return undefined;
  noteConnection(kept.at);
  return kept.body as T;
}

/** How long an API request (sent and answered) may take before it counts as no signal. */
export const REQUEST_TIMEOUT_MS = 15_000;
/** The same for a request that makes the server work through many cases (batch decisions, a calendar's 期限重算, publishing). */
export const SLOW_REQUEST_TIMEOUT_MS = 120_000;

/**
 * Calls the API; throws ApiError (status 0 when offline). Reads are kept in IndexedDB: without
 * signal a read answers with the kept copy, and the app says how old it is.
 */
export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, timeoutMs = REQUEST_TIMEOUT_MS): Promise<T> {
  let res: Response;
  let data: Record<string, unknown>;
  // A weak signal may never answer while the browser believes it is online: past the limit the request counts as no signal.
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: abort.signal,
    });
    data = (await res.json().catch((e: unknown) => {
      if (abort.signal.aborted) throw e;
      return {};
    })) as Record<string, unknown>;
  } catch {
    const kept = method === 'GET' && keepable(path) ? await keptAnswer<T>(path) : undefined;
    if (kept !== undefined) return kept;
    throw new ApiError(0, 'OFFLINE', t('common.networkDown'));
  } finally {
    clearTimeout(timer);
  }
  noteConnection(null);
  if (res.ok && method === 'GET' && keepable(path)) void keepRead(path, data);
  if (!res.ok) {
    const e = (data.error ?? {}) as { code?: string; message?: string; details?: FieldDetail[] };
    if (res.status === 401 && !path.endsWith('/api/session')) location.hash = '#/login';
    throw new ApiError(res.status, e.code ?? 'CF_INTERNAL', e.message ?? t('api.requestFailed', { status: res.status }), e.details ?? [], data);
  }
  return data as T;
}

/** One page of cases. */
export interface Page {
  items: CaseView[];
  total: number;
  page: number;
  pageSize: number;
}

/** The signed-in user. */
export interface Me {
  id: string;
  name: string;
  username: string;
  csrfToken: string;
  /** Signed in with an initial or reset password: it must be changed before anything else. */
  mustChangePassword?: boolean;
  county: { code: string; name: string };
  grants: { role: string; unitId: string; unitName: string; level: string }[];
}
