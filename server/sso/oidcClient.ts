import * as oidc from 'openid-client';
import { secondsAhead } from '../clock';
import type { ErrorCode } from '../errors';
import type { PendingLogin } from './loginCookie';
import { isLoopback, type SsoProvider } from './ssoProviders';

/** Seconds an identity provider has to answer one request. */
const TIMEOUT_SECONDS = 10;

/** A refusal of the identity provider's answer: the catalogue's code, and what the county's records keep of it. */
export class SsoRefusal extends Error {
  constructor(readonly code: ErrorCode, readonly detail: string, readonly userId: string | null = null) {
    super(detail);
  }
}

/** The scopes that make a provider release the claim the account is matched on. */
const scopes = (provider: SsoProvider) => (provider.claim === 'phone_number' ? 'openid phone' : 'openid profile');

/** One server's view of the counties' identity providers: their metadata, read once, then kept. */
export interface OidcClients {
  /** Where to send the browser to sign in, for a sign-in with these state, nonce and PKCE verifier. */
  authorizationUrl(provider: SsoProvider, login: PendingLogin, redirectUri: string): Promise<URL>;
  /**
   * Exchanges the code in `callbackUrl` (PKCE), checks the ID token (signature, issuer, audience, nonce,
   * expiry at `now`) and returns the claims, with the UserInfo endpoint's when the ID token lacks the
   * configured one. Throws SsoRefusal.
   */
  signedIn(provider: SsoProvider, login: PendingLogin, callbackUrl: URL, now: number): Promise<Record<string, unknown>>;
}

/** Clients for the providers, reading each one's discovery document on first use (and again after a failure). */
export function oidcClients(): OidcClients {
  const metadata = new Map<string, Promise<oidc.ServerMetadata>>();
  const discover = (provider: SsoProvider) => {
    const key = `${provider.county}/${provider.id}`;
    let found = metadata.get(key);
    if (!found) {
      const issuer = new URL(provider.issuer);
      found = oidc.discovery(issuer, provider.clientId, provider.clientSecret, oidc.ClientSecretBasic(provider.clientSecret), {
        timeout: TIMEOUT_SECONDS, ...(isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
      }).then((c) => c.serverMetadata());
      found.catch(() => metadata.delete(key));
      metadata.set(key, found);
    }
    return found;
  };
  // A configuration per request: the clock it checks tokens against is the caller's `now`.
  const configure = async (provider: SsoProvider, now: number) => {
    const config = new oidc.Configuration(await discover(provider), provider.clientId,
      { client_secret: provider.clientSecret, [oidc.clockSkew]: secondsAhead(new Date(now)) }, oidc.ClientSecretBasic(provider.clientSecret));
    config.timeout = TIMEOUT_SECONDS;
    if (isLoopback(new URL(provider.issuer))) oidc.allowInsecureRequests(config);
    return config;
  };
  return {
    async authorizationUrl(provider, login, redirectUri) {
      const config = await configure(provider, login.at).catch(refusal);
      return oidc.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri, scope: scopes(provider), state: login.state, nonce: login.nonce,
        code_challenge: await oidc.calculatePKCECodeChallenge(login.codeVerifier), code_challenge_method: 'S256',
      });
    },
    async signedIn(provider, login, callbackUrl, now) {
      try {
        const config = await configure(provider, now);
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: login.codeVerifier, expectedState: login.state, expectedNonce: login.nonce, idTokenExpected: true,
        });
        const claims: Record<string, unknown> = { ...tokens.claims() };
        if (claims[provider.claim] === undefined) Object.assign(claims, await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub)), { sub: claims.sub });
        return claims;
      } catch (e) {
        return refusal(e);
      }
    },
  };
}

/** Codes that mean the provider could not be talked to properly, not that what it said was refused. */
const UNREACHABLE = new Set(['OAUTH_RESPONSE_IS_NOT_CONFORM', 'OAUTH_RESPONSE_IS_NOT_JSON', 'OAUTH_HTTP_REQUEST_FORBIDDEN', 'OAUTH_REQUEST_PROTOCOL_FORBIDDEN']);

/** What went wrong with the identity provider, as a refusal with the catalogue's code. */
function refusal(e: unknown): never {
  if (e instanceof SsoRefusal) throw e;
  if (e instanceof oidc.ResponseBodyError) throw new SsoRefusal(e.error === 'invalid_grant' ? 'CF_SSO_CODE' : 'CF_SSO_IDP_ERROR', `${e.error}: ${e.error_description ?? ''}`);
  if (e instanceof oidc.AuthorizationResponseError) throw new SsoRefusal('CF_SSO_IDP_ERROR', `${e.error}: ${e.error_description ?? ''}`);
  if (e instanceof oidc.ClientError && e.code && !UNREACHABLE.has(e.code)) throw new SsoRefusal('CF_SSO_TOKEN', `${e.code}: ${causes(e)}`);
  throw new SsoRefusal('CF_SSO_UNAVAILABLE', causes(e));
}

/** The messages of an error and of its causes. */
const causes = (e: unknown): string => {
  const messages: string[] = [];
  for (let c = e; c instanceof Error && messages.length < 4; c = c.cause) messages.push(c.message);
  return messages.join(' ← ') || String(e);
};
