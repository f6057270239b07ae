import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/open';

/** How long /health waits for the database to answer before it says it did not. */
const PING_TIMEOUT_MS = 5000;

/** Liveness with a database check: 200 when the database answers within PING_TIMEOUT_MS, 503 when it does not. */
export function healthRoutes(app: FastifyInstance, db: Db): void {
  const reads = { type: 'object', properties: { host: { type: 'string' }, lagMs: { type: ['number', 'null'] }, serving: { type: 'boolean' } } };
  const database = { type: 'object', properties: { kind: { type: 'string' }, host: { type: 'string' }, writable: { type: 'boolean' }, reads } };
  app.get('/health', {
    schema: {
      tags: ['health'], summary: '健康检查：能否连上数据库，连的是哪一台，能否写入',
      response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, database } }, 503: { type: 'object', properties: { ok: { type: 'boolean' }, error: { type: 'string' }, database } } },
    },
  }, async (_request, reply) => {
    // Bounded: a load balancer asking must hear "unreachable", not wait on a pool with no free connection.
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([db.ping().catch(() => false), new Promise<false>((r) => (timer = setTimeout(() => r(false), PING_TIMEOUT_MS)))]).finally(() => clearTimeout(timer));
    const database = { kind: db.kind, ...db.where() };
    return ok ? { ok: true, database } : reply.status(503).send({ ok: false, error: '数据库不可达', database });
  });
}
