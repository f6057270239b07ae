import { stateKey } from '../../engine/index';
import type { Accepted } from '../../engine/index';
import type { CaseSnapshot } from '../../engine/index';
import type { UserActor } from '../rights';
import { type CaseView, caseView } from './caseView';
import type { CaseColumns, Step } from './writeStep';

/** The case columns an accepted transition writes. */
export function columnsOf(r: Accepted): CaseColumns {
  const claimed = Object.values(r.snapshot.claims ?? {});
  const added = [...new Set(Object.values(r.snapshot.added ?? {}).flat())];
  return { snapshot: r.snapshot, state: stateKey(r.state), status: r.status, outcome: r.outcome ?? null, dueAt: r.dueAt, claimedBy: claimed.length ? claimed : null, addedTo: added.length ? added : null };
}

/** A system actor for timers and child cases. */
export const systemActor = (county: string): UserActor => ({ county, id: 'system', username: 'system', name: '系统', grants: [] });

/** Where a new case goes and who starts it. */
export interface NewCase {
  county: string;
  processId: string;
  processVersion: number;
  orgUnitId: string;
  orgPath: string;
  parentId: string | null;
  title: string;
  actor: UserActor;
  now: Date;
  /** The process's uniqueness key for this case (see the definition's `uniqueKey`), if it gives one. */
  uniqueKey?: string;
}

/** The view of a case that was just written (so it can be answered without reading it back). */
export function writtenView(n: NewCase, id: string, r: Accepted, rev: number, createdAt: Date): CaseView {
  return caseView({
    id, process_id: n.processId, process_version: n.processVersion, org_unit_id: n.orgUnitId, state: stateKey(r.state),
    status: r.status, outcome: r.outcome ?? null, snapshot: r.snapshot, rev, due_at: r.dueAt ? new Date(r.dueAt) : null,
    parent_id: n.parentId, title: n.title, created_at: createdAt, updated_at: n.now,
  }, n.now);
}

/** The step that creates a case from an accepted start. */
export function creationStep(n: NewCase, id: string, r: Accepted): Step {
  return {
    county: n.county, caseId: id, columns: columnsOf(r),
    create: { processId: n.processId, processVersion: n.processVersion, orgUnitId: n.orgUnitId, orgPath: n.orgPath, parentId: n.parentId, title: n.title, createdBy: n.actor.id, ...(n.uniqueKey ? { uniqueKey: n.uniqueKey } : {}) },
    event: { caseId: id, rev: 1, at: n.now.toISOString(), actor: { id: n.actor.id, name: n.actor.name }, type: 'xstate.init', data: (r.snapshot as CaseSnapshot).context.data, from: '', to: stateKey(r.state) },
    effects: r.effects,
  };
}
