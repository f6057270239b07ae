import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { FromSchema } from 'json-schema-to-ts';
import type { Kysely } from 'kysely';
import { recordAdminChange } from '../admin/adminLog';
import { requireAdmin } from '../admin/requireAdmin';
import { deleteUnit, insertUnit, LEVELS, listUnits, moveSubtree, readUnit, setUnitClosed, setUnitParent, unitInUse, type UnitRow, unitWithDivisionCode, updateUnit } from '../admin/unitQueries';
import { requireActor } from '../authPlugin';
import type { Db } from '../db/open';
import type { Database } from '../db/schema';
import { AppError } from '../errors';
import { errors } from './schemas';

const unitIdPattern = '^[A-Za-z0-9-]{1,64}$';
const unitId = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: unitIdPattern } } } as const;
/** The levels a county's own units take (the county itself is the root). */
const UNIT_LEVELS = LEVELS.slice(LEVELS.indexOf('township'));
const unitReply = {
  type: 'object', additionalProperties: false, required: ['id', 'parentId', 'level', 'name', 'path', 'divisionCode', 'closed', 'activeCases', 'people'],
  properties: {
    id: { type: 'string' }, parentId: { type: ['string', 'null'] }, level: { type: 'string' }, name: { type: 'string' }, path: { type: 'string' },
    divisionCode: { type: ['string', 'null'] }, closed: { type: 'boolean' }, activeCases: { type: 'integer' }, people: { type: 'integer' },
  },
} as const;
/** A unit as the admin routes answer (the web app's type). */
export type UnitReply = FromSchema<typeof unitReply>;
const divisionCode = { type: ['string', 'null'], pattern: '^\\d{12}$', description: '统计用区划代码（12 位，可不填）' } as const;

const record = (u: UnitRow) => ({ parentId: u.parent_id, level: u.level, name: u.name, path: u.path, divisionCode: u.division_code, closed: u.closed_at !== null });
const mustExist = <T>(u: T | undefined, field = '单位'): T => {
  if (!u) throw new AppError('CF_NOT_FOUND', `找不到该${field}`);
  return u;
};

/** A 统计用区划代码 is 12 digits, starts with the county's own 6, and names one unit of the county. */
async function checkDivisionCode(k: Kysely<Database>, county: string, code: string | null | undefined, self?: string): Promise<void> {
  if (!code) return;
  const bad = (message: string) => new AppError('CF_VALIDATION', message, [{ path: '/divisionCode', field: '统计用区划代码', message }]);
  if (!code.startsWith(county)) throw bad(`「统计用区划代码」须以本县代码 ${county} 开头`);
  const other = await unitWithDivisionCode(k, county, code, self);
  if (other) throw bad(`「统计用区划代码」${code} 已用于「${other.name}」`);
}

/** A unit sits one or more levels below its parent (a village under a township, a grid under a village). */
function checkLevel(parentLevel: string, level: string): void {
  const p = LEVELS.indexOf(parentLevel as (typeof LEVELS)[number]);
  const c = LEVELS.indexOf(level as (typeof LEVELS)[number]);
  if (c <= p) throw new AppError('CF_VALIDATION', '单位的层级须低于上级单位', [{ path: '/level', field: '层级', message: `「层级」须低于上级单位的层级（${parentLevel}）` }]);
}

/**
 * The county administrator's org tree (管理 → 组织机构): add, rename, move, close and reopen units;
 * a unit nothing hangs on may be deleted. Every change is written to the county's audit chain.
 */
