import type { FastifyInstance } from 'fastify';
import { ADD_SIGNER_EVENT, caseProgress, caseRecords, pickedRows, CLAIM_EVENT, COPY_EVENT, currentBallot, currentCountersign, currentSteps, eventsFor, getPath, maskEventData, REASSIGN_SIGNER_EVENT, RECALENDAR_EVENT, RELEASE_EVENT, TRANSFER_EVENT, WITHDRAW_EVENT } from '../../engine/index';
import { requireActor } from '../authPlugin';
import { CASE_SORTS, type CaseFilter, listCases, listTasks } from '../cases/caseQueries';
import { caseView, snapshotOf } from '../cases/caseView';
import { onStep, personalData, withMaskedData } from '../cases/personalView';
import { approversNow, sendEvent } from '../cases/sendEvent';
import { departmentHolders, holdersOf, namesOf, peopleWhoSee } from '../cases/casePeople';
import { caseEvents, othersActed as othersActedOn } from '../cases/eventQueries';
import { visibleCase } from '../cases/visibleCase';
import { startCaseService } from '../cases/startCaseService';
import type { Config } from '../config';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { errors, idempotencyKey, idParam, processIdPattern, queuedAtHeader } from './schemas';

/** An appended list as rows (anything else is no rows). */
const asRows = (v: unknown): Record<string, unknown>[] => (Array.isArray(v) ? v.filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r)) : []);

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    processId: { type: 'string', pattern: processIdPattern },
    state: { type: 'string', maxLength: 200 },
    status: { enum: ['active', 'done'] },
    orgUnitId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' },
    overdue: { type: 'boolean' },
    q: { type: 'string', maxLength: 100 },
    createdFrom: { type: 'string', format: 'date', description: '发起日期不早于（北京时间）' },
    createdTo: { type: 'string', format: 'date', description: '发起日期不晚于（北京时间）' },
    mine: { enum: ['started', 'acted'], description: 'started：我发起的；acted：我办过的（已办）' },
    sort: { enum: CASE_SORTS, description: '排序：due 期限、updated 最近办理、title 名称、created 发起时间；前加 - 为倒序。默认 -updated；只看逾期（overdue）时默认 due，逾期最久的在前' },
    page: { type: 'integer', minimum: 1, maximum: 100000 },
    pageSize: { type: 'integer', minimum: 1, maximum: 100 },
  },
} as const;

const pageResponse = { type: 'object', properties: { items: { type: 'array', items: { $ref: 'Case#' } }, total: { type: 'integer' }, page: { type: 'integer' }, pageSize: { type: 'integer' } } };

/** X-Queued-At, when the field app's outbox sends what was done without signal: when it was done (400 naming the header when it is no time). */
function queuedAtOf(headers: Record<string, string | undefined>): Date | undefined {
  const at = headers['x-queued-at'] ? new Date(headers['x-queued-at']) : undefined;
  if (at && Number.isNaN(at.getTime())) throw new AppError('CF_VALIDATION', undefined, [{ path: '/x-queued-at', field: 'x-queued-at', message: '「x-queued-at」不是有效的时间' }]);
  return at;
}

/** The events every process has, as 办理记录 names them. */
const BUILT_IN_LABELS: Record<string, string> = { [WITHDRAW_EVENT]: '撤销', [CLAIM_EVENT]: '认领', [TRANSFER_EVENT]: '转办', [COPY_EVENT]: '抄送', [ADD_SIGNER_EVENT]: '加签', [RELEASE_EVENT]: '退回公共待办', [RECALENDAR_EVENT]: '期限重算', [REASSIGN_SIGNER_EVENT]: '改派加签' };
const BUILT_IN_KINDS: Record<string, string> = { [WITHDRAW_EVENT]: 'withdraw', [CLAIM_EVENT]: 'claim', [TRANSFER_EVENT]: 'transfer', [COPY_EVENT]: 'copy', [ADD_SIGNER_EVENT]: 'add-signer', [RELEASE_EVENT]: 'release', [RECALENDAR_EVENT]: 'recalendar', [REASSIGN_SIGNER_EVENT]: 'reassign-signer' };

