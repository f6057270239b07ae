import type { FastifyInstance } from 'fastify';
import { countyVerifier } from '../audit/countyVerifier';
import { makeCheckpoint, loadSigningKey, writeCheckpoint } from '../audit/checkpoint';
import { requireActor } from '../authPlugin';
import type { Config } from '../config';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { mayVerifyAudit } from '../rights';
import { errors } from './schemas';

const broken = { type: 'object', properties: { lane: { type: 'integer' }, seq: { type: 'integer' }, caseId: { type: 'string' }, reason: { type: 'string' } } };
const checkpointSchema = {
  type: 'object',
  properties: {
    format: { type: 'string' }, county: { type: 'string' }, at: { type: 'string' }, events: { type: 'integer' }, publicKey: { type: 'string' }, signature: { type: 'string' },
    lanes: { type: 'array', items: { type: 'object', properties: { lane: { type: 'integer' }, seq: { type: 'integer' }, head: { type: 'string' }, marks: { type: 'string' } } } },
  },
};

/**
 * Re-checks the county's hash-chained event log (county-level supervisors, auditors and
 * administrators; one check per county at a time, from the last verified checkpoint forward:
 * countyVerifier); takes checkpoints on demand.
 */
export function auditRoutes(app: FastifyInstance, db: Db, config: Config): void {
  const verify = countyVerifier({ checkpointDir: config.checkpointDir, auditKeyFile: config.auditKeyFile });
  app.get('/api/audit/verify', {
    schema: {
      tags: ['audit'], summary: '校验本县办理记录的哈希链（并对照最新的签名检查点；限县级监督、审计、管理人员）',
      response: {
        200: {
          type: 'object',
          properties: {
            ok: { type: 'boolean' }, events: { type: 'integer' }, broken, since: { type: 'string', description: '从这个已校验过的检查点往后校验；没有时从第一条记录校验' },
            checkpoint: { type: 'object', properties: { at: { type: 'string' }, events: { type: 'integer' }, ok: { type: 'boolean' }, problem: { type: 'string' } } },
          },
        },
        ...errors(401, 403),
      },
    },
  }, async (request) => {
    const actor = requireActor(request);
    if (!mayVerifyAudit(actor)) throw new AppError('CF_FORBIDDEN', '只有县级监督、审计或管理人员可以校验办理记录');
    return verify(db, actor.county);
  });

  app.post('/api/audit/checkpoint', {
    schema: {
      tags: ['audit'], summary: '立即生成本县的签名检查点（县级用户）；请把返回的文件交给审计人员保存',
      response: { 200: checkpointSchema, ...errors(401, 403) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    if (!actor.grants.some((g) => g.unitPath.length === 1)) throw new AppError('CF_FORBIDDEN', '只有县级用户可以生成检查点');
    const key = loadSigningKey(config.auditKeyFile);
    const cp = await db.run(actor.county, (k) => makeCheckpoint(k, actor.county, app.clock.now(), key));
    writeCheckpoint(config.checkpointDir, cp);
    return cp;
  });
}