export const adminUnitRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: { db: Db } }> = async (app, { db }) => {
  app.addHook('preHandler', requireAdmin(db));
  const tags = ['admin'];

  app.get('/units', { schema: { tags, summary: '组织机构（含已停用单位，附在办案件数和人员数）', response: { 200: { type: 'array', items: unitReply }, ...errors(401, 403) } } }, async (request) => {
    const actor = requireActor(request);
    return db.run(actor.county, (k) => listUnits(k, actor.county));
  });

  app.post('/units', {
    schema: {
      tags, summary: '新增单位（乡镇/街道、县直部门、村/社区、网格等）',
      body: {
        type: 'object', required: ['parentId', 'name', 'level'], additionalProperties: false,
        properties: {
          parentId: { type: 'string', pattern: unitIdPattern, description: '上级单位' }, name: { type: 'string', minLength: 1, maxLength: 60, description: '名称' },
          level: { enum: UNIT_LEVELS, description: '层级' }, divisionCode, id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,63}$', description: '单位编号（可不填，自动生成）' },
        },
      } as const,
      response: { 201: unitReply, ...errors(400, 401, 403, 404, 409) },
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    const body = request.body;
    const id = body.id ?? `u-${randomBytes(5).toString('hex')}`;
    const now = app.clock.now();
    const unit = await db.transaction(actor.county, async (k) => {
      const parent = mustExist(await readUnit(k, actor.county, body.parentId), '上级单位');
      if (parent.closed_at) throw new AppError('CF_VALIDATION', `上级单位「${parent.name}」已停用`, [{ path: '/parentId', field: '上级单位', message: `「上级单位」${parent.name} 已停用` }]);
      checkLevel(parent.level, body.level);
      await checkDivisionCode(k, actor.county, body.divisionCode);
      if (await readUnit(k, actor.county, id)) throw new AppError('CF_VALIDATION', `单位编号「${id}」已被使用`, [{ path: '/id', field: '单位编号', message: `「单位编号」${id} 已被使用` }]);
      await insertUnit(k, actor.county, parent, { id, level: body.level, name: body.name, divisionCode: body.divisionCode ?? null });
      const added = (await readUnit(k, actor.county, id))!;
      await recordAdminChange(k, actor.county, actor, { type: 'unit.add', target: { kind: 'unit', id, name: body.name }, after: record(added) }, now);
      return added;
    });
    return reply.status(201).send({ ...toReply(unit), activeCases: 0, people: 0 });
  });

  app.put('/units/:id', {
    schema: {
      tags, summary: '修改单位：改名、移到另一个上级单位、改区划代码（案件随单位移动）',
      params: unitId,
      body: {
        type: 'object', additionalProperties: false, minProperties: 1,
        properties: { name: { type: 'string', minLength: 1, maxLength: 60, description: '名称' }, parentId: { type: 'string', pattern: unitIdPattern, description: '上级单位' }, divisionCode },
      } as const,
      response: { 200: unitReply, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { id } = request.params;
    const body = request.body;
    const now = app.clock.now();
    const unit = await db.transaction(actor.county, async (k) => {
      const before = mustExist(await readUnit(k, actor.county, id));
      if (!before.parent_id) throw new AppError('CF_VALIDATION', '县本身不能在这里修改', [{ path: '/id', field: '单位', message: '县本身不能在这里修改' }]);
      if (body.divisionCode !== undefined) await checkDivisionCode(k, actor.county, body.divisionCode, id);
      if (body.parentId !== undefined && body.parentId !== before.parent_id) {
        const parent = mustExist(await readUnit(k, actor.county, body.parentId), '上级单位');
        if (parent.path === before.path || parent.path.startsWith(`${before.path}/`)) {
          throw new AppError('CF_VALIDATION', '不能把单位移到它自己或它的下级单位下面', [{ path: '/parentId', field: '上级单位', message: '「上级单位」不能是它自己或它的下级单位' }]);
        }
        checkLevel(parent.level, before.level);
        await setUnitParent(k, actor.county, id, parent.id);
        await moveSubtree(k, actor.county, before.path, `${parent.path}/${id}`);
      }
      await updateUnit(k, actor.county, id, body);
      const after = (await readUnit(k, actor.county, id))!;
      await recordAdminChange(k, actor.county, actor, { type: 'unit.edit', target: { kind: 'unit', id, name: after.name }, before: record(before), after: record(after) }, now);
      return after;
    });
    return withCounts(db, actor.county, unit);
  });

  for (const [action, closing] of [['close', true], ['reopen', false]] as const) {
    app.post(`/units/:id/${action}`, {
      schema: {
        tags, summary: closing ? '停用单位：不再发起新案件，已有案件照常可见、可办' : '重新启用单位',
        params: unitId, response: { 200: unitReply, ...errors(400, 401, 403, 404) },
      },
    }, async (request) => {
      const actor = requireActor(request);
      const { id } = request.params;
      const unit = await db.transaction(actor.county, async (k) => {
        const before = mustExist(await readUnit(k, actor.county, id));
        if (!before.parent_id) throw new AppError('CF_VALIDATION', '县本身不能停用', [{ path: '/id', field: '单位', message: '县本身不能停用' }]);
        await setUnitClosed(k, actor.county, id, closing ? app.clock.now() : null);
        const after = (await readUnit(k, actor.county, id))!;
        await recordAdminChange(k, actor.county, actor, { type: `unit.${action}`, target: { kind: 'unit', id, name: before.name }, before: record(before), after: record(after) }, app.clock.now());
        return after;
      });
      return withCounts(db, actor.county, unit);
    });
  }

  app.delete('/units/:id', {
    schema: { tags, summary: '删除单位（仅限从未有过案件、没有下级单位和人员的单位；否则请停用）', params: unitId, response: { 204: { type: 'null' }, ...errors(400, 401, 403, 404, 409) } },
  }, async (request, reply) => {
    const actor = requireActor(request);
    const { id } = request.params;
    await db.transaction(actor.county, async (k) => {
      const before = mustExist(await readUnit(k, actor.county, id));
      if (!before.parent_id) throw new AppError('CF_VALIDATION', '县本身不能删除', [{ path: '/id', field: '单位', message: '县本身不能删除' }]);
      if (await unitInUse(k, actor.county, id, before.path)) throw new AppError('CF_UNIT_IN_USE', `「${before.name}」有案件、下级单位或人员，不能删除，只能停用`);
      await deleteUnit(k, actor.county, id);
      await recordAdminChange(k, actor.county, actor, { type: 'unit.delete', target: { kind: 'unit', id, name: before.name }, before: record(before) }, app.clock.now());
    });
    return reply.status(204).send(null);
  });
};

const toReply = (u: UnitRow) => ({ id: u.id, parentId: u.parent_id, level: u.level, name: u.name, path: u.path, divisionCode: u.division_code, closed: u.closed_at !== null });

/** The unit as the list shows it, with its counts. */
async function withCounts(db: Db, county: string, u: UnitRow) {
  const all = await db.run(county, (k) => listUnits(k, county));
  return all.find((x) => x.id === u.id) ?? { ...toReply(u), activeCases: 0, people: 0 };
}
