import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app';
import type { Db } from '../../server/db/open';
import { replayCase } from '../../server/audit/replayCase';
import { loadProcess } from '../../server/processes';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { registration } from '../helpers/people';

// Each server remembers the cases it last read or wrote (server/cases/caseCache.ts). Two servers
// on one database: each step one makes must reach the other, whatever the other remembers.
let t: TestApp;
let b: FastifyInstance;
const a = { cadre: {} as Client, county: {} as Client };
const onB = { cadre: {} as Client, township: {} as Client };

beforeAll(async () => {
  t = await createTestApp();
  // The second server: the same database, its own memory of cases (as another process would have).
  const other: Db = { ...t.db };
  b = await buildApp(other, t.config, { logger: false });
  a.cadre = await login(t.app, '532326', 'cun');
  a.county = await login(t.app, '532326', 'banqian');
  onB.cadre = await login(b, '532326', 'cun');
  onB.township = await login(b, '532326', 'xiang');
});
afterAll(async () => {
  await b.close();
  await t.close();
});

const visit = (who: string) => ({ date: '2026-03-05', visitors: who, concerns: '担心搬迁后没有收入', accounts: '务工月收入约 3000 元' });

describe(`two servers on one database (${dbKind})`, () => {
  it('acts on the case as it is, not as one server last saw it', async () => {
    const created = (await a.cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const id = created.id;
    const step = async (c: Client, type: string, data?: unknown, headers?: Record<string, string>) => c.send('POST', `/api/cases/${id}/events`, { type, ...(data ? { data } : {}) }, headers);

    // A remembers the case waiting for the township; B returns it; A's resubmission must see the return.
    expect((await step(a.cadre, 'SUBMIT', registration())).statusCode).toBe(200);
    expect((await step(onB.township, 'RETURN', { reason: '身份证号码有误' })).statusCode).toBe(200);
    const again = await step(a.cadre, 'SUBMIT', { ...registration(), householder: '张改正' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ rev: 4, data: { register: { householder: '张改正' } } });

    // B remembers it returned; it was resubmitted on A; B's township approves what A now holds.
    const approved = await step(onB.township, 'APPROVE');
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ rev: 5 });
    expect((await step(a.county, 'APPROVE')).statusCode).toBe(200);

    // Both servers log visits in turn, without If-Match: none is lost, none answered 409.
    for (const [c, who] of [[a.cadre, '甲一'], [onB.cadre, '乙一'], [a.cadre, '甲二'], [onB.cadre, '乙二']] as const) {
      const r = await step(c, 'LOG_VISIT', visit(who));
      expect(r.statusCode, r.body).toBe(200);
    }
    // If-Match names the revision the user saw (on the other server): accepted on either.
    const seen = ((await onB.cadre.get(`/api/cases/${id}`)).json() as { case: { rev: number } }).case;
    const matched = await step(a.cadre, 'LOG_VISIT', visit('甲三'), { 'if-match': String(seen.rev) });
    expect(matched.statusCode, matched.body).toBe(200);
    // A revision already overtaken is refused on either, with the case as it now is.
    const stale = await step(onB.cadre, 'LOG_VISIT', visit('乙三'), { 'if-match': String(seen.rev) });
    expect(stale.statusCode).toBe(409);

    const final = ((await a.cadre.get(`/api/cases/${id}`)).json() as { case: { rev: number; data: { visits: { visitors: string }[] } } }).case;
    expect(final.rev).toBe(seen.rev + 1);
    expect(final.data.visits.map((v) => v.visitors)).toEqual(['甲一', '乙一', '甲二', '乙二', '甲三']);
    expect((await a.cadre.get(`/api/cases/${id}/history`)).json()).toHaveLength(final.rev);

    // The log still replays to what is stored, and the audit chain verifies.
    const { stored, replayed } = await t.db.run('532326', async (k) => {
      const row = await k.selectFrom('cases').selectAll().where('county_id', '=', '532326').where('id', '=', id).executeTakeFirstOrThrow();
      const p = await loadProcess(k, '532326', row.process_id, row.process_version);
      return { stored: JSON.parse(JSON.stringify(row.snapshot)), replayed: JSON.parse(JSON.stringify(await replayCase(k, '532326', id, p!.compiled, row.org_path.split('/')))) };
    });
    expect(replayed).toEqual(stored);
    expect((await (await login(t.app, '532326', 'jiandu')).get('/api/audit/verify')).json()).toMatchObject({ ok: true });
  });

  /** Waits until a session on a server is refused (at most `ms`); returns how long that took (ms) from `since`. */
  async function refusedAfter(client: Client, since: number, ms: number): Promise<number> {
    await expect.poll(async () => (await client.get('/api/me')).statusCode, { timeout: ms, interval: 20 }).toBe(401);
    return Date.now() - since;
  }

  it("a person deactivated on one server is refused on the other within a second; the step they had claimed is everyone's again", async () => {
    const admin = await login(t.app, '532326', 'guanli');
    const added = (await admin.send('POST', '/api/admin/users', { username: 'liqiang2s', name: '李强', grants: [{ role: 'township_reviewer', unitId: 'jinbi' }] })).json() as { user: { id: string }; oneTimePassword: string };
    const reviewer = await login(b, '532326', 'liqiang2s', added.oneTimePassword);
    expect((await reviewer.send('PUT', '/api/me/password', { current: added.oneTimePassword, next: 'Liqiang-2027-ok' })).statusCode).toBe(204);
    const { id } = (await a.cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    expect((await a.cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: registration() })).statusCode).toBe(200);
    expect((await reviewer.send('POST', `/api/cases/${id}/claim`, {})).statusCode).toBe(200);

    // B holds the reviewer's session in memory; it looks for revocations while A deactivates.
    const since = Date.now();
    const [res, during] = await Promise.all([admin.send('POST', `/api/admin/users/${added.user.id}/deactivate`), reviewer.get('/api/me')]);
    expect(res.json()).toMatchObject({ user: { active: false }, signedOut: 1, released: 1 });
    expect([200, 401]).toContain(during.statusCode);
    const took = await refusedAfter(reviewer, since, 5_000);
    expect(took, 'refused on the other server').not.toBeNull();
    expect(took!).toBeLessThan(1_000);
    // The claimed step went back to the township's pool: a colleague on B approves it.
    expect((await onB.township.send('POST', `/api/cases/${id}/events`, { type: 'APPROVE' })).statusCode).toBe(200);
  });

  it('roles the administrator changes on one server apply on the other within a second, without signing in again', async () => {
    const admin = await login(t.app, '532326', 'guanli');
    const added = (await admin.send('POST', '/api/admin/users', { username: 'zhoumin2s', name: '周敏', grants: [{ role: 'village_cadre', unitId: 'xiaokangyuan' }] })).json() as { user: { id: string }; oneTimePassword: string };
    const person = await login(b, '532326', 'zhoumin2s', added.oneTimePassword);
    expect((await person.send('PUT', '/api/me/password', { current: added.oneTimePassword, next: 'Zhoumin-2027-ok' })).statusCode).toBe(204);
    const roles = async () => ((await person.get('/api/me')).json() as { grants: { role: string }[] }).grants.map((g) => g.role);
    expect(await roles()).toEqual(['village_cadre']);
    const since = Date.now();
    const [edited] = await Promise.all([admin.send('PUT', `/api/admin/users/${added.user.id}`, { name: '周敏', phone: null, grants: [{ role: 'township_reviewer', unitId: 'jinbi' }] }), person.get('/api/me')]);
    expect(edited.statusCode, edited.body).toBe(200);
    await expect.poll(roles, { interval: 20, timeout: 5_000 }).toEqual(['township_reviewer']);
    expect(Date.now() - since).toBeLessThan(1_000);
  });
});
