import type { Kysely } from 'kysely';
import { countersignsNow, currentSteps, transition, uniqueKeyOf } from '../../engine/index';
import type { CaseSnapshot, CompiledProcess, StepLimits } from '../../engine/index';
import type { Db } from '../db/open';
import type { Database } from '../db/schema';
import { AppError, fromRejection } from '../errors';
import { loadProcess } from '../processes';
import { canSee, type UserActor } from '../rights';
import { columnsOf, type NewCase } from './acceptedStep';
import { spawnChildren } from './createCases';
import { caseTitle, type CaseRow, type CaseView, caseView, snapshotOf } from './caseView';
import { cachedCase, forgetCase, keepCase } from './caseCache';
import { withLabels } from './caseQueries';
import { maskedTitle, shownTitle, shownTo, shownToAll } from './personalView';
import { changedDigests } from './personalSearch';
import { logAuthFailure } from './authFailures';
import { isUniqueKeyClash, refuseDuplicate } from './uniqueKey';
import { checkFileRefs } from '../files/fileRefs';
import { notesOf } from '../metrics/notes';
import { stepMessages, withNotices } from '../messages/stepMessages';
import { departmentHolders, holdersOf } from './casePeople';
import { isUniqueViolation, replay, requestHash } from './idempotency';
import { type Step, writeStep } from './writeStep';

/** How an event arrives: from a user (with optional If-Match and Idempotency-Key) or from the scheduler. */
export interface SendOptions {
  /** When the step is taken (the app's clock, or the timer's round). */
  now: Date;
  ifMatch?: number;
  idempotencyKey?: string;
  /** Set by the scheduler: the event is this timer firing (or a child case finishing). */
  firedTimer?: string;
  /** The caller has checked rights the engine cannot (撤销: the starter, before anyone else acted). */
  vouched?: boolean;
  /** What the step may store (the configuration's STEP_MAX_KB and LIST_MAX_ROWS), checked by the engine before anything is written. */
  limits?: StepLimits;
  /** When the step was made on a phone without signal (the field app's outbox sends it as X-Queued-At): counted in the metrics when accepted. */
  queuedAt?: Date;
}

/** The answer to an event: the new case, or the stored answer of an earlier identical request. */
export interface SendResult {
  status: number;
  case: CaseView;
  replayed: boolean;
}

/**
 * 审批意见: what the person wrote with the decision. A return must say why: its comment, or the
 * reason its return form carries (then that reason is the comment, shown in 办理记录).
 */
function commentOf(kind: string | undefined, comment: string | undefined, data: unknown): string | undefined {
  const written = comment?.trim();
  if (written) return written;
  const reason = (data as { reason?: unknown } | undefined)?.reason;
  if (typeof reason === 'string' && reason.trim()) return kind === 'return' || kind === 'reject' ? reason.trim() : undefined;
  if (kind === 'return') throw new AppError('CF_VALIDATION', undefined, [{ path: '/comment', field: '审批意见', message: '退回时必须填写「审批意见」，说明需要修改什么' }]);
  return undefined;
}

/**
 * The users who may approve the case's current step when several decide it by role (会签, 或签):
 * those holding its role at the case's unit or above, now. Recorded with the event, so a replay
 * counts the same. Undefined for other steps.
 */
export async function approversNow(k: Kysely<Database>, county: string, compiled: CompiledProcess, snapshot: CaseSnapshot, orgPath: string): Promise<string[] | undefined> {
  // Most processes have no such step: then the case's snapshot is not restored to look for one.
  if (![...compiled.states.values()].some((s) => s.approval && !s.approval.chooseFrom)) return undefined;
  const step = currentSteps(compiled, snapshot).find((s) => s.approval && !s.approval.chooseFrom && s.assignee);
  return step ? holdersOf(k, county, [step.assignee!], orgPath.split('/')) : undefined;
}

