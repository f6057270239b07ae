/**
 * Read-your-writes with a read replica: an accepted write sets the `cf_wrote` cookie, and for
 * READ_AFTER_WRITE_SECONDS that user's reading work (lists, dashboard, exports) comes from the
 * primary (request.freshReads), whatever server the next request reaches. Without
 * READ_DATABASE_URL nothing is set and every read is on the primary anyway.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from './config';
import { WROTE_COOKIE } from './db/readReplica';

declare module 'fastify' {
  interface FastifyRequest {
    /** True when this user wrote lately: their reads must see it (go to the primary). */
    freshReads: boolean;
  }
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function installReadYourWrites(app: FastifyInstance, config: Config): void {
  app.decorateRequest('freshReads', false);
  if (!config.readDatabaseUrl) return;
  app.addHook('onRequest', async (request) => {
    const wrote = Number(request.cookies[WROTE_COOKIE] ?? 0);
    request.freshReads = app.clock.now().getTime() - wrote < config.readAfterWriteMs;
  });
  app.addHook('onSend', async (request, reply) => {
    if (WRITES.has(request.method) && reply.statusCode < 400 && request.url.startsWith('/api/')) {
      void reply.setCookie(WROTE_COOKIE, String(app.clock.now().getTime()), { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, maxAge: Math.ceil(config.readAfterWriteMs / 1000) });
    }
  });
}
