import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditChain } from '../../server/audit/auditChain';
import type { Checkpoint } from '../../server/audit/checkpoint';
import { linkHash } from '../../server/audit/chainLink';
import { registration } from '../helpers/people';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let cadre: Client;
let reviewer: Client;
let county: Client;
let supervisor: Client;
const C = '532326';

interface Row { lane: number; seq: number; case_id: string; actor_name: string; at: Date | string; to_state: string; body: string; prev_hash: string; hash: string }
interface Report { ok: boolean; broken?: { lane: number; seq: number; caseId: string; reason: string }; checkpoint?: { ok: boolean; problem?: string } }

beforeAll(async () => {
  t = await createTestApp();
  cadre = await login(t.app, C, 'cun');
  reviewer = await login(t.app, C, 'xiang');
  county = await login(t.app, C, 'xinxi');
  supervisor = await login(t.app, C, 'jiandu');
  for (let i = 0; i < 3; i++) {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: registration() });
    await reviewer.send('POST', `/api/cases/${id}/events`, { type: 'RETURN', data: { reason: '请补充家庭成员信息' } });
    await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: registration() });
  }
});
afterAll(() => t.close());

const exec = (q: ReturnType<typeof sql>) => t.db.run(C, (k) => q.execute(k));
/** A lane with at least four events, its rows in order. */
async function busyLane(): Promise<Row[]> {
  const lanes = (await exec(sql`SELECT lane FROM case_events WHERE county_id = ${C} GROUP BY lane HAVING count(*) >= 4 ORDER BY lane LIMIT 1`)).rows as { lane: number }[];
  return (await exec(sql`SELECT lane, seq::int AS seq, case_id, actor_name, at, to_state, body, prev_hash, hash FROM case_events WHERE county_id = ${C} AND lane = ${lanes[0]!.lane} ORDER BY seq`)).rows as Row[];
}
const verify = async () => (await supervisor.get('/api/audit/verify')).json() as Report;

/** Applies a tampering, checks what the audit says, then puts the rows back exactly. */
async function tampered(change: (rows: Row[]) => Promise<void>, check: (r: Report, rows: Row[]) => void | Promise<void>) {
  const rows = await busyLane();
  const heads = (await exec(sql`SELECT lane, seq::int AS seq, head, prev_head FROM county_chain WHERE county_id = ${C} AND lane = ${rows[0]!.lane}`)).rows as { seq: number; head: string; prev_head: string }[];
  await change(rows);
  try {
    await check(await verify(), rows);
  } finally {
    await exec(sql`DELETE FROM case_events WHERE county_id = ${C} AND lane = ${rows[0]!.lane}`);
    for (const r of rows) {
      await exec(sql`INSERT INTO case_events (county_id, lane, seq, case_id, rev, at, actor_id, actor_name, type, from_state, to_state, body, prev_hash, hash)
        SELECT ${C}, ${r.lane}, ${r.seq}, ${r.case_id}, (b->>'rev')::int, ${r.at}, b->'actor'->>'id', ${r.actor_name}, b->>'type', b->>'from', ${r.to_state}, ${r.body}, ${r.prev_hash}, ${r.hash} FROM (SELECT ${r.body}::jsonb AS b) x`);
    }
    await exec(sql`UPDATE county_chain SET seq = ${heads[0]!.seq}, head = ${heads[0]!.head}, prev_head = ${heads[0]!.prev_head} WHERE county_id = ${C} AND lane = ${rows[0]!.lane}`);
    expect((await verify()).ok).toBe(true);
  }
}

/** Rewrites the body of one event and recomputes the whole lane from there: self-consistent, as only a full database rewrite could do. */
async function recomputeFrom(rows: Row[], at: number, body: string) {
  let prev = rows[at]!.prev_hash;
  for (let i = at; i < rows.length; i++) {
    const b = i === at ? body : rows[i]!.body;
    const hash = linkHash(prev, rows[i]!.seq, b);
    await exec(sql`UPDATE case_events SET body = ${b}, prev_hash = ${prev}, hash = ${hash} WHERE county_id = ${C} AND lane = ${rows[i]!.lane} AND seq = ${rows[i]!.seq}`);
    prev = hash;
  }
  await exec(sql`UPDATE county_chain SET head = ${prev} WHERE county_id = ${C} AND lane = ${rows[0]!.lane}`);
}

const forged = (row: Row) => {
  const b = JSON.parse(row.body) as { data?: { householder?: string } };
  return JSON.stringify({ ...b, data: { ...(b.data ?? {}), householder: '王伪造' } });
};

