import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyRequest } from 'fastify';
import { recordAdminChange } from '../admin/adminLog';
import { allCounties, countyNamed } from '../admin/countyQueries';
import { unitNames } from '../admin/unitQueries';
import { clearFailedSignIns, passwordAndPhone, recordFailedSignIn, setPassword, signInAccount } from '../auth/accountQueries';
import { accountDelaySeconds, loginGuard } from '../auth/loginGuard';
import { hashPassword, verifyPassword } from '../auth/password';
import { passwordProblem } from '../auth/passwordPolicy';
import type { SessionCache } from '../auth/sessionCache';
import { createSession, refreshUserSessions, revokeSession } from '../auth/sessions';
import { COOKIE, requireActor } from '../authPlugin';
import type { Config } from '../config';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { errors } from './schemas';

/** What the session routes need from the app. */
export interface SessionRoutesOptions {
  db: Db;
  config: Config;
  sessions: SessionCache;
}

const delayed = (seconds: number) => new AppError('CF_LOGIN_DELAYED', `登录失败次数过多，请 ${seconds} 秒后再试`);

/** Sign in and out (here or everywhere), change one's password, and who am I. */
export const sessionRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: SessionRoutesOptions }> = async (app, { db, config, sessions }) => {
  const guard = loginGuard();

  app.post('/api/session', {
    // Per account and address: a township office behind one NAT address must not lock out its cadres.
    config: {
      rateLimit: {
        max: 10, timeWindow: '1 minute', hook: 'preHandler',
        keyGenerator: (request: FastifyRequest) => {
          const body = (request.body ?? {}) as { county?: unknown; username?: unknown };
          return `${request.ip}|${String(body.county)}|${String(body.username)}`;
        },
      },
    },
    schema: {
      tags: ['session'],
      summary: '登录',
      body: {
        type: 'object',
        required: ['county', 'username', 'password'],
        additionalProperties: false,
        properties: { county: { type: 'string', pattern: '^\\d{6}$' }, username: { type: 'string', minLength: 1, maxLength: 64 }, password: { type: 'string', minLength: 1, maxLength: 200 } },
      } as const,
      response: { 200: { type: 'object', properties: { csrfToken: { type: 'string' }, mustChangePassword: { type: 'boolean' } } }, ...errors(400, 401, 429) },
    },
  }, async (request, reply) => {
    const { county, username, password } = request.body;
    const now = app.clock.now();
    const wait = guard.addressWait(request.ip, now.getTime());
    if (wait) throw delayed(wait);
    const user = await db.run(county, (k) => signInAccount(k, county, username));
    if (!user) {
      // No hashing for a name that is no account: the answer only takes as long as a check would (see loginGuard).
      const name = `${county}|${username}`;
      const nameWait = guard.unknownNameWait(name, now.getTime());
      if (nameWait) throw delayed(nameWait);
      await guard.imitateCheck();
      guard.failed(request.ip, name, app.clock.now().getTime());
      request.log.warn({ county, username }, 'login failed');
      throw new AppError('CF_LOGIN_FAILED');
    }
    if (user.login_after && new Date(user.login_after) > now) throw delayed(Math.ceil((new Date(user.login_after).getTime() - now.getTime()) / 1000));
    if (!(await guard.timed(() => verifyPassword(password, user.password_hash), user.failed_logins === 0))) {
      const failures = user.failed_logins + 1;
      const delay = accountDelaySeconds(failures);
      await db.run(county, (k) => recordFailedSignIn(k, county, user.id, failures, delay ? new Date(now.getTime() + delay * 1000) : null));
      guard.failed(request.ip, null, now.getTime());
      request.log.warn({ county, username, failures }, 'login failed');
      throw new AppError('CF_LOGIN_FAILED');
    }
    if (!user.active) throw new AppError('CF_ACCOUNT_DISABLED');
    if (user.password_expires_at && new Date(user.password_expires_at) <= now) throw new AppError('CF_PASSWORD_EXPIRED');
    if (user.failed_logins) {
      await db.run(county, (k) => clearFailedSignIns(k, county, user.id));
    }
    const { cookie, csrf } = await createSession(db, county, user.id, config.sessionHours, app.clock.now());
    void reply.setCookie(COOKIE, cookie, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: config.sessionHours * 3600 });
    return { csrfToken: csrf, mustChangePassword: user.must_change_password };
  });

  app.get('/api/counties', {
    schema: { tags: ['session'], summary: '可登录的县（登录页用）', response: { 200: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } } } } },
  }, async () => {
    const rows = await db.run('*', (k) => allCounties(k));
    return rows.map((r) => ({ code: r.county_id, name: r.name }));
  });

  app.delete('/api/session', { schema: { tags: ['session'], summary: '退出登录', response: { 204: { type: 'null' }, ...errors(401, 403) } } }, async (request, reply) => {
    if (!request.session) throw new AppError('CF_UNAUTHENTICATED');
    await revokeSession(db, request.session, sessions, app.clock.now());
    void reply.clearCookie(COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.delete('/api/sessions', { schema: { tags: ['session'], summary: '在所有设备上退出登录（包括本设备）', response: { 200: { type: 'object', properties: { signedOut: { type: 'integer' } } }, ...errors(401, 403) } } }, async (request, reply) => {
    const actor = requireActor(request);
    const signedOut = await db.transaction(actor.county, (k) => refreshUserSessions(k, { county: actor.county, userId: actor.id }, true, app.clock.now(), sessions));
    void reply.clearCookie(COOKIE, { path: '/' });
    return { signedOut };
  });

  app.put('/api/me/password', {
    schema: {
      tags: ['session'], summary: '修改本人密码（其他设备上的登录随之退出）',
      body: {
        type: 'object', required: ['current', 'next'], additionalProperties: false,
        properties: { current: { type: 'string', minLength: 1, maxLength: 200, description: '当前密码（或管理员发放的临时密码）' }, next: { type: 'string', minLength: 1, maxLength: 200, description: '新密码' } },
      } as const,
      response: { 204: { type: 'null' }, ...errors(400, 401, 403) },
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    const { current, next } = request.body;
    const user = await db.run(actor.county, (k) => passwordAndPhone(k, actor.county, actor.id));
    if (!(await guard.timed(() => verifyPassword(current, user.password_hash)))) {
      throw new AppError('CF_PASSWORD_WRONG', undefined, [{ path: '/current', field: '当前密码', message: '「当前密码」不正确' }]);
    }
    const problem = current === next ? '新密码不能与当前密码相同' : passwordProblem(next, { username: actor.username, phone: user.phone });
    if (problem) throw new AppError('CF_PASSWORD_WEAK', `新密码不符合要求：${problem}`, [{ path: '/next', field: '新密码', message: `「新密码」${problem}` }]);
    const hash = await hashPassword(next);
    const now = app.clock.now();
    await db.transaction(actor.county, async (k) => {
      await setPassword(k, actor.county, actor.id, { hash, mustChange: false, expiresAt: null });
      await refreshUserSessions(k, { county: actor.county, userId: actor.id }, true, now, sessions, request.session!.sessionId);
      await recordAdminChange(k, actor.county, actor, { type: 'user.password', target: { kind: 'user', id: actor.id, name: actor.name } }, now);
    });
    return reply.status(204).send(null);
  });

  app.get('/api/me', {
    schema: {
      tags: ['session'],
      summary: '当前用户、县和角色',
      response: {
        200: {
          type: 'object',
          properties: {
            id: { type: 'string' }, username: { type: 'string' }, name: { type: 'string' }, csrfToken: { type: 'string' },
            mustChangePassword: { type: 'boolean', description: '须先修改密码（初始密码或临时密码）' },
            county: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } },
            grants: { type: 'array', items: { type: 'object', properties: { role: { type: 'string' }, unitId: { type: 'string' }, unitName: { type: 'string' }, level: { type: 'string' } } } },
          },
        },
        ...errors(401),
      },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const [county, units] = await db.run(actor.county, async (k) => [
      await countyNamed(k, actor.county),
      await unitNames(k, actor.county, actor.grants.map((g) => g.unitPath.at(-1)!)),
    ] as const);
    return {
      id: actor.id, username: actor.username, name: actor.name, csrfToken: request.session!.csrf, mustChangePassword: actor.mustChangePassword === true,
      county: { code: county.county_id, name: county.name },
      grants: actor.grants.map((g) => ({ role: g.role, unitId: g.unitPath.at(-1)!, unitName: units.find((u) => u.id === g.unitPath.at(-1))?.name ?? '', level: g.level })),
    };
  });
};
