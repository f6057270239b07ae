import type { FastifyInstance } from 'fastify';
import { requireActor } from '../authPlugin';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { exportLedger, type LedgerFilter } from '../ledger/exportLedger';
import { importRoster } from '../ledger/importRoster';
import { errors, processIdPattern } from './schemas';

const importReport = {
  type: 'object',
  properties: { dryRun: { type: 'boolean' }, rows: { type: 'integer' }, created: { type: 'integer' }, errors: { type: 'array', items: { type: 'object', properties: { row: { type: 'integer' }, column: { type: 'string' }, message: { type: 'string' } } } } },
} as const;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Ledger export (台账) and roster import. */
export function ledgerRoutes(app: FastifyInstance, db: Db): void {
  app.addContentTypeParser([XLSX, 'application/octet-stream'], { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.get('/api/cases/export', {
    schema: {
      tags: ['ledger'], summary: '导出台账（xlsx 或 csv，流式）',
      querystring: {
        type: 'object', required: ['processId'], additionalProperties: false,
        properties: {
          processId: { type: 'string', pattern: processIdPattern }, format: { enum: ['xlsx', 'csv'], default: 'xlsx' },
          // The dashboard's filters, as GET /api/cases takes them: the export holds what the dashboard shows.
          createdFrom: { type: 'string', format: 'date', description: '发起日期不早于（北京时间）' },
          createdTo: { type: 'string', format: 'date', description: '发起日期不晚于（北京时间）' },
          orgUnitId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$', description: '只导出该单位及其下级的案件' },
          state: { type: 'string', maxLength: 200, description: '只导出处在该环节的案件' },
          status: { enum: ['active', 'done'] },
          overdue: { type: 'boolean' },
        },
      },
      response: errors(400, 401, 404),
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    const { processId, format, ...filter } = request.query as { processId: string; format: 'xlsx' | 'csv' } & LedgerFilter;
    const { stream, filename } = await exportLedger(db, actor, processId, format, app.clock.now(), request.freshReads, filter);
    void reply.header('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : XLSX);
    void reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(filename)}`);
    return reply.send(stream);
  });

  app.post('/api/cases/import', {
    schema: {
      tags: ['ledger'], summary: '从 Excel 名册批量发起案件（?dryRun=1 只检查）',
      querystring: { type: 'object', required: ['processId'], additionalProperties: false, properties: { processId: { type: 'string', pattern: processIdPattern }, dryRun: { enum: ['1', '0', 'true', 'false'], default: '0' } } },
      response: { 200: importReport, 422: importReport, ...errors(400, 401, 403, 404, 413) },
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    const { processId, dryRun: flag } = request.query as { processId: string; dryRun: string };
    const dryRun = flag === '1' || flag === 'true';
    if (!Buffer.isBuffer(request.body)) throw new AppError('CF_VALIDATION', `请以 ${XLSX} 上传 Excel 名册`);
    const report = await importRoster(db, actor, processId, request.body, dryRun, app.clock.now());
    // A real import with row errors created nothing: 422 with the same report.
    return !dryRun && report.errors.length ? reply.status(422).send(report) : reply.status(200).send(report);
  });
}
