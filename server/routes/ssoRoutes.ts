import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomNonce, randomPKCECodeVerifier, randomState } from 'openid-client';
import { createSession } from '../auth/sessions';
import { recordAuthFailure } from '../cases/authFailures';
import { COOKIE } from '../authPlugin';
import type { Config } from '../config';
import type { Db } from '../db/open';
import { type ErrorCode, errorCatalogue } from '../errors';
import { openLogin, type PendingLogin, sealLogin, SSO_COOKIE, SSO_COOKIE_SECONDS } from '../sso/loginCookie';
import { matchAccount } from '../sso/matchAccount';
import { oidcClients, SsoRefusal } from '../sso/oidcClient';
import { errors } from './schemas';

/** What the single sign-on routes need from the app. */
export interface SsoRoutesOptions {
  db: Db;
  config: Config;
}

/** The codes a sign-on can end in, with their messages, for the login page. */
const SSO_ERRORS = ['CF_SSO_NOT_CONFIGURED', 'CF_SSO_STATE', 'CF_SSO_CODE', 'CF_SSO_TOKEN', 'CF_SSO_IDP_ERROR', 'CF_SSO_UNAVAILABLE', 'CF_SSO_UNKNOWN_PERSON', 'CF_ACCOUNT_DISABLED'] as const satisfies readonly ErrorCode[];

const countyParams = { type: 'object', required: ['county'], properties: { county: { type: 'string', pattern: '^\\d{6}$' } } } as const;
const redirect = { 302: { type: 'null', description: '转到统一身份认证平台或本系统的页面' } } as const;

/**
 * Single sign-on through a county's OpenID Connect provider (authorization code with PKCE). Sign-on
 * only finds an existing, active account by the configured claim; every refusal goes back to the
 * login page with its code (`/#/login?sso_error=CF_…`) and is recorded in auth_failures.
 */
export const ssoRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: SsoRoutesOptions }> = async (app, { db, config }) => {
  const now = () => app.clock.now();
  const clients = oidcClients();
  const providersOf = (county: string) => config.ssoProviders.filter((p) => p.county === county);
  const base = config.publicUrl ?? '';
  const redirectUri = (county: string) => `${base}/api/sso/${county}/callback`;
  const loginCookie = { path: '/api/sso/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies } as const;

  /** Back to the login page with the code; recorded for the county when it offers sign-on at all. */
  const refuse = async (request: FastifyRequest, reply: FastifyReply, county: string, refusal: SsoRefusal, provider?: string) => {
    request.log.warn({ county, provider, code: refusal.code, detail: refusal.detail }, 'single sign-on refused');
    if (providersOf(county).length) {
      const target = `${provider ?? '-'} ${refusal.code} ${refusal.detail}`.slice(0, 500);
      await db.run(county, (k) => recordAuthFailure(k, county, refusal.userId, 'sso', target, now()));
    }
    void reply.clearCookie(SSO_COOKIE, loginCookie);
    return reply.redirect(`${base}/#/login?sso_error=${refusal.code}`);
  };

  app.get('/api/sso/providers', {
    schema: {
      tags: ['session'], summary: '开通统一身份认证登录的县及其登录按钮（登录页用），以及登录失败时各代码的提示',
      response: {
        200: {
          type: 'object',
          properties: {
            providers: { type: 'array', items: { type: 'object', properties: { county: { type: 'string' }, id: { type: 'string' }, label: { type: 'string' } } } },
            messages: { type: 'object', additionalProperties: { type: 'string' }, description: '`sso_error` 代码 → 中文提示' },
          },
        },
      },
    },
  }, async () => ({
    providers: config.ssoProviders.map((p) => ({ county: p.county, id: p.id, label: p.label })),
    messages: Object.fromEntries(SSO_ERRORS.map((code) => [code, errorCatalogue[code].message])),
  }));

  app.get('/api/sso/:county/login', {
    schema: {
      tags: ['session'], summary: '转到本县的统一身份认证平台登录',
      params: countyParams,
      querystring: { type: 'object', additionalProperties: false, properties: { provider: { type: 'string', maxLength: 32, description: '本县有多个平台时选哪一个（默认第一个）' } } } as const,
      response: { ...redirect, ...errors(400) },
    },
  }, async (request, reply) => {
    const { county } = request.params;
    const providers = providersOf(county);
    const provider = request.query.provider === undefined ? providers[0] : providers.find((p) => p.id === request.query.provider);
    if (!provider) return refuse(request, reply, county, new SsoRefusal('CF_SSO_NOT_CONFIGURED', `provider=${request.query.provider ?? ''}`));
    const login: PendingLogin = { county, provider: provider.id, state: randomState(), nonce: randomNonce(), codeVerifier: randomPKCECodeVerifier(), at: now().getTime() };
    let url: URL;
    try {
      url = await clients.authorizationUrl(provider, login, redirectUri(county));
    } catch (e) {
      if (e instanceof SsoRefusal) return refuse(request, reply, county, e, provider.id);
      throw e;
    }
    void reply.setCookie(SSO_COOKIE, sealLogin(provider, login), { ...loginCookie, maxAge: SSO_COOKIE_SECONDS });
    return reply.redirect(url.href);
  });

  app.get('/api/sso/:county/callback', {
    schema: {
      tags: ['session'], summary: '统一身份认证平台登录后回到这里：核对身份，找到本县的人员，登录',
      params: countyParams,
      querystring: {
        type: 'object',
        properties: { code: { type: 'string', maxLength: 2048 }, state: { type: 'string', maxLength: 512 }, error: { type: 'string', maxLength: 256 }, error_description: { type: 'string', maxLength: 2048 } },
      } as const,
      response: { ...redirect, ...errors(400) },
    },
  }, async (request, reply) => {
    const { county } = request.params;
    const at = now();
    if (!providersOf(county).length) return refuse(request, reply, county, new SsoRefusal('CF_SSO_NOT_CONFIGURED', 'callback'));
    const login = openLogin(request.cookies[SSO_COOKIE], county, config.ssoProviders, at.getTime());
    if (!login) return refuse(request, reply, county, new SsoRefusal('CF_SSO_STATE', '没有有效的登录 Cookie（缺少、被改动或超过 10 分钟）'));
    const provider = providersOf(county).find((p) => p.id === login.provider)!;
    const { error, error_description: description, state } = request.query;
    try {
      if (error) throw new SsoRefusal('CF_SSO_IDP_ERROR', `${error}: ${description ?? ''}`);
      if (state !== login.state) throw new SsoRefusal('CF_SSO_STATE', 'state 与本浏览器发起的登录不符');
      const callbackUrl = new URL(redirectUri(county));
      callbackUrl.search = new URL(request.url, 'http://callback').search;
      const claims = await clients.signedIn(provider, login, callbackUrl, at.getTime());
      const account = await matchAccount(db, provider, claims);
      const { cookie } = await createSession(db, county, account.id, config.sessionHours, at, 'sso');
      void reply.clearCookie(SSO_COOKIE, loginCookie);
      void reply.setCookie(COOKIE, cookie, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: config.sessionHours * 3600 });
      return reply.redirect(`${base}/#/tasks`);
    } catch (e) {
      if (e instanceof SsoRefusal) return refuse(request, reply, county, e, provider.id);
      throw e;
    }
  });
};