/** The data a built-in event (转办's colleague, 加签's person) carries into the log, so a replay does the same. */
const builtInData = (event: { type: string; data?: unknown }) => (event.type.startsWith('cf.') ? event.data : undefined);

/** What a step on a cached case answers when it must be done again from a fresh read. */
const REDO = Symbol('redo');

/** A deadlock (or serialization failure) PostgreSQL resolved by cancelling the statement. */
const isLockCycle = (e: unknown) => ['40P01', '40001'].includes((e as { code?: string }).code ?? '');

/** Thrown as 409: carries the case as it now is, so the user can see what changed and redo their step. */
export class StaleError extends AppError {
  constructor(readonly current: CaseView) {
    super('CF_STALE');
  }
}


/** What the metrics label a step with, learnt as it goes: an event the process does not know is `other`, so no caller can add labels. */
interface StepLabels {
  process: string;
  event: string;
}

/**
 * Sends an event to a case: loads it (404 unless the actor may see it), checks the revision,
 * runs the engine, and writes the step in one statement (a transaction when it spawns children).
 */
export async function sendEvent(db: Db, actor: UserActor, caseId: string, event: { type: string; data?: unknown; comment?: string }, options: SendOptions): Promise<SendResult> {
  const labels: StepLabels = { process: 'unknown', event: 'other' };
  try {
    const result = await sendOnce(db, actor, caseId, event, options, labels);
    notesOf(db).step(labels.process, labels.event, result.replayed ? 'replayed' : 'accepted');
    // A phone's clock may run ahead: a step from the future arrived at once.
    if (options.queuedAt && !result.replayed) notesOf(db).offline(labels.process, Math.max(0, (options.now.getTime() - options.queuedAt.getTime()) / 1000));
    return result;
  } catch (e) {
    notesOf(db).step(labels.process, labels.event, e instanceof AppError ? e.code : 'error');
    throw e;
  }
}

