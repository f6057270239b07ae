import type { Db } from '../db/open';
import { AppError } from '../errors';
import { notesOf } from '../metrics/notes';
import { loadProcess } from '../processes';
import type { UserActor } from '../rights';
import type { CaseView } from './caseView';
import { createCases } from './createCases';
import { isUniqueViolation, replay, requestHash } from './idempotency';
import { isUniqueKeyClash } from './uniqueKey';

/** A started case, and whether it is the first start's answer given again to a retry. */
export interface Started {
  case: CaseView;
  replayed: boolean;
}

/**
 * Starts a case of a published process at an org unit the actor may start it at. With an
 * Idempotency-Key, a retry (a phone sending its outbox again) gets the first case back.
 * `queuedAt`: the case was started on a phone without signal (X-Queued-At), counted with the
 * steps that arrived late (as sendEvent counts a queued step).
 */
export async function startCaseService(db: Db, actor: UserActor, input: { processId: string; orgUnitId: string; data?: Record<string, unknown> }, now: Date, idempotencyKey?: string, queuedAt?: Date): Promise<Started> {
  // The process is a label only once it is found: anyone may name one.
  const labels = { process: 'unknown' };
  try {
    const started = await startOnce(db, actor, input, now, idempotencyKey, labels);
    notesOf(db).step(labels.process, 'start', started.replayed ? 'replayed' : 'accepted');
    // A phone's clock may run ahead: a start from the future arrived at once.
    if (queuedAt && !started.replayed) notesOf(db).offline(labels.process, Math.max(0, (now.getTime() - queuedAt.getTime()) / 1000));
    return started;
  } catch (e) {
    notesOf(db).step(labels.process, 'start', e instanceof AppError ? e.code : 'error');
    throw e;
  }
}

async function startOnce(db: Db, actor: UserActor, input: { processId: string; orgUnitId: string; data?: Record<string, unknown> }, now: Date, idempotencyKey: string | undefined, labels: { process: string }): Promise<Started> {
  const county = actor.county;
  const hash = requestHash({ start: input.processId, orgUnitId: input.orgUnitId, data: input.data ?? null });
  // A retry is not looked for first: its write collides with the first start's record and changes
  // nothing, and any refusal checks for it before answering (as a step does: sendEvent).
  const attempt = () => db.run(county, async (k) => {
    // The unit and the process's latest version in one read; the version's definition is compiled once per server.
    const place = await k.selectNoFrom((eb) => [
      eb.selectFrom('org_units').select('path').where('county_id', '=', county).where('id', '=', input.orgUnitId).as('path'),
      eb.selectFrom('definition_versions').select((v) => v.fn.max('version').as('v')).where('county_id', '=', county).where('process_id', '=', input.processId).as('version'),
    ]).executeTakeFirstOrThrow();
    if (place.path === null) throw new AppError('CF_NOT_FOUND', '找不到该组织单位', [{ path: '/orgUnitId', message: '「组织单位」不存在' }]);
    const unit = { id: input.orgUnitId, path: place.path };
    const process = place.version === null ? null : await loadProcess(k, county, input.processId, Number(place.version));
    if (!process) throw new AppError('CF_NOT_FOUND', '找不到该流程', [{ path: '/processId', message: '「流程」不存在或未发布' }]);
    labels.process = process.processId;
    const idempotency = idempotencyKey ? { userId: actor.id, key: idempotencyKey, requestHash: hash } : undefined;
    const [created] = await createCases(k, process, actor, [{ unit, data: input.data ?? {}, ...(idempotency ? { idempotency } : {}) }], now);
    if (!created!.ok) throw created!.error;
    return created!.view;
  });
  try {
    return { case: await attempt(), replayed: false };
  } catch (e) {
    // The same request, retried (its write collided with the first's record, or it is refused now: the
    // household it registered already has a case, the first): the first's answer.
    if (idempotencyKey && (isUniqueViolation(e) || e instanceof AppError)) {
      const earlier = await db.run(county, (k) => replay(k, actor, idempotencyKey, hash));
      if (earlier) return { case: earlier.case, replayed: true };
    }
    // Another start with the same uniqueness key won the race: answer as if it had come first.
    if (isUniqueKeyClash(e)) throw new AppError('CF_DUPLICATE_CASE');
    throw e;
  }
}
