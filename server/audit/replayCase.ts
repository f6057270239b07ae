import type { Kysely } from 'kysely';
import type { CompiledProcess } from '../../engine/index';
import { startCase, transition, type TransitionResult } from '../../engine/index';
import type { CaseSnapshot } from '../../engine/index';
import type { Database } from '../db/schema';
import type { EventBody } from './chainLink';

/**
 * Rebuilds a case's snapshot from its event log alone: the start, then every accepted event
 * with its recorded time and data (rights were checked when it was accepted).
 */
export async function replayCase(k: Kysely<Database>, county: string, caseId: string, compiled: CompiledProcess, unitPath: string[]): Promise<CaseSnapshot | null> {
  const rows = await k.selectFrom('case_events').select('body').where('county_id', '=', county).where('case_id', '=', caseId).orderBy('rev').execute();
  let snapshot: CaseSnapshot | null = null;
  for (const row of rows) {
    const e = JSON.parse(row.body) as EventBody;
    const options = { now: Date.parse(e.at), actor: { id: e.actor.id, name: e.actor.name, grants: [] }, unitPath, system: true, ...(e.approvers ? { approvers: e.approvers } : {}), ...(e.holders ? { holders: e.holders } : {}) };
    const r: TransitionResult = snapshot === null
      ? startCase(compiled, { ...options, data: (e.data ?? {}) as Record<string, unknown> })
      : transition(compiled, snapshot, { type: e.type, data: e.data }, options);
    if (!r.ok) return null;
    snapshot = r.snapshot;
  }
  return snapshot;
}
