import { createHash } from 'node:crypto';
import { type RawBuilder, sql } from 'kysely';
import { canonicalJson } from '../../engine/index';

/**
 * The county's tamper-evident hash chain, in one place: what an event row holds, which lane a case
 * uses, how one link is hashed (in the write statement's SQL and, for checking, here) and where a
 * lane starts. Writing steps and administrative changes, verifying, checkpoints and backups use it.
 */

/** The genesis value of every lane of every county's chain. */
export const GENESIS = '0'.repeat(64);

/**
 * Each county's event log is hash-chained in this many lanes (a case always uses the same
 * lane), so steps of different cases commit in parallel instead of queueing on one head row.
 */
export const CHAIN_LANES = 16;

/** The event row's content; its canonical JSON is what the chain covers. */
export interface EventBody {
  caseId: string;
  rev: number;
  at: string;
  actor: { id: string; name: string };
  type: string;
  data: unknown;
  from: string;
  to: string;
  /** 审批意见: what the person who acted wrote with the decision (absent when nothing was written). */
  comment?: string;
  /** Who could approve a step several decide, when this event was taken (so a replay counts the same). */
  approvers?: string[];
  /** The people of each department of a countersign step (by role) when this event was taken (so a replay counts the same). */
  holders?: Record<string, string[]>;
}

/** The chain lane of a case: a stable hash of its id. */
export function laneOf(caseId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < caseId.length; i++) h = Math.imul(h ^ caseId.charCodeAt(i), 0x01000193) >>> 0;
  return h % CHAIN_LANES;
}

/** The text an event row stores and the chain hashes. */
export const eventText = (event: EventBody): string => canonicalJson(event);

/** The hash of one chain link: sha256(prev ':' seq ':' body), as chainLinkCtes computes it in SQL. */
export const linkHash = (prev: string, seq: number, body: string) => createHash('sha256').update(`${prev}:${seq}:${body}`, 'utf8').digest('hex');

/**
 * The two sub-statements that append one event to its lane of the county's hash chain, given a
 * sub-statement `c` yielding the (id, rev) the event is about (nothing, and nothing is appended):
 * `h` moves the lane's head, `e` writes the event row. `body` is eventText(event).
 */
export function chainLinkCtes(county: string, event: EventBody, body: string): RawBuilder<unknown>[] {
  const lane = laneOf(event.caseId);
  return [
    sql`h AS (
      UPDATE county_chain SET seq = seq + 1, prev_head = head,
        head = encode(sha256(convert_to(head || ':' || (seq + 1)::text || ':' || ${body}, 'UTF8')), 'hex')
      WHERE county_id = ${county} AND lane = ${lane} AND EXISTS (SELECT 1 FROM c)
      RETURNING seq, prev_head, head)`,
    sql`e AS (
      INSERT INTO case_events (county_id, lane, seq, case_id, rev, at, actor_id, actor_name, type, from_state, to_state, body, prev_hash, hash)
      SELECT ${county}, ${lane}, h.seq, c.id, c.rev, ${event.at}::timestamptz, ${event.actor.id}, ${event.actor.name}, ${event.type}, ${event.from}, ${event.to}, ${body}, h.prev_head, h.head
      FROM c, h RETURNING seq)`,
  ];
}