/** Cases: start, list, one case with its step's form and the caller's actions, events, history, inbox. */
export function caseRoutes(app: FastifyInstance, db: Db, config: Partial<Pick<Config, 'stepLimits'>>): void {
  app.post('/api/cases', {
    schema: {
      tags: ['cases'], summary: '发起案件',
      headers: { type: 'object', properties: { ...idempotencyKey(), 'x-queued-at': queuedAtHeader } },
      body: {
        type: 'object', required: ['processId', 'orgUnitId'], additionalProperties: false,
        properties: { processId: { type: 'string', pattern: processIdPattern }, orgUnitId: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' }, data: { type: 'object' } },
      },
      response: { 201: { $ref: 'Case#' }, ...errors(400, 401, 403, 404) },
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    const headers = request.headers as Record<string, string | undefined>;
    const started = await startCaseService(db, actor, request.body as { processId: string; orgUnitId: string; data?: Record<string, unknown> }, app.clock.now(), headers['idempotency-key'], queuedAtOf(headers));
    if (started.replayed) void reply.header('Idempotent-Replayed', 'true');
    return reply.status(201).send(started.case);
  });

  app.get('/api/cases', { schema: { tags: ['cases'], summary: '案件列表（限本人可见范围）', querystring: listQuery, response: { 200: pageResponse, ...errors(400, 401) } } }, async (request) => {
    const actor = requireActor(request);
    return db.read(actor.county, request.freshReads, (k) => listCases(k, actor, request.query as CaseFilter, app.clock.now()));
  });

  app.get('/api/tasks', { schema: { tags: ['cases'], summary: '我的待办（按到期时间排序）', querystring: listQuery, response: { 200: pageResponse, ...errors(400, 401) } } }, async (request) => {
    const actor = requireActor(request);
    return db.read(actor.county, request.freshReads, (k) => listTasks(k, actor, request.query as CaseFilter, app.clock.now()));
  });

  app.get('/api/cases/:id', { schema: { tags: ['cases'], summary: '案件详情：当前环节表单与可执行的操作', params: idParam, response: { 200: { type: 'object', additionalProperties: true, required: ['case'], properties: { case: { $ref: 'Case#' } } }, ...errors(401, 404) } } }, async (request) => {
    const actor = requireActor(request);
    const now = app.clock.now();
    const { row, process } = await visibleCase(db, actor, (request.params as { id: string }).id, now);
    const compiled = process.compiled;
    const def = compiled.definition;
    const snapshot = snapshotOf(row);
    const unitPath = row.org_path.split('/');
    const events = eventsFor(compiled, snapshot, actor, unitPath);
    const steps = currentSteps(compiled, snapshot);
    const stepForm = steps.find((s) => s.form)?.form;
    const formIds = new Set([...(stepForm ? [stepForm] : []), ...events.flatMap((e) => (e.form ? [e.form] : []))]);
    const forms = Object.fromEntries([...formIds].map((id) => [id, def.forms[id]]));
    // Personal values are masked for whoever is not on the case's step; each can be revealed, recorded (personalRoutes.ts).
    const personal = personalData(actor, compiled, row, snapshot.context.data);
    return {
      case: withMaskedData(compiled, caseView(row, now), personal.data),
      personal: personal.masked,
      // caseTitle: what names a case, so the web app can name a submission queued without signal as the case will be named.
      process: { id: def.id, title: def.title, version: process.version, ...(def.caseTitle ? { caseTitle: def.caseTitle } : {}) },
      steps: steps.map((s) => ({ label: s.label, form: s.form ?? null, assignee: s.assignee ?? null, assigneeLabel: s.assignee ? (def.roles[s.assignee]?.label ?? s.assignee) : null, final: s.final })),
      progress: caseProgress(compiled, snapshot),
      ...(await db.run(actor.county, async (k) => {
        // 认领 / 转办 / 抄送: who holds the step, whom it may be handed to, who may be told.
        const held = snapshot.claims ? Object.values(snapshot.claims)[0] : undefined;
        const step = steps.find((s) => s.assignee && !s.final);
        const mine = events.length > 0 && (!held || held === actor.id);
        const colleagues = mine && step ? (await holdersOf(k, actor.county, [step.assignee!], unitPath)).filter((u) => u !== actor.id) : [];
        const people = row.status === 'active' ? (await peopleWhoSee(k, actor.county, unitPath)).filter((p) => p.id !== actor.id) : [];
        const nameOf = (id: string) => people.find((p) => p.id === id)?.name ?? id;
        return {
          // 加签 is offered to whoever may decide the step, for anyone who may see the case.
          canAddSigner: mine && Boolean(step) && events.some((e) => e.kind === 'approve'),
          claimedBy: held ? (held === actor.id ? actor.name : nameOf(held)) : null,
          canClaim: Boolean(events.length && !held && step),
          transferTo: colleagues.map((id) => ({ id, name: nameOf(id) })),
          copyTo: people,
        };
      })),
      ballot: await db.run(actor.county, async (k) => {
        const b = currentBallot(compiled, snapshot, await approversNow(k, actor.county, compiled, snapshot, row.org_path));
        if (!b) return null;
        const ids = [...new Set([...b.approvers, ...b.approved])];
        const users = await namesOf(k, actor.county, ids);
        const name = (id: string) => users.find((u) => u.id === id)?.name ?? id;
        // Who has approved, in the order they did; who is still awaited, by name (拼音), the same on every read.
        return { label: b.label, mode: b.mode, needed: b.needed, approved: b.approved.map(name), waiting: b.approvers.filter((a) => !b.approved.includes(a)).map(name).sort((x, y) => x.localeCompare(y, 'zh-CN')) };
      }),
      // 联审: department by department, who has signed and who is awaited (by name), whose turn it is.
      countersign: await db.run(actor.county, async (k) => {
        const view = currentCountersign(compiled, snapshot, await departmentHolders(k, actor.county, compiled, snapshot, row.org_path));
        if (!view) return null;
        const ids = [...new Set(view.departments.flatMap((d) => [...d.signed, ...d.waiting]))];
        const users = await namesOf(k, actor.county, ids);
        const name = (id: string) => users.find((u) => u.id === id)?.name ?? id;
        return {
          label: view.label, order: view.order,
          departments: view.departments.map((d) => ({ label: d.label, mode: d.mode, status: d.status, needed: d.needed, signed: d.signed.map(name), waiting: d.waiting.map(name).sort((x, y) => x.localeCompare(y, 'zh-CN')) })),
        };
      }),
      // 撤销 is offered to the one who started the case while nobody else has acted on it.
      canWithdraw: row.status === 'active' && row.created_by === actor.id && !(await othersActed(row.county_id, row.id, actor.id)),
      form: stepForm ? { id: stepForm, ...def.forms[stepForm] } : null,
      forms,
      events,
      // What the case keeps besides its forms: appended lists (rows) and computed values, labelled.
      records: (() => {
        const r = caseRecords(def);
        return {
          lists: r.lists.map((l) => ({ ...l, rows: asRows(getPath(personal.data, l.path)) })).filter((l) => l.rows.length),
          computed: r.computed.map((v) => ({ ...v, value: getPath(personal.data, v.path) ?? null })).filter((v) => v.value !== null),
          // The rows the case's saved forms pick (the entry a return sent back): the page marks them.
          picked: pickedRows(def, snapshot.context.data),
        };
      })(),
      doneForms: Object.keys(snapshot.context.data).filter((k) => Object.hasOwn(def.forms, k)).map((id) => ({ id, title: def.forms[id]!.title, schema: def.forms[id]!.schema, uiSchema: def.forms[id]!.uiSchema ?? {}, print: def.forms[id]!.print ?? false, signatures: def.forms[id]!.signatures ?? [] })),
    };
  });

  app.post('/api/cases/:id/events', {
    schema: {
      tags: ['cases'], summary: '对案件执行操作（提交、审核通过、退回……）',
      params: idParam,
      headers: { type: 'object', properties: { 'if-match': { type: 'string', pattern: '^"?\\d{1,9}"?$' }, ...idempotencyKey(), 'x-queued-at': queuedAtHeader } },
      body: { type: 'object', required: ['type'], additionalProperties: false, properties: { type: { type: 'string', minLength: 1, maxLength: 100 }, data: {}, comment: { type: 'string', maxLength: 500, description: '审批意见（退回时必填）' } } },
      response: { 200: { $ref: 'Case#' }, ...errors(400, 401, 403, 404, 409, 413, 422) },
    },
  }, async (request, reply) => {
    const actor = requireActor(request);
    const headers = request.headers as Record<string, string | undefined>;
    const ifMatch = headers['if-match'] ? Number(headers['if-match'].replace(/"/g, '')) : undefined;
    const body = request.body as { type: string; data?: unknown; comment?: string };
    const queuedAt = queuedAtOf(headers);
    const result = await sendEvent(db, actor, (request.params as { id: string }).id, body, {
      now: app.clock.now(),
      ...(config.stepLimits ? { limits: config.stepLimits } : {}),
      ...(ifMatch !== undefined ? { ifMatch } : {}),
      ...(headers['idempotency-key'] ? { idempotencyKey: headers['idempotency-key'] } : {}),
      ...(queuedAt ? { queuedAt } : {}),
    });
    if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
    return reply.status(200).send(result.case);
  });

  app.post('/api/cases/:id/withdraw', {
    schema: {
      tags: ['cases'], summary: '撤销：发起人在他人办理之前收回案件',
      params: idParam,
      headers: { type: 'object', properties: idempotencyKey() },
      body: { type: 'object', additionalProperties: false, properties: { comment: { type: 'string', maxLength: 500 } } },
      response: { 200: { $ref: 'Case#' }, ...errors(400, 401, 403, 404, 409, 422) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const id = (request.params as { id: string }).id;
    const { row } = await visibleCase(db, actor, id, app.clock.now());
    if (row.created_by !== actor.id) throw new AppError('CF_FORBIDDEN', '只有发起人可以撤销这个案件');
    if (await othersActed(row.county_id, id, actor.id)) throw new AppError('CF_WITHDRAW_TOO_LATE');
    const comment = (request.body as { comment?: string } | undefined)?.comment;
    const key = (request.headers as Record<string, string | undefined>)['idempotency-key'];
    const result = await sendEvent(db, actor, id, { type: WITHDRAW_EVENT, ...(comment ? { comment } : {}) }, { now: app.clock.now(), ifMatch: row.rev, vouched: true, ...(key ? { idempotencyKey: key } : {}) });
    return result.case;
  });

  /** True once anyone but the starter (or a timer) has decided on the case: then it is too late to withdraw it. */
  const othersActed = (county: string, caseId: string, starter: string) => db.run(county, (k) => othersActedOn(k, county, caseId, starter));

  app.post('/api/cases/batch', {
    schema: {
      tags: ['cases'], summary: '批量办理：对多个案件执行同一操作（如批量审核通过），附同一条审批意见',
      headers: { type: 'object', properties: idempotencyKey(60) },
      body: {
        type: 'object', required: ['caseIds', 'type'], additionalProperties: false,
        properties: {
          caseIds: { type: 'array', minItems: 1, maxItems: 100, uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' } },
          type: { type: 'string', minLength: 1, maxLength: 100 },
          comment: { type: 'string', maxLength: 500 },
        },
      },
      response: {
        200: {
          type: 'object',
          properties: {
            done: { type: 'integer' }, failed: { type: 'integer' },
            results: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, ok: { type: 'boolean' }, rev: { type: 'integer' }, code: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
        ...errors(400, 401, 403),
      },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const body = request.body as { caseIds: string[]; type: string; comment?: string };
    const key = (request.headers as Record<string, string | undefined>)['idempotency-key'];
    // Each case is its own step (its own revision check, rights, chain entry); one case's refusal stops no other.
    const results: { id: string; ok: boolean; rev?: number; code?: string; message?: string }[] = [];
    for (const id of body.caseIds) {
      try {
        const r = await sendEvent(db, actor, id, { type: body.type, ...(body.comment ? { comment: body.comment } : {}) }, { now: app.clock.now(), ...(config.stepLimits ? { limits: config.stepLimits } : {}), ...(key ? { idempotencyKey: `${key}:${id}` } : {}) });
        results.push({ id, ok: true, rev: r.case.rev });
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        results.push({ id, ok: false, code: e.code, message: e.details.length ? `${e.message}：${e.details.map((d) => d.message).join('；')}` : e.message });
      }
    }
    return { done: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results };
  });

  app.get('/api/cases/:id/history', {
    schema: {
      tags: ['cases'], summary: '案件办理记录', params: idParam,
      response: {
        200: { type: 'array', items: { type: 'object', properties: { rev: { type: 'integer' }, at: { type: 'string' }, actorId: { type: 'string' }, actorName: { type: 'string' }, type: { type: 'string' }, label: { type: 'string' }, kind: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, data: {}, comment: { type: ['string', 'null'] } } } },
        ...errors(401, 404),
      },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const { row, process } = await visibleCase(db, actor, (request.params as { id: string }).id, app.clock.now());
    const def = process.compiled.definition;
    const events = await db.run(actor.county, (k) => caseEvents(k, actor.county, row.id));
    // The data each step recorded, masked as the case's own data is for someone not on its step.
    const masking = !onStep(actor, process.compiled, row);
    const label = (type: string) => (type === 'xstate.init' ? '发起' : BUILT_IN_LABELS[type] ?? (type.startsWith('xstate.after.') ? '时限到期' : (def.events[type]?.label ?? type)));
    return events.map((e) => {
      const body = JSON.parse(e.body) as { data?: unknown; comment?: string };
      return {
        rev: e.rev, at: new Date(e.at).toISOString(), actorId: e.actor_id, actorName: e.actor_name, type: e.type, label: label(e.type),
        kind: def.events[e.type]?.kind ?? (e.type === 'xstate.init' ? 'start' : (BUILT_IN_KINDS[e.type] ?? 'other')),
        from: e.from_state, to: e.to_state, data: (masking ? maskEventData(process.compiled, e.type, e.from_state, body.data) : body.data) ?? null, comment: body.comment ?? null,
      };
    });
  });
}
