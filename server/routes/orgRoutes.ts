import type { FastifyInstance } from 'fastify';
import { type CompiledProcess, stepOrder } from '../../engine/index';
import { unitsUnder } from '../admin/unitQueries';
import { requireActor } from '../authPlugin';
import { loadProcess } from '../processes';
import { dashboard, statesByKey } from '../cases/caseQueries';
import type { Db } from '../db/open';
import { visibleRoots } from '../rights';
import { errors, processIdPattern } from './schemas';

/** The dashboard's step columns in process order (摸底登记 → 乡镇审核 → …), each with its total and share. */
function stepColumns(compiled: CompiledProcess, rows: { state: string; count: number; overdue: number }[], total: number) {
  const order = stepOrder(compiled.definition);
  const at = new Map(order.map((s, i) => [s.id, i]));
  const byKey = statesByKey(compiled);
  const keys = [...new Set(rows.map((r) => r.state))];
  // A parallel state's key lists its regions' leaves: it sorts by its first.
  const position = (key: string) => Math.min(...key.split(',').map((k) => at.get(byKey.get(k)?.id ?? '') ?? Infinity));
  return keys.sort((a, b) => position(a) - position(b) || (a < b ? -1 : 1)).map((state) => {
    const mine = rows.filter((r) => r.state === state);
    const count = mine.reduce((a, r) => a + r.count, 0);
    return {
      state, label: state.split(',').map((k) => byKey.get(k)?.label ?? k).join('、'), count,
      overdue: mine.reduce((a, r) => a + r.overdue, 0), percent: total ? Math.round((count / total) * 1000) / 10 : 0,
    };
  });
}

/** The org tree the caller may see, and the supervisor's dashboard. */
export function orgRoutes(app: FastifyInstance, db: Db): void {
  app.get('/api/org-units', {
    schema: {
      tags: ['org'], summary: '本人可见的组织机构树',
      response: { 200: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, parentId: { type: ['string', 'null'] }, level: { type: 'string' }, name: { type: 'string' }, path: { type: 'string' } } } }, ...errors(401) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const rows = await db.run(actor.county, (k) => unitsUnder(k, actor.county, visibleRoots(actor)));
    return rows.map((r) => ({ id: r.id, parentId: r.parent_id, level: r.level, name: r.name, path: r.path }));
  });

  app.get('/api/dashboard', {
    schema: {
      tags: ['org'], summary: '监控：各单位 × 各环节的案件数与超期数',
      querystring: {
        type: 'object', required: ['processId'], additionalProperties: false,
        properties: { processId: { type: 'string', pattern: processIdPattern }, from: { type: 'string', format: 'date', description: '只算这天起发起的案件' }, to: { type: 'string', format: 'date', description: '只算这天及以前发起的案件' } },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            processId: { type: 'string' },
            rows: { type: 'array', items: { type: 'object', properties: { rootId: { type: 'string' }, unitId: { type: 'string' }, unitName: { type: 'string' }, state: { type: 'string' }, count: { type: 'integer' }, overdue: { type: 'integer' } } } },
            columns: {
              type: 'array', description: '各环节，按流程先后排列：案件数、超期数、占全部案件的百分比',
              items: { type: 'object', properties: { state: { type: 'string' }, label: { type: 'string' }, count: { type: 'integer' }, overdue: { type: 'integer' }, percent: { type: 'number' } } },
            },
            total: { type: 'integer' },
            overdue: { type: 'integer' },
          },
        },
        ...errors(400, 401),
      },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { processId, from, to } = request.query as { processId: string; from?: string; to?: string };
    const { rows, process } = await db.read(actor.county, request.freshReads, async (k) => ({ rows: await dashboard(k, actor, processId, app.clock.now(), { ...(from ? { from } : {}), ...(to ? { to } : {}) }), process: await loadProcess(k, actor.county, processId) }));
    const total = rows.reduce((a, r) => a + r.count, 0);
    return { processId, rows, columns: process ? stepColumns(process.compiled, rows, total) : [], total, overdue: rows.reduce((a, r) => a + r.overdue, 0) };
  });
}
