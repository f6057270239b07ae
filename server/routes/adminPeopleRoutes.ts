import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts';
import type { FromSchema } from 'json-schema-to-ts';
import { REASSIGN_SIGNER_EVENT, RELEASE_EVENT } from '../../engine/index';
import { ADMIN_CHANGE_KINDS, adminHistory, recordAdminChange } from '../admin/adminLog';
import { ONE_TIME_HOURS, oneTimePassword } from '../admin/oneTimePassword';
import { auditRecord, deactivatePerson, insertPerson, listPeople, openUnits, type Person, type PersonFields, reactivatePerson, readPerson, updatePerson, usernameTaken } from '../admin/peopleQueries';
import { unitPaths } from '../admin/unitQueries';
import { requireAdmin } from '../admin/requireAdmin';
import { roleLabels } from '../admin/roleLabels';
import { setPassword } from '../auth/accountQueries';
import { hashPassword, ONE_TIME_LOG_N } from '../auth/password';
import type { SessionCache } from '../auth/sessionCache';
import { refreshUserSessions } from '../auth/sessions';
import { requireActor } from '../authPlugin';
import { shownTitle } from '../cases/personalView';
import { casesAddedTo, casesClaimedBy } from '../cases/heldCases';
import { sendEvent } from '../cases/sendEvent';
import { writeMessages } from '../messages/stepMessages';
import type { Kysely } from 'kysely';
import type { Db } from '../db/open';
import type { Database } from '../db/schema';
import { AppError } from '../errors';
import type { UserActor } from '../rights';
import { errors, logPageQuery } from './schemas';

/** What the admin routes need from the app. */
export interface AdminRoutesOptions {
  db: Db;
  sessions: SessionCache;
}

const userId = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' } } } as const;
const grantSchema = {
  type: 'object', required: ['role', 'unitId'], additionalProperties: false,
  properties: { role: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$', description: '角色' }, unitId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$', description: '在哪个单位' } },
} as const;
const personFields = {
  name: { type: 'string', minLength: 1, maxLength: 50, description: '姓名' },
  phone: { type: ['string', 'null'], pattern: '^1[3-9]\\d{9}$', description: '手机号（11 位）' },
  grants: { type: 'array', maxItems: 50, items: grantSchema, description: '角色（可在多个单位担任多个角色）' },
} as const;
const personReply = {
  type: 'object', additionalProperties: false, required: ['id', 'username', 'name', 'phone', 'active', 'mustChangePassword', 'grants'],
  properties: {
    id: { type: 'string' }, username: { type: 'string' }, name: { type: 'string' }, phone: { type: ['string', 'null'] }, active: { type: 'boolean' }, mustChangePassword: { type: 'boolean' },
    grants: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['role', 'unitId'], properties: { role: { type: 'string' }, unitId: { type: 'string' }, unitName: { type: 'string' } } } },
  },
} as const;

const roleReply = { type: 'object', additionalProperties: false, required: ['role', 'label'], properties: { role: { type: 'string' }, label: { type: 'string' } } } as const;
const historyReply = {
  type: 'object', additionalProperties: false, required: ['seq', 'at', 'actor', 'type', 'target'],
  properties: {
    seq: { type: 'integer', description: '在防篡改链中的位置；下一页用 beforeSeq=最后一条的 seq' }, at: { type: 'string' }, actor: { type: 'string' }, type: { type: 'string' },
    target: { type: 'object', additionalProperties: false, required: ['kind', 'id', 'name'], properties: { kind: { type: 'string' }, id: { type: 'string' }, name: { type: 'string' } } },
    before: {}, after: {},
    grantNames: { type: 'object', additionalProperties: { type: 'string' }, description: '记录中的角色（原样：角色@单位编号）对应的「角色名@单位名」' },
  },
} as const;

/** A person as the admin routes answer (the web app's type). */
export type PersonReply = FromSchema<typeof personReply>;
/** A role the administrator may give. */
export type RoleReply = FromSchema<typeof roleReply>;
/** One entry of the admin history. */
export type HistoryReply = FromSchema<typeof historyReply>;

