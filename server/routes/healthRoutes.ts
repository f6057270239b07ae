import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/open';

/** Liveness with a database check: 200 when the database answers, 503 when it does not. */
export function healthRoutes(app: FastifyInstance, db: Db): void {
  app.get('/health', { schema: { tags: ['health'], summary: '健康检查', response: { 200: { type: 'object', properties: { ok: { type: 'boolean' } } }, 503: { type: 'object', properties: { ok: { type: 'boolean' }, error: { type: 'string' } } } } } }, async (_request, reply) => {
    const ok = await db.ping().catch(() => false);
    return ok ? { ok: true } : reply.status(503).send({ ok: false, error: '数据库不可达' });
  });
}