describe(`the audit trail covers what history shows (${dbKind})`, () => {
  it('an edited column anyone reads (who, when, to which step) is reported at that event', async () => {
    for (const [column, value, word] of [['actor_name', '张冒名', '办理人姓名'], ['at', '2020-01-01T00:00:00Z', '时间'], ['to_state', 'stable', '新环节']] as const) {
      await tampered(
        (rows) => exec(sql`UPDATE case_events SET ${sql.ref(column)} = ${value} WHERE county_id = ${C} AND lane = ${rows[2]!.lane} AND seq = ${rows[2]!.seq}`).then(() => undefined),
        (r, rows) => {
          expect(r.ok).toBe(false);
          expect(r.broken).toMatchObject({ lane: rows[2]!.lane, seq: rows[2]!.seq, caseId: rows[2]!.case_id });
          expect(r.broken!.reason).toContain(word);
        },
      );
    }
  });

  it('a deleted and a reordered event are reported where the chain breaks', async () => {
    await tampered(
      (rows) => exec(sql`DELETE FROM case_events WHERE county_id = ${C} AND lane = ${rows[1]!.lane} AND seq = ${rows[1]!.seq}`).then(() => undefined),
      (r, rows) => expect(r.broken).toMatchObject({ lane: rows[1]!.lane, seq: rows[1]!.seq + 1 }),
    );
    await tampered(
      async (rows) => {
        await exec(sql`UPDATE case_events SET seq = -1 WHERE county_id = ${C} AND lane = ${rows[1]!.lane} AND seq = ${rows[1]!.seq}`);
        await exec(sql`UPDATE case_events SET seq = ${rows[1]!.seq} WHERE county_id = ${C} AND lane = ${rows[2]!.lane} AND seq = ${rows[2]!.seq}`);
        await exec(sql`UPDATE case_events SET seq = ${rows[2]!.seq} WHERE county_id = ${C} AND lane = ${rows[1]!.lane} AND seq = -1`);
      },
      (r, rows) => expect(r.broken).toMatchObject({ lane: rows[1]!.lane, seq: rows[1]!.seq }),
    );
  });

  it('a whole chain recomputed after an edit passes on its own, and is caught at the edited event by a signed checkpoint', async () => {
    await tampered(
      (rows) => recomputeFrom(rows, 1, forged(rows[1]!)),
      (r) => expect(r.ok).toBe(true),
    );
    const taken = await county.send('POST', '/api/audit/checkpoint');
    expect(taken.statusCode).toBe(200);
    const cp = taken.json() as Checkpoint;
    expect(cp.events).toBeGreaterThanOrEqual(12);
    expect((await verify()).checkpoint).toMatchObject({ ok: true });
    await tampered(
      (rows) => recomputeFrom(rows, 1, forged(rows[1]!)),
      (r, rows) => {
        expect(r.ok).toBe(false);
        expect(r.broken).toMatchObject({ lane: rows[1]!.lane, seq: rows[1]!.seq, caseId: rows[1]!.case_id });
        expect(r.broken!.reason).toContain('检查点');
      },
    );
    // The auditor's own copy and the county's public key give the same answer outside the server.
    const publicKey = createPublicKey(readFileSync(`${t.config.auditKeyFile}.pub`));
    await tampered(
      (rows) => recomputeFrom(rows, 2, forged(rows[2]!)),
      async (_r, rows) => {
        const report = await t.db.run(C, (k) => auditChain(k, C, { checkpoint: cp, trustedKey: publicKey }));
        expect(report.broken).toMatchObject({ lane: rows[2]!.lane, seq: rows[2]!.seq });
      },
    );
    expect((await t.db.run(C, (k) => auditChain(k, C, { checkpoint: cp, trustedKey: publicKey }))).ok).toBe(true);
    const forgedCp = { ...cp, events: cp.events + 1 };
    const refused = await t.db.run(C, (k) => auditChain(k, C, { checkpoint: forgedCp, trustedKey: publicKey }));
    expect(refused.checkpoint).toMatchObject({ ok: false, problem: expect.stringContaining('签名不对') });
  });

  it('only county-level users take checkpoints; the command line explains itself', async () => {
    expect((await cadre.send('POST', '/api/audit/checkpoint')).statusCode).toBe(403);
    const bin = join(import.meta.dirname, '../../bin/countyflow.mjs');
    const usage = spawnSync(process.execPath, [bin, 'audit', 'verify'], { encoding: 'utf8', timeout: 60_000 });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain('--checkpoint');
  });
});
