import { caseTitleOf, defaultCalendar } from '../../engine/index';
import type { CaseSnapshot, StateValue } from '../../engine/index';
import type { Selectable } from 'kysely';
import type { Database } from '../db/schema';

/** A case row as selected. */
export type CaseRow = Selectable<Database['cases']>;
type Row = Pick<CaseRow, 'id' | 'process_id' | 'process_version' | 'org_unit_id' | 'state' | 'status' | 'outcome' | 'snapshot' | 'rev' | 'due_at' | 'parent_id' | 'title' | 'created_at' | 'updated_at'>;

/** A case as the API returns it. */
export interface CaseView {
  id: string;
  processId: string;
  processVersion: number;
  orgUnitId: string;
  state: StateValue;
  stateKey: string;
  status: string;
  outcome: string | null;
  title: string;
  data: Record<string, unknown>;
  rev: number;
  createdAt: string;
  updatedAt: string;
  dueAt: string | null;
  overdue: boolean;
  /** The deadline counts working days past the end of the holiday calendar: holidays there are not yet known. */
  dueApproximate: boolean;
  parentId: string | null;
  /** The current step's Chinese name(s), the process title and the unit's name, filled in for lists. */
  stepLabel?: string;
  processTitle?: string;
  unitName?: string;
  /** Returned and waiting to be submitted again (a return's reason is kept under `returned` until then). */
  returned: boolean;
  /** Who holds the case now, for lists: the person who claimed its step, else the step's role. */
  holder?: string;
  /** In the inbox: approvals the user may give without a form, several cases at once (批量审核). */
  quickActions?: { type: string; label: string }[];
}

/** A case row's snapshot: PGlite and pg may hand jsonb back as text or as the parsed value. */
export const snapshotOf = (row: { snapshot: unknown }): CaseSnapshot => (typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot) as CaseSnapshot;

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Maps a case row to its API form; `now` decides whether it is overdue. */
export function caseView(row: Row, now: Date): CaseView {
  const snapshot = snapshotOf(row);
  const dueAt = iso(row.due_at);
  return {
    id: row.id,
    processId: row.process_id,
    processVersion: row.process_version,
    orgUnitId: row.org_unit_id,
    state: snapshot.value,
    stateKey: row.state,
    status: row.status,
    outcome: row.outcome,
    title: row.title,
    data: snapshot.context.data,
    rev: row.rev,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    dueAt,
    overdue: row.status === 'active' && dueAt !== null && new Date(dueAt) < now,
    dueApproximate: row.status === 'active' && Object.keys(snapshot.context.dueApprox ?? {}).length > 0,
    parentId: row.parent_id,
    returned: row.status === 'active' && typeof (snapshot.context.data.returned as { reason?: unknown } | undefined)?.reason === 'string',
  };
}

/** The case's display title at `now`: the definition's `caseTitle` (a data path, or a formula), else the fallback. */
export function caseTitle(spec: string | undefined, data: Record<string, unknown>, fallback: string, now: number): string {
  return caseTitleOf(spec, data, now, defaultCalendar) || fallback;
}
