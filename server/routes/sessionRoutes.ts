import type { FastifyInstance, FastifyRequest } from 'fastify';
import { dummyHash, verifyPassword } from '../auth/password';
import type { SessionCache } from '../auth/sessionCache';
import { createSession, revokeSession } from '../auth/sessions';
import { COOKIE, requireActor } from '../authPlugin';
import type { Config } from '../config';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { errors } from './schemas';

/** Log in, log out, and who am I. */
export function sessionRoutes(app: FastifyInstance, db: Db, config: Config, sessions: SessionCache): void {
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
      },
      response: { 200: { type: 'object', properties: { csrfToken: { type: 'string' } } }, ...errors(400, 401, 429) },
    },
  }, async (request, reply) => {
    const { county, username, password } = request.body as { county: string; username: string; password: string };
    const user = await db.run(county, (k) => k.selectFrom('users').select(['id', 'password_hash']).where('county_id', '=', county).where('username', '=', username).executeTakeFirst());
    // The same scrypt work whether or not the user exists (see dummyHash).
    const matches = await verifyPassword(password, user?.password_hash ?? (await dummyHash()));
    if (!user || !matches) {
      request.log.warn({ county, username }, 'login failed');
      throw new AppError('CF_LOGIN_FAILED');
    }
    const { cookie, csrf } = await createSession(db, county, user.id, config.sessionHours);
    void reply.setCookie(COOKIE, cookie, { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: config.sessionHours * 3600 });
    return { csrfToken: csrf };
  });

  app.get('/api/counties', {
    schema: { tags: ['session'], summary: '可登录的县（登录页用）', response: { 200: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' } } } } } },
  }, async () => {
    const rows = await db.run('*', (k) => k.selectFrom('counties').select(['county_id', 'name']).orderBy('county_id').execute());
    return rows.map((r) => ({ code: r.county_id, name: r.name }));
  });

  app.delete('/api/session', { schema: { tags: ['session'], summary: '退出登录', response: { 204: { type: 'null' }, ...errors(401, 403) } } }, async (request, reply) => {
    if (!request.session) throw new AppError('CF_UNAUTHENTICATED');
    await revokeSession(db, request.session, sessions);
    void reply.clearCookie(COOKIE, { path: '/' });
    return reply.status(204).send();
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
      await k.selectFrom('counties').select(['county_id', 'name']).where('county_id', '=', actor.county).executeTakeFirstOrThrow(),
      await k.selectFrom('org_units').select(['id', 'name']).where('county_id', '=', actor.county).where('id', 'in', actor.grants.map((g) => g.unitPath.at(-1)!)).execute(),
    ] as const);
    return {
      id: actor.id, username: actor.username, name: actor.name, csrfToken: request.session!.csrf,
      county: { code: county.county_id, name: county.name },
      grants: actor.grants.map((g) => ({ role: g.role, unitId: g.unitPath.at(-1)!, unitName: units.find((u) => u.id === g.unitPath.at(-1))?.name ?? '', level: g.level })),
    };
  });
}
