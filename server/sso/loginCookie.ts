import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SsoProvider } from './ssoProviders';

/** The cookie that carries a sign-in from the redirect to the identity provider back to the callback. */
export const SSO_COOKIE = 'cf_sso';
/** How long a sign-in at the identity provider may take. */
export const SSO_COOKIE_SECONDS = 600;

/** What the callback must check the identity provider's answer against. */
export interface PendingLogin {
  county: string;
  provider: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** When the sign-in started (ms since the epoch). */
  at: number;
}

// Keyed by the provider's client secret, which every server of the deployment has: a sign-in started on
// one server finishes on another. Derived, so the secret itself never signs anything but the client.
const key = (provider: SsoProvider) => createHmac('sha256', provider.clientSecret).update('countyflow sso cookie').digest();
const mac = (provider: SsoProvider, body: string) => createHmac('sha256', key(provider)).update(body).digest();

/** The signed cookie value for a sign-in that is starting. */
export function sealLogin(provider: SsoProvider, login: PendingLogin): string {
  const body = Buffer.from(JSON.stringify(login)).toString('base64url');
  return `${body}.${mac(provider, body).toString('base64url')}`;
}

/**
 * The sign-in a cookie carries, or null when it is missing, malformed, signed by no provider of the
 * county, or older than SSO_COOKIE_SECONDS at `now`.
 */
export function openLogin(value: string | undefined, county: string, providers: SsoProvider[], now: number): PendingLogin | null {
  const [body, signature, extra] = (value ?? '').split('.');
  if (!body || !signature || extra !== undefined) return null;
  let login: Partial<PendingLogin>;
  try {
    login = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Partial<PendingLogin>;
  } catch {
    return null;
  }
  const provider = providers.find((p) => p.county === county && p.id === login.provider);
  if (!provider || login.county !== county) return null;
  const expected = mac(provider, body);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const { state, nonce, codeVerifier, at } = login;
  if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string' || typeof at !== 'number') return null;
  if (now - at > SSO_COOKIE_SECONDS * 1000 || at - now > 60_000) return null;
  return { county, provider: provider.id, state, nonce, codeVerifier, at };
}
