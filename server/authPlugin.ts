import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findSession, type Session } from './auth/sessions';
import type { Db } from './db/open';
import { AppError } from './errors';
import { loadActor, type UserActor } from './rights';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
    actorCache?: UserActor;
  }
}

/** The session cookie's name. */
export const COOKIE = 'cf_session';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Resolves the session on every /api request and refuses cookie-authenticated writes without the CSRF token. */
export function installAuth(app: FastifyInstance, db: Db): void {
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    request.session = await findSession(db, request.cookies[COOKIE]);
    const login = request.method === 'POST' && request.url.split('?')[0] === '/api/session';
    if (request.session && WRITE_METHODS.has(request.method) && !login && request.headers['x-csrf-token'] !== request.session.csrf) {
      throw new AppError('CF_CSRF');
    }
  });
}

/** The signed-in actor (user + grants), or 401. */
export async function requireActor(request: FastifyRequest, db: Db): Promise<UserActor> {
  if (request.actorCache) return request.actorCache;
  const s = request.session;
  if (!s) throw new AppError('CF_UNAUTHENTICATED');
  const actor = await db.run(s.county, (k) => loadActor(k, s.county, s.userId));
  if (!actor) throw new AppError('CF_UNAUTHENTICATED');
  request.actorCache = actor;
  return actor;
}
