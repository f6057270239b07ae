import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config';
import { type PendingLogin, sealLogin } from '../../server/sso/loginCookie';
import { mobileNumber } from '../../server/sso/matchAccount';
import type { SsoProvider } from '../../server/sso/ssoProviders';
import { type LocalIdp, startIdp } from '../helpers/oidcProvider';
import { freePort } from '../helpers/serverProcess';
import { createTestApp, dbKind, login, type TestApp } from '../helpers/testApp';

const PUBLIC = 'http://countyflow.test';
const COUNTY = '532326';
const CALLBACK = `${PUBLIC}/api/sso/${COUNTY}/callback`;

let idp: LocalIdp;
let t: TestApp;
/** How far the app's clock is ahead of the real one (ms): the provider keeps real time. */
let ahead = 0;
let deactivatedId = '';
let zhangOneTime = '';

/** The people the provider knows, by account id. */
const accounts = {
  'gov-zhang': { preferred_username: 'sso-zhang', name: '张伟' },
  'gov-phone': { phone_number: '+86 139-0000-1234', phone_number_verified: true },
  'gov-unverified': { phone_number: '13900001234', phone_number_verified: false },
  'gov-nobody': { preferred_username: 'no-such-person' },
  'gov-left': { preferred_username: 'sso-left' },
};

beforeAll(async () => {
  idp = await startIdp(CALLBACK, accounts);
  const provider = (id: string, label: string, claim: SsoProvider['claim'], issuer = idp.issuer): SsoProvider =>
    ({ county: COUNTY, id, label, issuer, clientId: idp.clientId, clientSecret: idp.clientSecret, claim });
  const nothingThere = `http://127.0.0.1:${await freePort()}`;
  t = await createTestApp(
    { publicUrl: PUBLIC, ssoProviders: [provider('zwfw', '政务服务平台登录', 'preferred_username'), provider('dingtalk', '浙政钉登录', 'phone_number'), provider('down', '停机的平台', 'preferred_username', nothingThere)] },
    { logger: false, clock: { now: () => new Date(Date.now() + ahead) } },
  );
  const admin = await login(t.app, COUNTY, 'guanli');
  const add = async (username: string, phone: string | null) => {
    const res = await admin.send('POST', '/api/admin/users', { username, name: `${username} 同志`, phone, grants: [{ role: 'village_cadre', unitId: 'xiaokangyuan' }] });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { user: { id: string }; oneTimePassword: string };
  };
  zhangOneTime = (await add('sso-zhang', null)).oneTimePassword;
  await add('sso-phone', '13900001234');
  deactivatedId = (await add('sso-left', null)).user.id;
  expect((await admin.send('POST', `/api/admin/users/${deactivatedId}/deactivate`, {})).statusCode).toBe(200);
}, 60_000);

afterAll(async () => {
  await t?.close();
  await idp?.close();
});

/** Presses the provider's button: the app's redirect to the provider, and the signed cookie it set. */
async function startSignOn(provider?: string) {
  const res = await t.app.inject({ method: 'GET', url: `/api/sso/${COUNTY}/login${provider ? `?provider=${provider}` : ''}` });
  expect(res.statusCode, res.body).toBe(302);
  const cookie = res.cookies.find((c) => c.name === 'cf_sso');
  return { location: String(res.headers.location), cookie: cookie?.value ?? '', cookieOptions: cookie };
}

/** Signs in at the provider as `account`; returns the address it sends the browser back to, and the app's cookie. */
async function signOn(account: keyof typeof accounts, provider?: string) {
  const { location, cookie } = await startSignOn(provider);
  return { back: await idp.signIn(location, account, CALLBACK), cookie };
}

const callback = (back: URL, cookie?: string) => t.app.inject({ method: 'GET', url: back.pathname + back.search, cookies: cookie ? { cf_sso: cookie } : {} });

