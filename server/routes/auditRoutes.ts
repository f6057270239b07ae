import type { FastifyInstance } from 'fastify';
import { verifyChain } from '../audit/verifyChain';
import { requireActor } from '../authPlugin';
import type { Db } from '../db/open';
import { errors } from './schemas';

/** Re-checks the county's hash-chained event log. */
export function auditRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/audit/verify', {
    schema: {
      tags: ['audit'], summary: '校验本县办理记录的哈希链',
      response: { 200: { type: 'object', properties: { ok: { type: 'boolean' }, events: { type: 'integer' }, broken: { type: 'object', properties: { lane: { type: 'integer' }, seq: { type: 'integer' }, caseId: { type: 'string' }, reason: { type: 'string' } } } } }, ...errors(401) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    return db.run(actor.county, (k) => verifyChain(k, actor.county));
  });
}
