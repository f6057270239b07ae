import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './serverProcess';

/** An OpenID Connect provider on this machine (the `oidc-provider` package), standing in for a county's platform. */
export interface LocalIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Signs in as this account at the provider and follows its redirects until one leaves for `returnTo`; returns that address. */
  signIn(authorizationUrl: string, accountId: string, returnTo: string): Promise<URL>;
  close(): Promise<void>;
}

/**
 * Starts a provider on a free port with one confidential client that may return to `redirectUri`.
 * `accounts` are the people it knows, by account id, with the claims it releases about them.
 * Its login page is replaced by a programmatic login of whoever `signIn` names, and consent is implied.
 */
export async function startIdp(redirectUri: string, accounts: Record<string, Record<string, unknown>>): Promise<LocalIdp> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = 'countyflow';
  const clientSecret = 'a-client-secret-for-the-tests-only';
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], response_types: ['code'], grant_types: ['authorization_code'], token_endpoint_auth_method: 'client_secret_basic' }],
    claims: { openid: ['sub'], profile: ['preferred_username', 'name'], phone: ['phone_number', 'phone_number_verified'] },
    findAccount: async (_ctx, sub) => (accounts[sub] ? { accountId: sub, claims: async () => ({ sub, ...accounts[sub] }) } : undefined),
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      if (!accountId || !ctx.oidc.client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope('openid profile phone');
      await grant.save();
      return grant;
    },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['cookie-key-for-the-tests-only'] },
    // An ID token lives an hour, as at most platforms; the tests move the app's clock past it.
    ttl: { AuthorizationCode: 60, IdToken: 3600, AccessToken: 3600, Interaction: 600, Session: 3600, Grant: 3600 },
  });
  let signingIn = '';
  const handle = provider.callback();
  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) {
      void provider.interactionFinished(req, res, { login: { accountId: signingIn } }, { mergeWithLastSubmission: false });
      return;
    }
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    issuer, clientId, clientSecret,
    async signIn(authorizationUrl, accountId, returnTo) {
      signingIn = accountId;
      const jar = new Map<string, string>();
      let url = new URL(authorizationUrl);
      for (let hop = 0; hop < 10; hop++) {
        const res = await fetch(url, { redirect: 'manual', headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
        for (const c of res.headers.getSetCookie()) {
          const [pair = ''] = c.split(';');
          const eq = pair.indexOf('=');
          jar.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        const location = res.headers.get('location');
        if (!location) throw new Error(`the provider answered ${res.status} at ${url.pathname}: ${await res.text()}`);
        url = new URL(location, url);
        if (url.href.startsWith(returnTo)) return url;
      }
      throw new Error('the provider kept redirecting');
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
