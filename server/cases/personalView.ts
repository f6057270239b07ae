import type { Kysely } from 'kysely';
import { type CaseSnapshot, type CompiledProcess, type Definition, eventsFor, maskCaseData, maskedData, type MaskedValue, maskPersonal, personalFields, titleIsPersonal } from '../../engine/index';
import type { Database } from '../db/schema';
import { loadProcess } from '../processes';
import type { UserActor } from '../rights';
import { type CaseView, caseTitle, snapshotOf } from './caseView';

/** A case row's parts that say who is on its step. */
type StepRow = { snapshot: unknown; org_path: string };

let maskingOff = false;
/** Benchmarks only (bench/serveWithout.ts): this process masks nothing, so a paired round measures what masking costs. */
export function maskNothingForBench(): void {
  maskingOff = true;
}

/** Most answers kept per actor and process version (steps × units a list meets). */
const MAX_DECISIONS = 1000;
// Per actor object: the session cache hands the same one to a user's requests while their grants stand, and a new one after.
const decisions = new WeakMap<UserActor, WeakMap<CompiledProcess, Map<string, boolean>>>();

/** True when the actor has some event to send on the case now. */
const mayActNow = (compiled: CompiledProcess, snapshot: CaseSnapshot, actor: UserActor, orgPath: string) => eventsFor(compiled, snapshot, actor, orgPath.split('/')).length > 0;

/**
 * True when the actor's current step needs the case's personal information: they may act on it
 * now (the step's role at the case's unit, the one who claimed it or was handed it, a 加签 signer),
 * the form they fill included. Unless the case has a claim or a signer added (which name people),
 * the answer depends only on the step, the unit and the actor's roles: it is worked out once for
 * each, so a list decides it once per step and unit, not per case.
 */
export function onStep(actor: UserActor, compiled: CompiledProcess, row: StepRow): boolean {
  const snapshot = snapshotOf(row);
  if (snapshot.claims || snapshot.added) return mayActNow(compiled, snapshot, actor, row.org_path);
  let byProcess = decisions.get(actor);
  if (!byProcess) decisions.set(actor, (byProcess = new WeakMap()));
  let known = byProcess.get(compiled);
  if (!known) byProcess.set(compiled, (known = new Map()));
  const key = `${snapshot.status}\n${typeof snapshot.value === 'string' ? snapshot.value : JSON.stringify(snapshot.value)}\n${row.org_path}`;
  let answer = known.get(key);
  if (answer === undefined) {
    answer = mayActNow(compiled, snapshot, actor, row.org_path);
    if (known.size < MAX_DECISIONS) known.set(key, answer);
  }
  return answer;
}

/**
 * The case's data as the actor may see it: each personal value masked unless they are on its step
 * (the data given is not changed), with the values that were masked. `also`: the process's latest
 * version, whose fields an export's columns follow, when it is not the case's own.
 */
export function personalData(actor: UserActor, compiled: CompiledProcess, row: StepRow, data: Record<string, unknown>, also?: CompiledProcess): { data: Record<string, unknown>; masked: MaskedValue[] } {
  const defs = [compiled.definition, ...(also && also !== compiled ? [also.definition] : [])];
  if (maskingOff || !defs.some((d) => personalFields(d).length) || onStep(actor, compiled, row)) return { data, masked: [] };
  let out = data;
  const masked: MaskedValue[] = [];
  for (const def of defs) {
    const m = maskCaseData(def, out);
    out = m.data;
    masked.push(...m.masked);
  }
  return { data: out, masked };
}

/**
 * A case's view with its data masked as `data` is (personalData): a title made from personal fields
 * is made again from the masked data, as of the case's last change (else masked whole), so a list
 * shows 532326**********1234 where the title was the ID number.
 */
export function withMaskedData(compiled: CompiledProcess, view: CaseView, data: Record<string, unknown>): CaseView {
  if (data === view.data) return view;
  const def = compiled.definition;
  if (!titleIsPersonal(def)) return { ...view, data };
  return { ...view, data, title: titleFrom(def, view.title, data, Date.parse(view.updatedAt)) };
}

/** A personal title made again from masked data (else masked whole). */
const titleFrom = (def: Definition, title: string, masked: Record<string, unknown>, at: number) => caseTitle(def.caseTitle, masked, maskPersonal(title, 'other'), at);

/**
 * A case's title as whoever is not on its step reads it: masked when it is made from personal fields. Kept with
 * the case (masked_title, null when it is the title): a search by part of a title and a sort by title go by it,
 * so the masked characters cannot be found out a few at a time. Messages, the county's channels and the records
 * that outlive the step (新待办, 抄送, 已办结, reminders, 查看完整's record) say it, whoever reads them then;
 * whoever is on the step reads the title in full on the case's page. `data`: the case's data as the title was
 * made from it; `at`: when (for a title formula's TODAY()).
 */
export function maskedTitle(def: Definition, title: string, data: Record<string, unknown>, at: number): string {
  return titleIsPersonal(def) ? titleFrom(def, title, maskedData(def, data), at) : title;
}

/** A stored case's title as anyone may read it (maskedTitle). */
export const shownTitle = (row: { title: string; masked_title: string | null }): string => row.masked_title ?? row.title;

/** A case's view as the actor may see it (see personalData and withMaskedData), for lists: what was masked is not listed. */
export function shownTo(actor: UserActor, compiled: CompiledProcess, row: StepRow, view: CaseView): CaseView {
  const def = compiled.definition;
  if (maskingOff || !personalFields(def).length || onStep(actor, compiled, row)) return view;
  return withMaskedData(compiled, view, maskedData(def, view.data));
}

/** Listed cases as the actor may see them, each by its own process version (views and rows in the same order). */
export async function shownToAll(k: Kysely<Database>, actor: UserActor, rows: (StepRow & { process_id: string; process_version: number })[], views: CaseView[]): Promise<CaseView[]> {
  const out: CaseView[] = [];
  for (const [i, view] of views.entries()) {
    const row = rows[i]!;
    const p = await loadProcess(k, actor.county, row.process_id, row.process_version);
    out.push(p ? shownTo(actor, p.compiled, row, view) : { ...view, data: {} });
  }
  return out;
}