/** The units a person's roles name must exist and be open: a refusal names the row. */
async function checkGrants(db: Db, county: string, grants: PersonFields['grants']): Promise<void> {
  const open = await db.run(county, (k) => openUnits(k, county, grants.map((g) => g.unitId)));
  const bad = grants.flatMap((g, i) => (open.has(g.unitId) ? [] : [{ path: `/grants/${i}/unitId`, field: '单位', message: `第 ${i + 1} 个角色的单位「${g.unitId}」不存在或已停用` }]));
  if (bad.length) throw new AppError('CF_VALIDATION', bad[0]!.message, bad);
}

const found = (p: Person | undefined): Person => {
  if (!p) throw new AppError('CF_NOT_FOUND', '找不到这个人员');
  return p;
};

/** Changes a person in the caller's transaction and records it in the audit chain at `now` with the record before and after; returns them as they now are. */
async function changePerson(k: Kysely<Database>, actor: UserActor, id: string, type: string, now: Date, change: () => Promise<unknown>): Promise<Person> {
  const before = found(await readPerson(k, actor.county, id));
  await change();
  const after = found(await readPerson(k, actor.county, id));
  await recordAdminChange(k, actor.county, actor, { type, target: { kind: 'user', id, name: after.name }, before: auditRecord(before), after: auditRecord(after) }, now);
  return after;
}


/**
 * The county administrator's people (管理 → 人员): list and search, add with a one-time password,
 * edit and move, give and take roles, deactivate and reactivate, reset a password, sign out everywhere.
 * Every change is written to the county's audit chain with the record before and after.
 */
