import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { FromSchema } from 'json-schema-to-ts';
import { importPeople } from '../admin/importPeople';
import { requireAdmin } from '../admin/requireAdmin';
import { requireActor } from '../authPlugin';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { errors } from './schemas';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const peopleImport = {
  type: 'object', additionalProperties: false, required: ['dryRun', 'rows', 'counts', 'passwords'],
  properties: {
    dryRun: { type: 'boolean' },
    rows: {
      type: 'array',
      items: {
        type: 'object', additionalProperties: false, required: ['row', 'status', 'message'],
        properties: { row: { type: 'integer' }, status: { enum: ['new', 'changed', 'unchanged', 'refused'] }, username: { type: 'string' }, name: { type: 'string' }, message: { type: 'string' } },
      },
    },
    counts: { type: 'object', additionalProperties: false, required: ['new', 'changed', 'unchanged', 'refused'], properties: { new: { type: 'integer' }, changed: { type: 'integer' }, unchanged: { type: 'integer' }, refused: { type: 'integer' } } },
    passwords: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['username', 'name', 'oneTimePassword'], properties: { username: { type: 'string' }, name: { type: 'string' }, oneTimePassword: { type: 'string' } } } },
    expiresAt: { type: 'string' },
  },
} as const;

/** The report of a people import (the web app's type). */
export type PeopleImportReply = FromSchema<typeof peopleImport>;

/** Importing people from the county's Excel or CSV roster (管理 → 人员 → 导入名册). */
export const adminImportRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: { db: Db } }> = async (app, { db }) => {
  app.addContentTypeParser([XLSX, 'text/csv', 'application/octet-stream'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.addHook('preHandler', requireAdmin(db));

  app.post('/users/import', {
    schema: {
      tags: ['admin'], summary: '从名册（xlsx 或 csv：姓名、手机号、单位、角色，可加用户名）导入人员；?dryRun=1 只检查，逐行报告新增/改动/不变/拒绝',
      querystring: { type: 'object', additionalProperties: false, properties: { dryRun: { enum: ['1', '0', 'true', 'false'], default: '0' } } } as const,
      response: { 200: peopleImport, 422: peopleImport, ...errors(400, 401, 403, 413) },
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    const dryRun = request.query.dryRun === '1' || request.query.dryRun === 'true';
    const file = request.body;
    if (!Buffer.isBuffer(file)) throw new AppError('CF_VALIDATION', '请以 xlsx 或 text/csv 上传名册文件');
    const report = await db.transaction(actor.county, (k) => importPeople(k, actor.county, actor, file, dryRun, app.clock.now()));
    // A real import with refused rows wrote nothing: 422 with the same report.
    return reply.status(!dryRun && report.counts.refused ? 422 : 200).send(report);
  });
};
