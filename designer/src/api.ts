/** The HTTP client: session cookie + CSRF header, errors as ApiError with the server's Chinese details. */
import type { CaseView } from '../../server/cases/caseView';

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

let csrf = sessionStorage.getItem('cf_csrf') ?? '';

/** Remembers the CSRF token the server gave at login. */
export function setCsrf(token: string): void {
  csrf = token;
  sessionStorage.setItem('cf_csrf', token);
}

/** Calls the API; throws ApiError (status 0 when offline). */
export async function api<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(method === 'GET' ? {} : { 'x-csrf-token': csrf }), ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, 'OFFLINE', '网络不通，请稍后再试');
  }
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const e = (data.error ?? {}) as { code?: string; message?: string; details?: FieldDetail[] };
    if (res.status === 401 && !path.endsWith('/api/session')) location.hash = '#/login';
    throw new ApiError(res.status, e.code ?? 'CF_INTERNAL', e.message ?? `请求失败（${res.status}）`, e.details ?? [], data);
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
  county: { code: string; name: string };
  grants: { role: string; unitId: string; unitName: string; level: string }[];
}
