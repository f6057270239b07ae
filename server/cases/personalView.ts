import type { Kysely } from 'kysely';
import { type CompiledProcess, eventsFor, maskCaseData, type MaskedValue, personalFields } from '../../engine/index';
import type { Database } from '../db/schema';
import { loadProcess } from '../processes';
import type { UserActor } from '../rights';
import { type CaseView, snapshotOf } from './caseView';

/** A case row's parts that say who is on its step. */
type StepRow = { snapshot: unknown; org_path: string };

/**
 * True when the actor's current step needs the case's personal information: they may act on it
 * now (the step's role at the case's unit, the one who claimed it or was handed it, a 加签 signer),
 * the form they fill included.
 */
export function onStep(actor: UserActor, compiled: CompiledProcess, row: StepRow): boolean {
  return eventsFor(compiled, snapshotOf(row), actor, row.org_path.split('/')).length > 0;
}

/**
 * The case's data as the actor may see it: each personal value masked unless they are on its step
 * (the data given is not changed), with the values that were masked. `also`: the process's latest
 * version, whose fields an export's columns follow, when it is not the case's own.
 */
export function personalData(actor: UserActor, compiled: CompiledProcess, row: StepRow, data: Record<string, unknown>, also?: CompiledProcess): { data: Record<string, unknown>; masked: MaskedValue[] } {
  const defs = [compiled.definition, ...(also && also !== compiled ? [also.definition] : [])];
  if (!defs.some((d) => personalFields(d).length) || onStep(actor, compiled, row)) return { data, masked: [] };
  let out = data;
  const masked: MaskedValue[] = [];
  for (const def of defs) {
    const m = maskCaseData(def, out);
    out = m.data;
    masked.push(...m.masked);
  }
  return { data: out, masked };
}

/** A case's view as the actor may see it (see personalData). */
export function shownTo(actor: UserActor, compiled: CompiledProcess, row: StepRow, view: CaseView): CaseView {
  const { data } = personalData(actor, compiled, row, view.data);
  return data === view.data ? view : { ...view, data };
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
