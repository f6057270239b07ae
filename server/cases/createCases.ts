import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { type Effect, fileRefsIn, startCase, uniqueKeyOf, untitledCase } from '../../engine/index';
import type { Database } from '../db/schema';
import { AppError, fromRejection } from '../errors';
import { loadProcess, type PublishedProcess } from '../processes';
import type { UserActor } from '../rights';
import { creationStep, type NewCase, systemActor, writtenView } from './acceptedStep';
import { caseTitle, type CaseView } from './caseView';
import { refuseClosedUnit } from './closedUnit';
import { refuseDuplicate } from './uniqueKey';
import { writeStep } from './writeStep';
import { withNotices } from '../messages/stepMessages';
import { personalDigests } from './personalSearch';
import { maskedTitle } from './personalView';

/** One case to start: where, with what start data, and (for a child case) whose child it is. */
export interface CaseStart {
  unit: { id: string; path: string };
  data: Record<string, unknown>;
  parentId?: string;
  /** Started by the engine (a spawned child), not by a person: no start rights apply. */
  system?: boolean;
  /** Keep the answer for this Idempotency-Key (a retry gets the same case back). */
  idempotency?: { userId: string; key: string; requestHash: string };
}

/** What became of one start: the case written, or why it was refused. */
export type CreatedCase = { ok: true; id: string; view: CaseView } | { ok: false; error: AppError };

/**
 * The one way a case is created (POST /api/cases, roster import, spawned children), in the
 * caller's transaction: no file named before the case exists, the engine's start (rights, start
 * data; a closed unit takes none), the title, and the uniqueness key — against stored cases and the earlier starts of the
 * same call. Each start is answered in order; with `dryRun` nothing is written.
 */
export async function createCases(k: Kysely<Database>, process: PublishedProcess, actor: UserActor, starts: readonly CaseStart[], now: Date, dryRun = false): Promise<CreatedCase[]> {
  const keys = new Map<string, string>();
  const out: CreatedCase[] = [];
  for (const start of starts) {
    try {
      out.push(await createOne(k, process, actor, start, now, keys, dryRun));
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      out.push({ ok: false, error: e });
    }
  }
  return out;
}

async function createOne(k: Kysely<Database>, process: PublishedProcess, actor: UserActor, start: CaseStart, now: Date, keys: Map<string, string>, dryRun: boolean): Promise<CreatedCase> {
  const { compiled } = process;
  const def = compiled.definition;
  // A closed unit takes no new case from people; a running case's spawned children still start.
  if (!start.system) await refuseClosedUnit(k, actor.county, start.unit.path);
  // Files belong to a case: none can be named before the case exists (upload them at its first step).
  for (const [formId, form] of Object.entries(compiled.forms)) {
    const found = fileRefsIn(form.schema, start.data[formId]);
    if (found.length) throw new AppError('CF_VALIDATION', undefined, found.map((f) => ({ path: `/data/${formId}${f.pointer}`, field: f.title ?? formId, message: `「${f.title ?? formId}」的文件要在案件发起后上传` })));
  }
  const started = startCase(compiled, { now, actor, unitPath: start.unit.path.split('/'), data: start.data, ...(start.system ? { system: true } : {}) });
  if (!started.ok) throw fromRejection(started.rejection, process);
  const data = started.snapshot.context.data;
  const id = randomUUID();
  // A title whose fields are not filled in yet names the case by its process and short number (积分台账 3F2A9C1B);
  // a process that declares no title names every case by its own name.
  const n: NewCase = {
    county: actor.county, processId: process.processId, processVersion: process.version, orgUnitId: start.unit.id, orgPath: start.unit.path,
    parentId: start.parentId ?? null, title: caseTitle(def.caseTitle, data, def.caseTitle ? untitledCase(def.title, id) : def.title, now.getTime()), actor, now,
  };
  const key = uniqueKeyOf(def.uniqueKey, data, now.getTime(), compiled.calendar);
  if (key) {
    const earlier = keys.get(key);
    if (earlier !== undefined) throw new AppError('CF_DUPLICATE_CASE', `与本次前面的「${earlier}」是相同的案件，不能重复发起`);
    await refuseDuplicate(k, actor.county, process.processId, key, '发起');
    keys.set(key, n.title);
    n.uniqueKey = key;
  }
  const view = writtenView(n, id, started, 1, now);
  if (dryRun) return { ok: true, id, view };
  const step = creationStep(n, id, started);
  const personal = personalDigests(def, data);
  if (personal.length) step.columns.personal = personal;
  const told = maskedTitle(def, n.title, data, now.getTime());
  if (told !== n.title) step.create!.maskedTitle = told;
  step.messages = withNotices(undefined, started.effects, { processId: n.processId, caseId: id, caseTitle: told, processTitle: def.title, orgPath: n.orgPath, actorId: actor.id, now });
  if (start.idempotency) step.idempotency = { ...start.idempotency, status: 201, response: view };
  await writeStep(k, step);
  return { ok: true, id, view };
}

/** Creates the child cases a `spawn` effect asks for, in the caller's transaction, as every case is created (createCases). */
export async function spawnChildren(db: Kysely<Database>, parent: NewCase & { id: string }, effects: Effect[]): Promise<void> {
  for (const effect of effects) {
    if (effect.type !== 'spawn') continue;
    const child = await loadProcess(db, parent.county, effect.processId);
    if (!child) throw new AppError('CF_DEFINITION_INVALID', `流程要派生的子流程「${effect.processId}」在本县没有发布，这一步没有办理。请联系县里的流程管理员。`);
    const unit = { id: parent.orgUnitId, path: parent.orgPath };
    const created = await createCases(db, child, systemActor(parent.county), effect.items.map((data) => ({ unit, data, parentId: parent.id, system: true })), parent.now);
    const refused = created.find((c) => !c.ok);
    if (refused && !refused.ok) throw refused.error;
  }
}
