/**
 * A step passed between people: 认领 (take a step anyone holding its role could do), 转办
 * (hand it to a colleague holding the step's role there), 加签 (ask someone else to approve it
 * too), 抄送 (tell people of the case for information). Each is an event in the case's log, with who did it and what they wrote.
 */
import type { FastifyInstance } from 'fastify';
import { ADD_SIGNER_EVENT, availableEvents, CLAIM_EVENT, COPY_EVENT, currentSteps, TRANSFER_EVENT } from '../../engine/index';
import type { CaseSnapshot, CompiledProcess } from '../../engine/index';
import type { UserActor } from '../rights';
import { requireActor } from '../authPlugin';
import { sendEvent } from '../cases/sendEvent';
import { visibleCase } from '../cases/visibleCase';
import { checkCopyLimits } from '../cases/copyLimits';
import type { Config } from '../config';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { holdersOf, peopleWhoSee } from '../cases/casePeople';
import { writeMessages } from '../messages/stepMessages';
import { errors, idParam } from './schemas';
import { snapshotOf } from '../cases/caseView';
import { shownTitle } from '../cases/personalView';

const userIdPattern = '^[A-Za-z0-9-]{1,64}$';

/** Only the one who may act in the step now (no one else has claimed it) hands it over or asks another to sign. */
function requireStepHolder(compiled: CompiledProcess, snapshot: CaseSnapshot, actor: UserActor, unitPath: string[], what: string): void {
  const holder = snapshot.claims && Object.values(snapshot.claims)[0];
  if (!availableEvents(compiled, snapshot, actor, unitPath).length || (holder && holder !== actor.id)) throw new AppError('CF_FORBIDDEN', `只有这一步的办理人可以${what}`);
}

