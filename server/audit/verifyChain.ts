import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { CHAIN_LANES, type EventBody, GENESIS, laneOf, linkHash } from './chainLink';

/** What re-checking a county's event chain found. */
export interface ChainReport {
  ok: boolean;
  events: number;
  /** The first event that does not fit the chain, if any. */
  broken?: { lane: number; seq: number; caseId: string; reason: string };
}

/** The columns of an event row that disagree with its hashed body, named as history shows them. */
export function columnsDiffering(r: { case_id: string; rev: number; at: Date | string; type: string; actor_id: string; actor_name: string; from_state: string; to_state: string }, body: EventBody): string[] {
  const out: string[] = [];
  if (body.caseId !== r.case_id) out.push('案件');
  if (body.rev !== r.rev) out.push('版本号');
  if (new Date(body.at).getTime() !== new Date(r.at).getTime()) out.push('时间');
  if (body.type !== r.type) out.push('操作');
  if (body.actor?.id !== r.actor_id) out.push('办理人编号');
  if ((body.actor?.name ?? '') !== r.actor_name) out.push('办理人姓名');
  if (body.from !== r.from_state) out.push('原环节');
  if (body.to !== r.to_state) out.push('新环节');
  return out;
}

/** Where a lane's walk starts: its first event (seq 0, GENESIS), or a checkpoint's head of it. */
export interface LaneStart {
  seq: number;
  head: string;
}

/** Walks one lane of the county's chain from `start` and re-computes every link after it. */
async function verifyLane(k: Kysely<Database>, county: string, lane: number, start: LaneStart = { seq: 0, head: GENESIS }): Promise<ChainReport> {
  let prev = start.head;
  let count = start.seq;
  const pageSize = 5000;
  if (start.seq > 0) {
    // The event the walk starts after must still be the one the checkpoint saw.
    const at = await k.selectFrom('case_events').select(['case_id', 'hash']).where('county_id', '=', county).where('lane', '=', lane).where('seq', '=', start.seq).executeTakeFirst();
    if (at?.hash !== start.head) return { ok: false, events: 0, broken: { lane, seq: start.seq, caseId: at?.case_id ?? '', reason: '与检查点的链尾不符' } };
  }
  for (let after = start.seq; ; ) {
    const rows = await k.selectFrom('case_events').select(['seq', 'case_id', 'rev', 'at', 'type', 'actor_id', 'actor_name', 'from_state', 'to_state', 'body', 'prev_hash', 'hash'])
      .where('county_id', '=', county).where('lane', '=', lane).where('seq', '>', after).orderBy('seq').limit(pageSize).execute();
    for (const r of rows) {
      const seq = Number(r.seq);
      const fail = (reason: string): ChainReport => ({ ok: false, events: count, broken: { lane, seq, caseId: r.case_id, reason } });
      if (seq !== count + 1) return fail(`序号不连续：应为 ${count + 1}（记录被删除）`);
      if (r.prev_hash !== prev) return fail('前一条记录的哈希不符（记录被删除或改动）');
      if (r.hash !== linkHash(prev, seq, r.body)) return fail('记录内容与哈希不符（记录被改动）');
      // Every column anyone reads (history shows who, when, from and to) must say what the hashed body says.
      const body = JSON.parse(r.body) as EventBody;
      const differs = columnsDiffering(r, body);
      if (differs.length || laneOf(r.case_id) !== lane) return fail(`记录的${differs.join('、') || '分区'}与已签名的内容不符（记录被改动）`);
      prev = r.hash;
      count++;
    }
    if (rows.length < pageSize) break;
    after = Number(rows.at(-1)!.seq);
  }
  const head = await k.selectFrom('county_chain').select(['seq', 'head']).where('county_id', '=', county).where('lane', '=', lane).executeTakeFirst();
  if (!head || Number(head.seq) !== count || head.head !== prev) {
    return { ok: false, events: count, broken: { lane, seq: count + 1, caseId: '', reason: '链尾与最后一条记录不符（末尾的记录被删除）' } };
  }
  return { ok: true, events: count };
}

/**
 * Re-checks every lane of the county's hash chain; reports the first broken link. With `from`
 * (a checkpoint's lanes), each lane is walked only after the checkpoint's head of it.
 */
export async function verifyChain(k: Kysely<Database>, county: string, from: readonly ({ lane: number } & LaneStart)[] = []): Promise<ChainReport> {
  let events = 0;
  for (let lane = 0; lane < CHAIN_LANES; lane++) {
    const r = await verifyLane(k, county, lane, from.find((l) => l.lane === lane));
    if (!r.ok) return { ...r, events: events + r.events };
    events += r.events;
  }
  return { ok: true, events };
}
