import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { Db } from '../db/open';
import { pendingIn } from '../db/pendingMigrations';
import { within } from '../timeLimit';

/** What the health routes need from the app. */
export interface HealthRoutesOptions {
  db: Db;
}

/** How long a probe waits for the database to answer before it says it did not. */
const PING_TIMEOUT_MS = 5000;

const reads = { type: 'object', properties: { host: { type: 'string' }, lagMs: { type: ['number', 'null'] }, serving: { type: 'boolean' } } } as const;
const database = { type: 'object', properties: { kind: { type: 'string' }, host: { type: 'string' }, writable: { type: 'boolean' }, reads } } as const;
const verdict = { type: 'object', properties: { ok: { type: 'boolean' }, error: { type: 'string' }, pending: { type: 'array', items: { type: 'string' } } } } as const;

/**
 * /health (the database answers, which one, whether it takes writes), and for an orchestrator:
 * /health/live (the process answers: restart it when not) and /health/ready (the database answers
 * and every migration has run: send it requests only then).
 */
export const healthRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: HealthRoutesOptions }> = async (app, { db }) => {
  app.get('/health', {
    schema: {
      tags: ['health'], summary: '健康检查：能否连上数据库，连的是哪一台，能否写入',
      response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, database } }, 503: { type: 'object', properties: { ok: { type: 'boolean' }, error: { type: 'string' }, database } } },
    },
  }, async (_request, reply) => {
    const ok = await within(db.ping(), PING_TIMEOUT_MS, false);
    const where = { kind: db.kind, ...db.where() };
    return ok ? { ok: true, database: where } : reply.status(503).send({ ok: false, error: '数据库不可达', database: where });
  });

  app.get('/health/live', { schema: { tags: ['health'], summary: '存活检查：进程能应答（不查数据库）', response: { 200: verdict } } }, async () => ({ ok: true }));

  app.get('/health/ready', {
    schema: { tags: ['health'], summary: '就绪检查：数据库可达，且所有迁移都已执行', response: { 200: verdict, 503: verdict } },
  }, async (_request, reply) => {
    const pending = await within(db.run('*', (k) => pendingIn(k)), PING_TIMEOUT_MS, null);
    if (pending === null) return reply.status(503).send({ ok: false, error: '数据库不可达' });
    if (pending.length) return reply.status(503).send({ ok: false, error: '数据库结构不是最新：先运行 countyflow migrate', pending });
    return { ok: true };
  });
};