async function sendOnce(db: Db, actor: UserActor, caseId: string, event: { type: string; data?: unknown; comment?: string }, options: SendOptions, labels: StepLabels): Promise<SendResult> {
  const now = options.now;
  const county = actor.county;
  const key = options.idempotencyKey;
  const hash = requestHash({ caseId, type: event.type, data: event.data ?? null, ifMatch: options.ifMatch ?? null, ...(event.comment ? { comment: event.comment } : {}) });
  const system = actor.id === 'system';
  const read = (k: Kysely<Database>) => k.selectFrom('cases').selectAll().where('county_id', '=', county).where('id', '=', caseId).executeTakeFirst();
  /**
   * The step on the case as `row` has it. When the row came from this server's cache, a revision
   * that disagrees, an event the engine refuses or a write that misses may only mean another
   * server has moved the case on: then REDO, and the step is done again from a fresh read.
   */
  const act = async (k: Kysely<Database>, row: CaseRow | undefined, cached: boolean): Promise<SendResult | typeof REDO> => {
    if (!row || (!system && !canSee(actor, row.org_path))) {
      if (row) await logAuthFailure(k, actor, 'view-case', caseId, now);
      throw new AppError('CF_NOT_FOUND');
    }
    // Lost a race: if it was to a retry of this same request, answer as the winner did; else 409.
    const staleOrReplay = async (latest: CaseRow): Promise<SendResult> => {
      const earlier = key ? await replay(k, actor, key, hash) : null;
      if (earlier) return earlier;
      // Named as the user knows it (the step's label, the process's title), so a phone can say where the case now stands.
      throw new StaleError((await withLabels(k, county, await shownToAll(k, actor, [latest], [caseView(latest, now)])))[0]!);
    };
    if (options.ifMatch !== undefined && options.ifMatch !== row.rev) return cached ? REDO : staleOrReplay(row);
    const process = await loadProcess(k, county, row.process_id, row.process_version);
    if (!process) throw new AppError('CF_CASE_CORRUPT');
    const snapshot = snapshotOf(row);
    const approvers = await approversNow(k, county, process.compiled, snapshot, row.org_path);
    const holders = await departmentHolders(k, county, process.compiled, snapshot, row.org_path);
    const result = transition(process.compiled, snapshot, { type: event.type, data: event.data }, { now, actor, unitPath: row.org_path.split('/'), system: system || options.vouched === true, ...(approvers ? { approvers } : {}), ...(holders ? { holders } : {}), ...(options.limits ? { limits: options.limits } : {}) });
    labels.process = row.process_id;
    if (result.ok || Object.hasOwn(process.compiled.definition.events, event.type)) labels.event = event.type;
    if (!result.ok) {
      if (cached) return REDO;
      const earlier = key ? await replay(k, actor, key, hash) : null;
      if (earlier) return earlier;
      if (result.rejection.code === 'forbidden-role') await logAuthFailure(k, actor, `event:${event.type}`, caseId, now);
      throw fromRejection(result.rejection, process);
    }
    if (result.formId) await checkFileRefs(k, county, caseId, process.compiled.forms[result.formId]?.schema, result.data);
    const def = process.compiled.definition;
    const comment = commentOf(def.events[event.type]?.kind, event.comment, result.formId ? result.data : undefined);
    const title = caseTitle(def.caseTitle, result.snapshot.context.data, row.title, now.getTime());
    // The uniqueness key follows the data (a household's ID is known once the application is filled in, and may be corrected),
    // but its TODAY() is the day the case was started: a 2026 loan repaid in 2027 is still the 2026 loan.
    const uniqueKey = def.uniqueKey ? uniqueKeyOf(def.uniqueKey, result.snapshot.context.data, new Date(row.created_at).getTime(), process.compiled.calendar) : '';
    const keyChanged = Boolean(def.uniqueKey) && uniqueKey !== (row.unique_key ?? '');
    if (keyChanged && uniqueKey) await refuseDuplicate(k, county, row.process_id, uniqueKey, '办理', caseId);
    const columns = columnsOf(result);
    const personal = changedDigests(def, snapshot.context.data, result.snapshot.context.data);
    // What lists search and messages say of the case: a title made from personal fields, masked.
    const told = title === row.title ? shownTitle(row) : maskedTitle(def, title, result.snapshot.context.data, now.getTime());
    const masked = told === title ? null : told;
    const next: CaseRow = {
      ...row, state: columns.state, status: result.status, outcome: result.outcome ?? null, snapshot: result.snapshot as CaseRow['snapshot'], rev: row.rev + 1,
      due_at: result.dueAt ? new Date(result.dueAt) : null, updated_at: now, title, masked_title: masked, unique_key: keyChanged ? uniqueKey || null : row.unique_key, claimed_by: columns.claimedBy, added_to: columns.addedTo,
    };
    const view = shownTo(actor, process.compiled, next, caseView(next, now));
    const step: Step = {
      county, caseId, columns: { ...columns, ...(title !== row.title ? { title, maskedTitle: masked } : {}), ...(keyChanged ? { uniqueKey } : {}), ...(personal ? { personal } : {}) }, expectedRev: row.rev,
      previous: { processId: row.process_id, orgPath: row.org_path, state: row.state, status: row.status },
      event: { caseId, rev: row.rev + 1, at: now.toISOString(), actor: { id: actor.id, name: actor.name }, type: event.type, data: result.formId ? result.data : builtInData(event), from: row.state, to: columns.state, ...(comment ? { comment } : {}), ...(approvers ? { approvers } : {}), ...(holders ? { holders } : {}) },
      effects: result.effects,
    };
    if (options.firedTimer) step.firedTimer = options.firedTimer;
    if (result.status === 'done' && row.parent_id) {
      step.outbox = [{ caseId: row.parent_id, timerId: `child:${caseId}`, eventType: 'CHILD.DONE', dueAt: now.toISOString() }];
    }
    if (key) step.idempotency = { userId: actor.id, key, requestHash: hash, status: 200, response: view };
    // Who learns of the step, written by its statement. The built-in hand-overs (认领, 转办, 抄送) tell their own people; 撤销 ends the case.
    const steps = event.type.startsWith('cf.') ? null : currentSteps(process.compiled, result.snapshot);
    // A step that stays where it was (a visit logged, an approval that only counted) gives nobody a new task; a return always tells.
    const moved = columns.state !== row.state || def.events[event.type]?.kind === 'return';
    // At a countersign, the departments whose turn has just come are told (the next one in order, once the one before has signed).
    const dueBefore = moved ? [] : countersignsNow(process.compiled, snapshot).flatMap((c) => c.due.map((d) => d.role));
    const turns = steps ? countersignsNow(process.compiled, result.snapshot).flatMap((c) => c.due.map((d) => d.role)).filter((r) => !dueBefore.includes(r)) : [];
    if (steps) step.messages = stepMessages({
      processId: row.process_id, caseId, caseTitle: told, processTitle: def.title, orgPath: row.org_path, createdBy: row.created_by, actor: { id: actor.id, name: actor.name },
      label: def.events[event.type]?.label ?? '时限到期', kind: def.events[event.type]?.kind ?? 'other', ...(comment ? { comment } : {}),
      assignees: [...new Set([...(moved ? steps.flatMap((s) => (s.assignee ? [s.assignee] : [])) : []), ...turns])], stepLabel: steps.map((s) => s.label).join('、'), done: result.status === 'done', now,
    });
    step.messages = withNotices(step.messages, result.effects, { processId: row.process_id, caseId, caseTitle: told, processTitle: def.title, orgPath: row.org_path, actorId: actor.id, now });
    const spawns = result.effects.some((e) => e.type === 'spawn');
    const write = async (w: Kysely<Database>) => {
      const rev = await writeStep(w, step);
      if (rev !== null && spawns) {
        const parent: NewCase & { id: string } = { id: caseId, county, processId: row.process_id, processVersion: row.process_version, orgUnitId: row.org_unit_id, orgPath: row.org_path, parentId: row.parent_id, title, actor, now };
        await spawnChildren(w, parent, result.effects);
      }
      return rev;
    };
    const rev = spawns ? await k.transaction().execute(write) : await write(k);
    if (rev === null) {
      if (cached) return REDO;
      forgetCase(db, county, caseId);
      return staleOrReplay((await read(k))!);
    }
    keepCase(db, next);
    return { status: 200, case: view, replayed: false };
  };
  // A retry (same Idempotency-Key) is not looked for first: its write would collide with the first
  // request's record and change nothing, and any refusal checks for it before answering — so the
  // step that is not a retry, nearly all of them, costs one statement.
  const attempt = () => db.run(county, async (k): Promise<SendResult> => {
    try {
      const cached = cachedCase(db, county, caseId);
      if (cached) {
        const done = await act(k, cached, true);
        if (done !== REDO) return done;
        forgetCase(db, county, caseId);
      }
      const row = await read(k);
      if (row) keepCase(db, row);
      return (await act(k, row, false)) as SendResult;
    } catch (e) {
      // Refused now, but answered before: the retry of an accepted request gets that answer, whatever the case now is.
      const earlier = key && e instanceof AppError ? await replay(k, actor, key, hash) : null;
      if (earlier) return earlier;
      throw e;
    }
  });
  try {
    // PostgreSQL broke a lock cycle by cancelling this step's statement: nothing of it was written, so it is done again.
    for (let tries = 1; ; tries++) {
      try {
        return await attempt();
      } catch (e) {
        if (tries >= 3 || !isLockCycle(e)) throw e;
      }
    }
  } catch (e) {
    // Another case took the same uniqueness key at the same moment.
    if (isUniqueKeyClash(e)) throw new AppError('CF_DUPLICATE_CASE');
    // A retry with the same key raced the first request: answer with what the first one stored.
    if (key && isUniqueViolation(e)) return db.run(county, async (k) => (await replay(k, actor, key, hash))!);
    throw e;
  }
}