export function handoverRoutes(app: FastifyInstance, db: Db, config: Pick<Config, 'copyLimits'>): void {
  const caseReply = { 200: { $ref: 'Case#' }, ...errors(400, 401, 403, 404, 409, 422) };

  app.post('/api/cases/:id/claim', { schema: { tags: ['cases'], summary: '认领：这一步由我来办（同角色的其他人不再能办）', params: idParam, response: caseReply } }, async (request) => {
    const actor = requireActor(request);
    const id = (request.params as { id: string }).id;
    return (await sendEvent(db, actor, id, { type: CLAIM_EVENT }, { now: app.clock.now() })).case;
  });

  app.post('/api/cases/:id/transfer', {
    schema: {
      tags: ['cases'], summary: '转办：把这一步交给同一单位担任同一角色的同事',
      params: idParam,
      body: { type: 'object', required: ['to'], additionalProperties: false, properties: { to: { type: 'string', pattern: userIdPattern, description: '同事的用户编号' }, comment: { type: 'string', maxLength: 500 } } },
      response: { ...caseReply, ...errors(429) },
    },
  }, async (request) => {
    const actor = requireActor(request);
    const id = (request.params as { id: string }).id;
    const { to, comment } = request.body as { to: string; comment?: string };
    const { row, process } = await visibleCase(db, actor, id, app.clock.now());
    const snapshot = snapshotOf(row);
    const unitPath = row.org_path.split('/');
    requireStepHolder(process.compiled, snapshot, actor, unitPath, '转办');
    const step = currentSteps(process.compiled, snapshot).find((s) => s.assignee && !s.final);
    const colleagues = step ? await db.run(actor.county, (k) => holdersOf(k, actor.county, [step.assignee!], unitPath)) : [];
    if (to === actor.id || !colleagues.includes(to)) throw new AppError('CF_VALIDATION', undefined, [{ path: '/to', field: '转给谁', message: '「转给谁」须是在本单位担任这一步角色的其他同事' }]);
    const result = await sendEvent(db, actor, id, { type: TRANSFER_EVENT, data: { to }, ...(comment ? { comment } : {}) }, { now: app.clock.now(), vouched: true, ifMatch: row.rev });
    await db.run(actor.county, (k) => writeMessages(k, { county: actor.county, processId: row.process_id, caseId: id, now: app.clock.now() }, [
      { user_id: to, kind: 'task', title: `转办给您：${shownTitle(row)}`, body: `${process.compiled.definition.title} · ${step?.label ?? ''}（${actor.name}转办${comment ? `：${comment}` : ''}）` },
    ]));
    return result.case;
  });

  app.post('/api/cases/:id/add-signer', {
    schema: {
      tags: ['cases'], summary: '加签：请一位能查看本案件的人也来审批这一步（其同意后才算通过）',
      params: idParam,
      body: {
        type: 'object', required: ['to'], additionalProperties: false,
        properties: { to: { type: 'string', pattern: userIdPattern }, before: { type: 'boolean', description: 'true：加签在我之前（我须等其审批后再审批）；否则与我一同审批' }, comment: { type: 'string', maxLength: 500 } },
      },
      response: caseReply,
    },
  }, async (request) => {
    const actor = requireActor(request);
    const id = (request.params as { id: string }).id;
    const { to, before, comment } = request.body as { to: string; before?: boolean; comment?: string };
    const { row, process } = await visibleCase(db, actor, id, app.clock.now());
    const snapshot = snapshotOf(row);
    const unitPath = row.org_path.split('/');
    requireStepHolder(process.compiled, snapshot, actor, unitPath, '加签');
    const [seer] = await db.run(actor.county, (k) => peopleWhoSee(k, actor.county, unitPath, [to]));
    if (!seer || to === actor.id) throw new AppError('CF_VALIDATION', undefined, [{ path: '/to', field: '加签给谁', message: '「加签给谁」须是能查看这个案件的其他人' }]);
    const result = await sendEvent(db, actor, id, { type: ADD_SIGNER_EVENT, data: { to, ...(before ? { before: true } : {}) }, comment: `加签${before ? '（在我之前）' : ''}：${seer.name}${comment ? `。${comment}` : ''}` }, { now: app.clock.now(), vouched: true, ifMatch: row.rev });
    const step = currentSteps(process.compiled, snapshot).find((s) => s.assignee && !s.final);
    await db.run(actor.county, (k) => writeMessages(k, { county: actor.county, processId: row.process_id, caseId: id, now: app.clock.now() }, [
      { user_id: to, kind: 'task', title: `加签给您：${shownTitle(row)}`, body: `${process.compiled.definition.title} · ${step?.label ?? ''}（${actor.name}请您一同审批${comment ? `：${comment}` : ''}）` },
    ]));
    return result.case;
  });

  app.post('/api/cases/:id/copy', {
    schema: {
      tags: ['cases'], summary: '抄送：告知能查看本案件的人（仅供知悉）',
      params: idParam,
      body: { type: 'object', required: ['to'], additionalProperties: false, properties: { to: { type: 'array', minItems: 1, maxItems: 20, uniqueItems: true, items: { type: 'string', pattern: userIdPattern } }, comment: { type: 'string', maxLength: 500 } } },
      response: caseReply,
    },
  }, async (request) => {
    const actor = requireActor(request);
    const id = (request.params as { id: string }).id;
    const { to, comment } = request.body as { to: string[]; comment?: string };
    const { row, process } = await visibleCase(db, actor, id, app.clock.now());
    // Only people who may see the case: grants at its unit or above.
    const users = await db.run(actor.county, (k) => peopleWhoSee(k, actor.county, row.org_path.split('/'), to));
    const missing = to.filter((u) => !users.some((x) => x.id === u));
    if (missing.length) throw new AppError('CF_VALIDATION', undefined, [{ path: '/to', field: '抄送给', message: '「抄送给」中有人不能查看这个案件' }]);
    const now = app.clock.now();
    await db.run(actor.county, (k) => checkCopyLimits(k, actor.county, id, actor.id, to.length, now, config.copyLimits));
    const names = users.map((u) => u.name).join('、');
    // Whom it told is recorded with the event: the limits count people, not requests.
    const result = await sendEvent(db, actor, id, { type: COPY_EVENT, data: { to }, comment: `抄送给：${names}${comment ? `。${comment}` : ''}` }, { now: app.clock.now(), vouched: true, ifMatch: row.rev });
    await db.run(actor.county, (k) => writeMessages(k, { county: actor.county, processId: row.process_id, caseId: id, now: app.clock.now() },
      users.map((u) => ({ user_id: u.id, kind: 'copy' as const, title: `抄送：${shownTitle(row)}`, body: `${process.compiled.definition.title}（${actor.name}抄送${comment ? `：${comment}` : ''}）` }))));
    return result.case;
  });
}
