import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditChain } from '../../server/audit/auditChain';
import { countyVerifier } from '../../server/audit/countyVerifier';
import { mayVerifyAudit } from '../../server/rights';
import { actor, registration } from '../helpers/people';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let cadre: Client;
let supervisor: Client;
const C = '532326';

interface Report { ok: boolean; events: number; since?: string; broken?: { lane: number; seq: number; reason: string }; checkpoint?: { ok: boolean; at: string } }

beforeAll(async () => {
  t = await createTestApp();
  cadre = await login(t.app, C, 'cun');
  supervisor = await login(t.app, C, 'jiandu');
  await newCase();
});
afterAll(() => t.close());

async function newCase(): Promise<void> {
  const { id } = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
  expect((await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: registration() })).statusCode).toBe(200);
}
const verify = async (who = supervisor) => {
  const res = await who.get('/api/audit/verify');
  expect(res.statusCode).toBe(200);
  return res.json() as Report;
};
const exec = (q: ReturnType<typeof sql>) => t.db.run(C, (k) => q.execute(k));
const newestEvent = async () => (await exec(sql`SELECT lane, seq::int AS seq, actor_name FROM case_events WHERE county_id = ${C} ORDER BY at DESC, seq DESC LIMIT 1`)).rows[0] as { lane: number; seq: number; actor_name: string };
const setActorName = (e: { lane: number; seq: number }, name: string) => exec(sql`UPDATE case_events SET actor_name = ${name} WHERE county_id = ${C} AND lane = ${e.lane} AND seq = ${e.seq}`);

describe(`/api/audit/verify is not a denial of service (${dbKind})`, () => {
  it('only county-level supervisors, auditors and administrators may verify', async () => {
    for (const username of ['cun', 'xiang', 'xinxi']) {
      const res = await (await login(t.app, C, username)).get('/api/audit/verify');
      expect(res.statusCode, username).toBe(403);
      expect((res.json() as { error: { code: string; message: string } }).error).toMatchObject({ code: 'CF_FORBIDDEN', message: expect.stringContaining('监督、审计或管理') });
    }
    expect((await verify()).ok).toBe(true);
    expect(['supervisor', 'auditor', 'admin'].map((role) => mayVerifyAudit(actor('u', role, [C], 'county')))).toEqual([true, true, true]);
    // Held below the county, a role does not cover the county's whole chain.
    expect(mayVerifyAudit(actor('u', 'supervisor', [C, 'jinbi'], 'township'))).toBe(false);
  });

  it('a county verifies once at a time: callers at the same moment share one check of the chain', async () => {
    // The verifier the route uses, called as five requests reaching it at once would: all before the first walk ends.
    // (Through HTTP, a loaded machine can let one request's whole check finish before the fifth arrives.)
    const verifyCounty = countyVerifier({ checkpointDir: t.config.checkpointDir, auditKeyFile: t.config.auditKeyFile });
    let walks = 0;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const counting = { ...t.db, run: (async (county: string, fn: never) => {
      if (county === C) walks++;
      await held;
      return t.db.run(county, fn);
    }) as typeof t.db.run };
    const calls = Array.from({ length: 5 }, () => verifyCounty(counting, C));
    release();
    const reports = await Promise.all(calls);
    expect(reports.every((r) => r.ok && r.events === reports[0]!.events && r.events > 0)).toBe(true);
    expect(walks).toBe(1);
    // Once it is done, the next call checks again.
    await verifyCounty(counting, C);
    expect(walks).toBe(2);
    // The route answers with that verifier's report.
    expect(await verify()).toMatchObject({ ok: true, events: reports[0]!.events });
  });

  it('verifies from the last verified checkpoint forward; the command line keeps the full check', async () => {
    const county = await login(t.app, C, 'xinxi');
    expect((await county.send('POST', '/api/audit/checkpoint')).statusCode).toBe(200);
    const full = await verify();
    expect(full).toMatchObject({ ok: true, checkpoint: { ok: true } });
    expect(full.since).toBeUndefined();
    const before = await newestEvent();

    await newCase();
    const forward = await verify();
    expect(forward).toMatchObject({ ok: true, since: full.checkpoint!.at });
    const total = (await exec(sql`SELECT count(*)::int AS n FROM case_events WHERE county_id = ${C}`)).rows[0] as { n: number };
    expect(forward.events).toBe(total.n);
    expect(forward.events).toBeGreaterThan(full.events);

    // An event after the checkpoint edited: found at that event.
    const after = await newestEvent();
    await setActorName(after, '张冒名');
    const caught = await verify();
    expect(caught).toMatchObject({ ok: false, broken: { lane: after.lane, seq: after.seq } });
    await setActorName(after, after.actor_name);
    expect((await verify()).ok).toBe(true);

    // A column edited before the checkpoint is not looked at by the forward walk; the full check (countyflow audit verify) still finds it.
    await verify();
    await setActorName(before, '李冒名');
    expect(await verify()).toMatchObject({ ok: true, since: full.checkpoint!.at });
    const cli = await t.db.run(C, (k) => auditChain(k, C, { checkpointDir: t.config.checkpointDir, auditKeyFile: t.config.auditKeyFile }));
    expect(cli).toMatchObject({ ok: false, broken: { lane: before.lane, seq: before.seq } });
    await setActorName(before, before.actor_name);
  });
});
