/**
 * What people learn from a step: the ones who must act now get a new task (or a return), the
 * person who started the case hears of each decision and of its end. Written with the step.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { holdersOf } from '../cases/casePeople';
import { enqueueDeliveries, type PlannedDelivery, plannedDeliveries } from './deliveries';

/** One accepted step, as the message centre needs it. */
export interface StepNews {
  county: string;
  processId: string;
  caseId: string;
  caseTitle: string;
  processTitle: string;
  orgPath: string;
  /** Who started the case. */
  createdBy: string;
  actor: { id: string; name: string };
  label: string;
  kind: string;
  comment?: string;
  /** The roles expected to act in the case's new step(s) (none when it ended). */
  assignees: string[];
  stepLabel: string;
  done: boolean;
  now: Date;
}

export type MessageKind = 'task' | 'returned' | 'decided' | 'done' | 'due_soon' | 'overdue' | 'copy';

/** One person's message. */
export interface MessageRow {
  user_id: string;
  kind: MessageKind;
  title: string;
  body: string;
}

/** What a step tells: each person's message, and what the county's channels carry. */
export interface StepMessages {
  rows: MessageRow[];
  deliveries: PlannedDelivery[];
}

/** Group chats and the county's systems hear each kind of news once, not once per person. */
const oncePerKind = (caseId: string, now: Date, rows: MessageRow[]) =>
  [...new Map(rows.map((r) => [r.kind, { kind: r.kind, caseId, title: r.title, body: r.body, at: now.toISOString() }])).values()];

/** Writes messages, and queues them once per kind for the county's channels. */
export async function writeMessages(k: Kysely<Database>, at: { county: string; processId: string; caseId: string; now: Date }, rows: MessageRow[]): Promise<void> {
  if (!rows.length) return;
  await k.insertInto('messages').values(rows.map((r) => ({ ...r, county_id: at.county, case_id: at.caseId, created_at: at.now }))).execute();
  await enqueueDeliveries(k, at.county, at.processId, oncePerKind(at.caseId, at.now, rows), at.now);
}

/**
 * The messages a step brings, read before its write so that its one statement writes them with
 * it (writeStep): a step is never kept without its news. The actor is never told of their own step.
 */
export async function stepMessages(k: Kysely<Database>, n: StepNews): Promise<StepMessages> {
  const rows: MessageRow[] = [];
  const units = n.orgPath.split('/');
  if (!n.done) {
    const returned = n.kind === 'return';
    for (const user of await holdersOf(k, n.county, n.assignees, units)) {
      if (user === n.actor.id) continue;
      rows.push({
        user_id: user, kind: returned ? 'returned' : 'task',
        title: returned ? `退回给您：${n.caseTitle}` : `新待办：${n.caseTitle}`,
        body: `${n.processTitle} · ${n.stepLabel}${returned ? `（${n.actor.name}退回${n.comment ? `：${n.comment}` : ''}）` : ''}`,
      });
    }
  }
  const decision = ['approve', 'return', 'reject'].includes(n.kind);
  if (n.createdBy !== n.actor.id && (decision || n.done) && !rows.some((r) => r.user_id === n.createdBy)) {
    rows.push({
      user_id: n.createdBy, kind: n.done ? 'done' : 'decided',
      title: n.done ? `已办结：${n.caseTitle}` : `${n.label}：${n.caseTitle}`,
      body: `${n.processTitle} · ${n.actor.name}${n.label}${n.comment ? `：${n.comment}` : ''}`,
    });
  }
  return { rows, deliveries: await plannedDeliveries(k, n.county, n.processId, oncePerKind(n.caseId, n.now, rows)) };
}