const ssoFailures = () => t.db.run(COUNTY, (k) => k.selectFrom('auth_failures').select(['user_id', 'target']).where('county_id', '=', COUNTY).where('action', '=', 'sso').orderBy('id').execute());

/** The answer is a redirect to the login page with this code, no session, and one more refusal recorded with it. */
async function expectRefused(res: LightMyRequestResponse, code: string, before: number) {
  expect(res.statusCode, res.body).toBe(302);
  expect(res.headers.location).toBe(`${PUBLIC}/#/login?sso_error=${code}`);
  expect(res.cookies.find((c) => c.name === 'cf_session')).toBeUndefined();
  const after = await ssoFailures();
  expect(after.length).toBe(before + 1);
  expect(after.at(-1)!.target).toContain(code);
  return after.at(-1)!;
}

describe(`single sign-on through OpenID Connect (${dbKind})`, () => {
  it('tells the login page which counties offer it, with their buttons and the messages of every refusal', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/sso/providers' });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { providers: unknown[]; messages: Record<string, string> };
    expect(body.providers).toContainEqual({ county: COUNTY, id: 'zwfw', label: '政务服务平台登录' });
    expect(body.providers).toContainEqual({ county: COUNTY, id: 'dingtalk', label: '浙政钉登录' });
    expect(JSON.stringify(body)).not.toContain(idp.clientSecret);
    expect(body.messages.CF_SSO_UNKNOWN_PERSON).toBe('统一身份认证平台的这个账号在本县没有唯一对应的人员，请联系县管理员');
  });

  it('documents its routes in the OpenAPI document', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, unknown> };
    for (const path of ['/api/sso/providers', '/api/sso/{county}/login', '/api/sso/{county}/callback']) expect(Object.keys(doc.paths)).toContain(path);
  });

  it('sends the browser to the provider with state, nonce and a PKCE challenge, keeping the verifier in a short-lived HttpOnly cookie', async () => {
    const { location, cookieOptions } = await startSignOn();
    const url = new URL(location);
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get('redirect_uri')).toBe(CALLBACK);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    for (const p of ['state', 'nonce', 'code_challenge']) expect(url.searchParams.get(p)).toMatch(/^[\w-]{20,}$/);
    expect(cookieOptions).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/api/sso/', maxAge: 600 });
  });

  it('signs an existing person in with the same session as a password sign-in, which works on /api/me', async () => {
    const { back, cookie } = await signOn('gov-zhang');
    const res = await callback(back, cookie);
    expect(res.statusCode, res.body).toBe(302);
    expect(res.headers.location).toBe(`${PUBLIC}/#/tasks`);
    const session = res.cookies.find((c) => c.name === 'cf_session')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    const me = await t.app.inject({ method: 'GET', url: '/api/me', cookies: { cf_session: session.value } });
    expect(me.statusCode).toBe(200);
    // Added by the administrator, so the password must be changed; the provider authenticated them, so they may work.
    expect(me.json()).toMatchObject({ username: 'sso-zhang', mustChangePassword: false, grants: [{ role: 'village_cadre', unitId: 'xiaokangyuan' }] });
    expect((await t.app.inject({ method: 'GET', url: '/api/messages?limit=1', cookies: { cf_session: session.value } })).statusCode).toBe(200);
    expect(res.cookies.find((c) => c.name === 'cf_sso')).toMatchObject({ value: '', path: '/api/sso/' });
    // The account keeps its mark: signing in with the one-time password still means changing it first.
    const byPassword = await t.app.inject({ method: 'POST', url: '/api/session', payload: { county: COUNTY, username: 'sso-zhang', password: zhangOneTime } });
    expect(byPassword.json()).toMatchObject({ mustChangePassword: true });
    // And the session is a whole one: its CSRF token signs a write, here signing out.
    const { csrfToken } = me.json() as { csrfToken: string };
    expect((await t.app.inject({ method: 'DELETE', url: '/api/session', cookies: { cf_session: session.value }, headers: { 'x-csrf-token': csrfToken } })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/me', cookies: { cf_session: session.value } })).statusCode).toBe(401);
  });

  it('matches a phone number claim to the person with that mobile number, with a second provider of the county', async () => {
    const { back, cookie } = await signOn('gov-phone', 'dingtalk');
    const res = await callback(back, cookie);
    expect(res.headers.location).toBe(`${PUBLIC}/#/tasks`);
    const me = await t.app.inject({ method: 'GET', url: '/api/me', cookies: { cf_session: res.cookies.find((c) => c.name === 'cf_session')!.value } });
    expect(me.json()).toMatchObject({ username: 'sso-phone' });
  });

  it('refuses a phone number the provider has not verified', async () => {
    const before = (await ssoFailures()).length;
    const { back, cookie } = await signOn('gov-unverified', 'dingtalk');
    await expectRefused(await callback(back, cookie), 'CF_SSO_UNKNOWN_PERSON', before);
  });

  it('refuses a wrong state, and a callback without the cookie of the browser that started the sign-in', async () => {
    let before = (await ssoFailures()).length;
    const { back, cookie } = await signOn('gov-zhang');
    const forged = new URL(back);
    forged.searchParams.set('state', 'not-the-state-this-browser-was-given');
    await expectRefused(await callback(forged, cookie), 'CF_SSO_STATE', before++);
    await expectRefused(await callback(back), 'CF_SSO_STATE', before++);
    await expectRefused(await callback(back, `${cookie.slice(0, -4)}AAAA`), 'CF_SSO_STATE', before);
  });

  it('refuses a replayed code', async () => {
    const { back, cookie } = await signOn('gov-zhang');
    expect((await callback(back, cookie)).headers.location).toBe(`${PUBLIC}/#/tasks`);
    const before = (await ssoFailures()).length;
    await expectRefused(await callback(back, cookie), 'CF_SSO_CODE', before);
  });

  it('refuses an ID token issued for another sign-in (its nonce is not this one\'s)', async () => {
    const before = (await ssoFailures()).length;
    const { back, cookie } = await signOn('gov-zhang');
    // A cookie as the server would sign it, for the same state and verifier but another nonce.
    const login = JSON.parse(Buffer.from(cookie.split('.')[0]!, 'base64url').toString()) as PendingLogin;
    const zwfw = t.config.ssoProviders.find((p) => p.id === 'zwfw')!;
    const refused = await expectRefused(await callback(back, sealLogin(zwfw, { ...login, nonce: 'another-sign-in' })), 'CF_SSO_TOKEN', before);
    expect(refused.target).toContain('nonce');
  });

  it('refuses an expired ID token', async () => {
    const before = (await ssoFailures()).length;
    // The provider's ID tokens live an hour: two hours on, this one has expired by the app's clock.
    ahead = 2 * 3_600_000;
    try {
      const { back, cookie } = await signOn('gov-zhang');
      const refused = await expectRefused(await callback(back, cookie), 'CF_SSO_TOKEN', before);
      expect(refused.target).toContain('exp');
    } finally {
      ahead = 0;
    }
  });

  it('refuses a sign-in that took longer than ten minutes', async () => {
    const before = (await ssoFailures()).length;
    const { back, cookie } = await signOn('gov-zhang');
    ahead = 11 * 60_000;
    try {
      await expectRefused(await callback(back, cookie), 'CF_SSO_STATE', before);
    } finally {
      ahead = 0;
    }
  });

  it('refuses a person the county does not have: sign-on never creates an account', async () => {
    const before = (await ssoFailures()).length;
    const { back, cookie } = await signOn('gov-nobody');
    const refused = await expectRefused(await callback(back, cookie), 'CF_SSO_UNKNOWN_PERSON', before);
    expect(refused).toMatchObject({ user_id: null });
    expect(refused.target).toContain('no-such-person');
    const created = await t.db.run(COUNTY, (k) => k.selectFrom('users').select('id').where('county_id', '=', COUNTY).where('username', '=', 'no-such-person').execute());
    expect(created).toEqual([]);
  });

  it('refuses a deactivated person, recording who it was', async () => {
    const before = (await ssoFailures()).length;
    const { back, cookie } = await signOn('gov-left');
    expect(await expectRefused(await callback(back, cookie), 'CF_ACCOUNT_DISABLED', before)).toMatchObject({ user_id: deactivatedId });
  });

  it('refuses when the provider ends the sign-in with an error (the person cancelled)', async () => {
    const before = (await ssoFailures()).length;
    const { location, cookie } = await startSignOn();
    const state = new URL(location).searchParams.get('state')!;
    const res = await t.app.inject({ method: 'GET', url: `/api/sso/${COUNTY}/callback?error=access_denied&error_description=cancelled&state=${state}`, cookies: { cf_sso: cookie } });
    expect((await expectRefused(res, 'CF_SSO_IDP_ERROR', before)).target).toContain('access_denied');
  });

  it('refuses when the provider cannot be reached, and a county or provider that offers no sign-on', async () => {
    const before = (await ssoFailures()).length;
    await expectRefused(await t.app.inject({ method: 'GET', url: `/api/sso/${COUNTY}/login?provider=down` }), 'CF_SSO_UNAVAILABLE', before);
    await expectRefused(await t.app.inject({ method: 'GET', url: `/api/sso/${COUNTY}/login?provider=wechat` }), 'CF_SSO_NOT_CONFIGURED', before + 1);
    const elsewhere = await t.app.inject({ method: 'GET', url: '/api/sso/621226/login' });
    expect(elsewhere.statusCode).toBe(302);
    expect(elsewhere.headers.location).toBe(`${PUBLIC}/#/login?sso_error=CF_SSO_NOT_CONFIGURED`);
    const bad = await t.app.inject({ method: 'GET', url: '/api/sso/not-a-county/callback' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'CF_VALIDATION' } });
  });
});

