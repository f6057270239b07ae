import type { FastifyInstance } from 'fastify';
import { requireActor } from '../authPlugin';
import { dashboard } from '../cases/caseQueries';
import type { Db } from '../db/open';
import { underRoots, visibleRoots } from '../rights';
import { errors, processIdPattern } from './schemas';

/** The org tree the caller may see, and the supervisor's dashboard. */
export function orgRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/org-units', {
    schema: {
      tags: ['org'], summary: '本人可见的组织机构树',
      response: { 200: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, parentId: { type: ['string', 'null'] }, level: { type: 'string' }, name: { type: 'string' }, path: { type: 'string' } } } }, ...errors(401) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const rows = await db.run(actor.county, (k) => k.selectFrom('org_units').select(['id', 'parent_id', 'level', 'name', 'path'])
      .where('county_id', '=', actor.county).where(underRoots('path', visibleRoots(actor))).orderBy('path').execute());
    return rows.map((r) => ({ id: r.id, parentId: r.parent_id, level: r.level, name: r.name, path: r.path }));
  });

  app.get('/api/dashboard', {
    schema: {
      tags: ['org'], summary: '监控：各单位 × 各环节的案件数与超期数',
      querystring: { type: 'object', required: ['processId'], additionalProperties: false, properties: { processId: { type: 'string', pattern: processIdPattern } } },
      response: {
        200: {
          type: 'object',
          properties: {
            processId: { type: 'string' },
            rows: { type: 'array', items: { type: 'object', properties: { rootId: { type: 'string' }, unitId: { type: 'string' }, unitName: { type: 'string' }, state: { type: 'string' }, count: { type: 'integer' }, overdue: { type: 'integer' } } } },
            total: { type: 'integer' },
            overdue: { type: 'integer' },
          },
        },
        ...errors(400, 401),
      },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { processId } = request.query as { processId: string };
    const rows = await db.run(actor.county, (k) => dashboard(k, actor, processId, new Date()));
    return { processId, rows, total: rows.reduce((a, r) => a + r.count, 0), overdue: rows.reduce((a, r) => a + r.overdue, 0) };
  });
}
