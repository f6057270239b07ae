import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { SessionCache } from './auth/sessionCache';
import { findSession, type Session } from './auth/sessions';
import type { Db } from './db/open';
import { AppError } from './errors';
import type { UserActor } from './rights';

declare module 'fastify' {
  interface FastifyRequest {
    session: Session | null;
    actorCache?: UserActor;
  }
}

/** The session cookie's name. */
export const COOKIE = 'cf_session';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** What someone who must change their password may still do: see who they are, change it, sign out. */
const WHILE_PASSWORD_MUST_CHANGE = new Set(['GET /api/me', 'PUT /api/me/password', 'DELETE /api/session', 'GET /api/counties']);

/** Resolves the session on every /api request and refuses cookie-authenticated writes without the CSRF token. */
export function installAuth(app: FastifyInstance, db: Db, sessions: SessionCache): void {
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const found = await findSession(db, request.cookies[COOKIE], sessions, app.clock.now());
    request.session = found?.session ?? null;
    if (found) request.actorCache = found.actor;
    const path = request.url.split('?')[0]!;
    const login = request.method === 'POST' && path === '/api/session';
    if (request.session && WRITE_METHODS.has(request.method) && !login && request.headers['x-csrf-token'] !== request.session.csrf) {
      throw new AppError('CF_CSRF');
    }
    // Single sign-on (/api/sso/…) stays open: it signs in anew, as the password sign-in does.
    if (found?.actor.mustChangePassword && !WHILE_PASSWORD_MUST_CHANGE.has(`${request.method} ${path}`) && !(request.method === 'GET' && path.startsWith('/api/sso/'))) {
      throw new AppError('CF_PASSWORD_CHANGE_REQUIRED');
    }
  });
}

/** The signed-in actor (user + grants, loaded with the session), or 401. */
export function requireActor(request: FastifyRequest): UserActor {
  if (!request.actorCache) throw new AppError('CF_UNAUTHENTICATED');
  return request.actorCache;
}