describe('single sign-on configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cf-sso-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const zwfw = { county: '532326', id: 'zwfw', label: '政务服务平台登录', issuer: 'https://zwfw.example.gov.cn/oidc', clientId: 'countyflow', clientSecret: 's3cret', claim: 'phone_number' };

  it('reads the providers from the file OIDC_PROVIDERS names, and needs PUBLIC_URL with them', () => {
    const providers = file('ok.json', [zwfw]);
    expect(loadConfig({ OIDC_PROVIDERS: providers, PUBLIC_URL: 'https://flow.example.gov.cn/' })).toMatchObject({ ssoProviders: [zwfw], publicUrl: 'https://flow.example.gov.cn' });
    expect(loadConfig({}).ssoProviders).toEqual([]);
    expect(() => loadConfig({ OIDC_PROVIDERS: providers })).toThrow('PUBLIC_URL');
  });

  it('stops the server at start-up on a file that is missing or does not fit, saying what is wrong', () => {
    const env = (path: string) => ({ OIDC_PROVIDERS: path, PUBLIC_URL: 'https://flow.example.gov.cn' });
    expect(() => loadConfig(env(join(dir, 'none.json')))).toThrow('无法读取');
    expect(() => loadConfig(env(file('claim.json', [{ ...zwfw, claim: 'email' }])))).toThrow('/0/claim');
    expect(() => loadConfig(env(file('twice.json', [zwfw, zwfw])))).toThrow('532326/zwfw 出现了两次');
    expect(() => loadConfig(env(file('http.json', [{ ...zwfw, issuer: 'http://zwfw.example.gov.cn' }])))).toThrow('https');
  });

  it('reads mainland mobile numbers as users.phone keeps them', () => {
    expect(mobileNumber('+86 139-0000-1234')).toBe('13900001234');
    expect(mobileNumber('8613900001234')).toBe('13900001234');
    expect(mobileNumber('13900001234')).toBe('13900001234');
    expect(mobileNumber('+1 415 555 0100')).toBeNull();
  });
});
