import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { FromSchema } from 'json-schema-to-ts';
import { getPath, personalFieldAt } from '../../engine/index';
import { requireActor } from '../authPlugin';
import { logAuthFailure } from '../cases/authFailures';
import { mayReadPersonalLog, personalAccessLog, recordPersonalAccess } from '../cases/personalLog';
import { visibleCase } from '../cases/visibleCase';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { errors, logPageQuery } from './schemas';
import { snapshotOf } from '../cases/caseView';
import { shownTitle } from '../cases/personalView';

const revealParams = {
  type: 'object', required: ['id', 'path'], additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' },
    path: { type: 'string', pattern: '^[A-Za-z0-9_\\-\\u4e00-\\u9fff]{1,64}(\\.[A-Za-z0-9_\\-\\u4e00-\\u9fff]{1,64}){0,15}$', description: '个人信息在案件数据中的位置，如 register.idNumber、register.members.0.idNumber' },
  },
} as const;
const revealReply = {
  type: 'object', additionalProperties: false, required: ['path', 'title', 'value'],
  properties: { path: { type: 'string' }, title: { type: 'string', description: '字段名称（表单·字段）' }, value: { type: 'string', description: '完整的值' } },
} as const;
const accessReply = {
  type: 'object', additionalProperties: false, required: ['seq', 'at', 'actor', 'kind', 'processId'],
  properties: {
    seq: { type: 'integer', description: '在防篡改链中的位置；下一页用 beforeSeq=最后一条的 seq' }, at: { type: 'string' }, actor: { type: 'string', description: '谁' }, kind: { enum: ['reveal', 'export'], description: 'reveal：查看完整；export：导出台账' },
    processId: { type: 'string' }, caseId: { type: 'string' }, caseTitle: { type: 'string' }, path: { type: 'string' }, field: { type: 'string' },
    processTitle: { type: 'string' }, format: { type: 'string' }, filename: { type: 'string' },
  },
} as const;

/** One entry of the record of accesses to personal information (the web app's type). */
export type PersonalAccessReply = FromSchema<typeof accessReply>;

/**
 * Personal information in full (查看完整): anyone who may see a case may reveal one of its masked
 * values, and each reveal is written to the county's tamper-evident chain (who, when, which case,
 * which field) before the value is answered. The county's administrator and auditors read the
 * record, ledger exports included.
 */
export const personalRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: { db: Db } }> = async (app, { db }) => {
  app.post('/api/cases/:id/personal/:path/reveal', {
    schema: {
      tags: ['cases'], summary: '查看完整：个人信息（身份证号、手机号等）的完整值；每次查看都记入防篡改的记录',
      params: revealParams,
      response: { 200: revealReply, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const now = app.clock.now();
    const { id, path } = request.params;
    const { row, process } = await visibleCase(db, actor, id, now);
    const def = process.compiled.definition;
    const field = personalFieldAt(def, path);
    const value = field ? getPath(snapshotOf(row).context.data, path) : undefined;
    if (!field || typeof value !== 'string' || !value) throw new AppError('CF_NOT_PERSONAL', undefined, [{ path, field: field?.title ?? path, message: `案件中没有「${field?.title ?? path}」这项个人信息` }]);
    await db.run(actor.county, (k) => recordPersonalAccess(k, actor, { kind: 'reveal', caseId: row.id, caseTitle: shownTitle(row), processId: row.process_id, path, field: field.title }, now));
    return { path, title: field.title, value };
  });

  app.get('/api/personal-access', {
    schema: {
      tags: ['audit'], summary: '个人信息的查看和导出记录：谁在何时查看了哪个案件的哪项个人信息、导出了哪个台账（限县管理员和审计人员）',
      querystring: { type: 'object', additionalProperties: false, properties: logPageQuery } as const,
      response: { 200: { type: 'array', items: accessReply }, ...errors(400, 401, 403) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    if (!mayReadPersonalLog(actor)) {
      await db.run(actor.county, (k) => logAuthFailure(k, actor, 'personal-access', '/api/personal-access', app.clock.now()));
      throw new AppError('CF_FORBIDDEN', '只有县管理员或审计人员可以查看个人信息的查看和导出记录');
    }
    const { limit = 100, before, beforeSeq } = request.query;
    return db.run(actor.county, (k) => personalAccessLog(k, actor.county, { limit, before, beforeSeq }));
  });
};