export const adminPeopleRoutes: FastifyPluginAsyncJsonSchemaToTs<{ Options: AdminRoutesOptions }> = async (app, { db, sessions }) => {
  app.addHook('preHandler', requireAdmin(db));
  const tags = ['admin'];

  app.get('/users', {
    schema: {
      tags, summary: '人员：按姓名、用户名、手机号或单位查找',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { q: { type: 'string', maxLength: 50 }, unitId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' }, active: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 500, default: 200 } },
      } as const,
      response: { 200: { type: 'array', items: personReply }, ...errors(400, 401, 403) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { limit, ...filter } = request.query;
    return db.run(actor.county, (k) => listPeople(k, actor.county, filter, limit ?? 200));
  });

  app.post('/users', {
    schema: {
      tags, summary: '新增人员（给出一次性密码，仅显示一次，24 小时内有效，首次登录须修改）',
      body: {
        type: 'object', required: ['username', 'name', 'grants'], additionalProperties: false,
        properties: { username: { type: 'string', pattern: '^[A-Za-z0-9_.-]{2,64}$', description: '用户名' }, ...personFields },
      } as const,
      response: { 201: { type: 'object', properties: { user: personReply, oneTimePassword: { type: 'string' }, expiresAt: { type: 'string' } } }, ...errors(400, 401, 403, 409) },
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    const { username, ...fields } = request.body;
    const person: PersonFields = { name: fields.name, phone: fields.phone ?? null, grants: fields.grants };
    await checkGrants(db, actor.county, person.grants);
    const password = oneTimePassword();
    const now = app.clock.now();
    const expiresAt = new Date(now.getTime() + ONE_TIME_HOURS * 3_600_000);
    const hash = await hashPassword(password, ONE_TIME_LOG_N);
    const id = randomUUID();
    const user = await db.transaction(actor.county, async (k) => {
      if (await usernameTaken(k, actor.county, username)) throw new AppError('CF_USERNAME_TAKEN', `用户名「${username}」已被占用，请换一个`, [{ path: '/username', field: '用户名', message: `「用户名」${username} 已被占用` }]);
      await insertPerson(k, actor.county, id, username, person, hash, expiresAt);
      const added = found(await readPerson(k, actor.county, id));
      await recordAdminChange(k, actor.county, actor, { type: 'user.add', target: { kind: 'user', id, name: added.name }, after: auditRecord(added) }, now);
      return added;
    });
    return reply.status(201).send({ user, oneTimePassword: password, expiresAt: expiresAt.toISOString() });
  });

  app.put('/users/:id', {
    schema: {
      tags, summary: '修改人员：姓名、手机号、角色与单位（调动）',
      params: userId,
      body: { type: 'object', required: ['name', 'grants'], additionalProperties: false, properties: personFields } as const,
      response: { 200: personReply, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { id } = request.params;
    const fields: PersonFields = { name: request.body.name, phone: request.body.phone ?? null, grants: request.body.grants };
    await checkGrants(db, actor.county, fields.grants);
    const now = app.clock.now();
    return db.transaction(actor.county, async (k) => {
      const after = await changePerson(k, actor, id, 'user.edit', now, () => updatePerson(k, actor.county, id, fields));
      // Their sessions are read again within a second: new roles apply at once, removed ones stop.
      await refreshUserSessions(k, { county: actor.county, userId: id }, false, now, sessions);
      return after;
    });
  });

  app.post('/users/:id/deactivate', {
    schema: {
      tags, summary: '停用人员：所有登录立即失效，认领的环节退回公共待办，列出加签给他的案件',
      params: userId,
      response: {
        200: {
          type: 'object',
          properties: {
            user: personReply, signedOut: { type: 'integer' }, released: { type: 'integer' },
            addedTo: { type: 'array', description: '加签给此人、尚待其办理的案件（请改派）', items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' } } } },
          },
        },
        ...errors(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { id } = request.params;
    if (id === actor.id) throw new AppError('CF_VALIDATION', '不能停用自己的账号', [{ path: '/id', field: '人员', message: '不能停用自己的账号' }]);
    const now = app.clock.now();
    const { user, signedOut } = await db.transaction(actor.county, async (k) => {
      const user = await changePerson(k, actor, id, 'user.deactivate', now, () => deactivatePerson(k, actor.county, id));
      return { user, signedOut: await refreshUserSessions(k, { county: actor.county, userId: id }, true, now, sessions) };
    });
    const released = await releaseClaims(db, actor, id, app.clock.now());
    const addedTo = await db.run(actor.county, (k) => casesAddedTo(k, actor.county, id, 500));
    return { user, signedOut, released, addedTo };
  });

  app.post('/users/:id/reassign', {
    schema: {
      tags, summary: '改派加签：把仍待此人办理的加签一次改派给另一人（须能看到这些案件）',
      params: userId,
      body: { type: 'object', required: ['to'], additionalProperties: false, properties: { to: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$', description: '改派给谁（人员编号）' } } } as const,
      response: {
        200: {
          type: 'object', additionalProperties: false, required: ['reassigned', 'skipped'],
          properties: {
            reassigned: { type: 'integer' },
            skipped: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['id', 'title', 'reason'], properties: { id: { type: 'string' }, title: { type: 'string' }, reason: { type: 'string' } } } },
          },
        },
        ...errors(400, 401, 403, 404),
      },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { id } = request.params;
    const { to } = request.body;
    const { target, cases } = await db.run(actor.county, async (k) => ({
      target: await readPerson(k, actor.county, to),
      cases: await casesAddedTo(k, actor.county, id),
    }));
    if (!target || !target.active || to === id) throw new AppError('CF_VALIDATION', '「改派给」须是另一位在用的人员', [{ path: '/to', field: '改派给', message: '「改派给」须是另一位在用的人员' }]);
    const sees = await db.run(actor.county, (k) => unitPaths(k, actor.county, target.grants.map((g) => g.unitId)));
    const roots = sees.map((u) => u.path);
    const skipped: { id: string; title: string; reason: string }[] = [];
    let reassigned = 0;
    for (const c of cases) {
      // Named as anyone may read it: a title made from personal fields, masked.
      const title = shownTitle(c);
      if (!roots.some((r) => c.org_path === r || c.org_path.startsWith(`${r}/`))) {
        skipped.push({ id: c.id, title, reason: `${target.name}看不到这个案件（不在其单位范围内）` });
        continue;
      }
      const now = app.clock.now();
      await sendEvent(db, actor, c.id, { type: REASSIGN_SIGNER_EVENT, data: { from: id, to }, comment: '原加签人账号已停用，改派' }, { now, vouched: true });
      await db.run(actor.county, (k) => writeMessages(k, { county: actor.county, processId: c.process_id, caseId: c.id, now }, [
        { user_id: to, kind: 'task', title: `加签改派给您：${title}`, body: `${actor.name}改派` },
      ]));
      reassigned++;
    }
    return { reassigned, skipped };
  });

  app.post('/users/:id/reactivate', {
    schema: { tags, summary: '重新启用人员', params: userId, response: { 200: personReply, ...errors(400, 401, 403, 404) } },
  }, async (request) => {
    const actor = requireActor(request);
    const { id } = request.params;
    return db.transaction(actor.county, async (k) => {
      return changePerson(k, actor, id, 'user.reactivate', app.clock.now(), () => reactivatePerson(k, actor.county, id));
    });
  });

  app.post('/users/:id/reset-password', {
    schema: {
      tags, summary: '重置密码：给出一次性密码（仅显示一次，24 小时内有效），其所有登录立即失效',
      params: userId,
      response: { 200: { type: 'object', properties: { oneTimePassword: { type: 'string' }, expiresAt: { type: 'string' } } }, ...errors(400, 401, 403, 404) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { id } = request.params;
    const password = oneTimePassword();
    const hash = await hashPassword(password, ONE_TIME_LOG_N);
    const now = app.clock.now();
    const expiresAt = new Date(now.getTime() + ONE_TIME_HOURS * 3_600_000);
    await db.transaction(actor.county, async (k) => {
      const person = found(await readPerson(k, actor.county, id));
      await setPassword(k, actor.county, id, { hash, mustChange: true, expiresAt });
      await refreshUserSessions(k, { county: actor.county, userId: id }, true, now, sessions);
      await recordAdminChange(k, actor.county, actor, { type: 'user.reset-password', target: { kind: 'user', id, name: person.name } }, now);
    });
    return { oneTimePassword: password, expiresAt: expiresAt.toISOString() };
  });

  app.post('/users/:id/sign-out', {
    schema: { tags, summary: '让此人在所有设备上退出登录', params: userId, response: { 200: { type: 'object', properties: { signedOut: { type: 'integer' } } }, ...errors(400, 401, 403, 404) } },
  }, async (request) => {
    const actor = requireActor(request);
    const { id } = request.params;
    const now = app.clock.now();
    const signedOut = await db.transaction(actor.county, async (k) => {
      const person = found(await readPerson(k, actor.county, id));
      const n = await refreshUserSessions(k, { county: actor.county, userId: id }, true, now, sessions);
      await recordAdminChange(k, actor.county, actor, { type: 'user.sign-out', target: { kind: 'user', id, name: person.name } }, now);
      return n;
    });
    return { signedOut };
  });

  app.get('/roles', {
    schema: {
      tags, summary: '可授予的角色：系统角色和本县流程中的角色（附名称）',
      response: { 200: { type: 'array', items: roleReply }, ...errors(401, 403) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const labels = await db.run(actor.county, (k) => roleLabels(k, actor.county));
    return [...labels].map(([role, l]) => ({ role, label: l.label }));
  });

  app.get('/history', {
    schema: {
      tags, summary: '管理记录：谁在何时改了什么（取自防篡改的办理记录链）',
      querystring: {
        type: 'object', additionalProperties: false,
        properties: { ...logPageQuery, kind: { enum: ADMIN_CHANGE_KINDS, description: '只看一类改动：user 人员、unit 组织机构、calendar 节假日日历' } },
      } as const,
      response: {
        200: { type: 'array', items: historyReply },
        ...errors(400, 401, 403),
      },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { limit = 100, before, beforeSeq, kind } = request.query;
    return db.run(actor.county, (k) => adminHistory(k, actor.county, { limit, before, beforeSeq, kind }));
  });
};

/** Every step a deactivated person had claimed (or been handed) goes back to everyone holding its role, at `now`; returns how many. */
async function releaseClaims(db: Db, admin: UserActor, userId: string, now: Date): Promise<number> {
  const cases = await db.run(admin.county, (k) => casesClaimedBy(k, admin.county, userId));
  let released = 0;
  for (const c of cases) {
    await sendEvent(db, admin, c.id, { type: RELEASE_EVENT, comment: '办理人账号已停用，退回公共待办' }, { now, vouched: true });
    released++;
  }
  return released;
}
