/**
 * What people learn from a step: the ones who must act now get a new task (or a return), the
 * person who started the case hears of each decision and of its end. Written with the step.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Effect } from '../../engine/index';
import { type ChannelPayload, enqueueDeliveries, outgoing } from './deliveries';

/** One accepted step, as the message centre needs it. */
export interface StepNews {
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

/** Every kind of message, as the message centre shows it and a channel may carry it. */
export const MESSAGE_KINDS = ['task', 'returned', 'decided', 'done', 'due_soon', 'overdue', 'copy', 'notice'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** One person's message. */
export interface MessageRow {
  user_id: string;
  kind: MessageKind;
  title: string;
  body: string;
}

/** The people holding one of `roles` at one of `units` (the case's unit and those above it), but `except` (the actor), each getting `text`. */
export interface RoleHolders {
  roles: string[];
  units: string[];
  except: string;
  text: MessageText;
}

/** One message, the same for everyone who gets it. */
export interface MessageText {
  kind: MessageKind;
  title: string;
  body: string;
}

/**
 * What a step tells, as its statement writes it (writeStep): who is found there, from the grants
 * as they stand when the step commits, so the step reads nothing before its write.
 */
export interface StepMessages {
  /** The case's process: channels may carry one process's news only. */
  processId: string;
  /** Everyone holding one of these roles at one of these units, but the actor, gets `text`. */
  holders?: RoleHolders;
  /** What the definition's `notify` actions say, each to the holders of its roles. */
  notices?: RoleHolders[];
  /** The person who started the case hears of a decision or the end, unless a holder's message reached them. */
  starter?: { userId: string; text: MessageText };
  /** The channels' payload for each kind of message written (Outgoing JSON): a channel carries each kind once. */
  payloads: ChannelPayload[];
}

/** Group chats and the county's systems hear each kind of news once, not once per person. */
const oncePerKind = (caseId: string, now: Date, rows: MessageRow[]) =>
  [...new Map(rows.map((r) => [r.kind, outgoing(caseId, now, r)])).values()];

/** Writes messages, and queues them once per kind for the county's channels. */
export async function writeMessages(k: Kysely<Database>, at: { county: string; processId: string; caseId: string; now: Date }, rows: MessageRow[]): Promise<void> {
  if (!rows.length) return;
  await k.insertInto('messages').values(rows.map((r) => ({ ...r, county_id: at.county, case_id: at.caseId, created_at: at.now }))).execute();
  await enqueueDeliveries(k, at, oncePerKind(at.caseId, at.now, rows));
}

/**
 * The messages a step brings, written by its one statement (writeStep): a step is never kept
 * without its news. The actor is never told of their own step.
 */
export function stepMessages(n: StepNews): StepMessages | undefined {
  const out: StepMessages = { processId: n.processId, payloads: [] };
  if (!n.done && n.assignees.length) {
    const returned = n.kind === 'return';
    const text: MessageText = {
      kind: returned ? 'returned' : 'task',
      title: returned ? `退回给您：${n.caseTitle}` : `新待办：${n.caseTitle}`,
      body: `${n.processTitle} · ${n.stepLabel}${returned ? `（${n.actor.name}退回${n.comment ? `：${n.comment}` : ''}）` : ''}`,
    };
    out.holders = { roles: n.assignees, units: n.orgPath.split('/'), except: n.actor.id, text };
    out.payloads.push(outgoing(n.caseId, n.now, text));
  }
  const decision = ['approve', 'return', 'reject'].includes(n.kind);
  if (n.createdBy !== n.actor.id && (decision || n.done)) {
    const text: MessageText = {
      kind: n.done ? 'done' : 'decided',
      title: n.done ? `已办结：${n.caseTitle}` : `${n.label}：${n.caseTitle}`,
      body: `${n.processTitle} · ${n.actor.name}${n.label}${n.comment ? `：${n.comment}` : ''}`,
    };
    out.starter = { userId: n.createdBy, text };
    out.payloads.push(outgoing(n.caseId, n.now, text));
  }
  return out.holders || out.starter ? out : undefined;
}

/** Where a step's `notify` actions speak: the case, and who acted (never told of their own step). */
export interface NoticePlace {
  processId: string;
  caseId: string;
  caseTitle: string;
  processTitle: string;
  orgPath: string;
  actorId: string;
  now: Date;
}

/**
 * The step's messages with its `notify` effects added: each reaches the message centre of the
 * people holding its roles at the case's unit or above, and the county's channels as kind `notice`.
 */
export function withNotices(m: StepMessages | undefined, effects: readonly Effect[], at: NoticePlace): StepMessages | undefined {
  const notes = effects.flatMap((e) => (e.type === 'notify' && e.roles.length ? [e] : []));
  if (!notes.length) return m;
  const out: StepMessages = m ? { ...m, payloads: [...m.payloads] } : { processId: at.processId, payloads: [] };
  out.notices = notes.map((e) => {
    const text: MessageText = { kind: 'notice', title: `${e.message}：${at.caseTitle}`, body: `${at.processTitle} · ${e.message}` };
    return { roles: e.roles, units: at.orgPath.split('/'), except: at.actorId, text };
  });
  // A channel hears each kind once per step: the notices' words, joined.
  out.payloads.push(outgoing(at.caseId, at.now, { kind: 'notice', title: out.notices.map((n) => n.text.title).join('；'), body: out.notices.map((n) => n.text.body).join('；') }));
  return out;
}
