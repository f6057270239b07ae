import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayCase } from '../../server/audit/replayCase';
import { loadProcess } from '../../server/processes';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { registration } from '../helpers/people';

let t: TestApp;
let cadre: Client;
let township: Client;

beforeAll(async () => {
  t = await createTestApp();
  cadre = await login(t.app, '532326', 'cun');
  township = await login(t.app, '532326', 'xiang');
});
afterAll(() => t.close());

async function storedAndReplayed(id: string) {
  return t.db.run('532326', async (k) => {
    const row = await k.selectFrom('cases').selectAll().where('county_id', '=', '532326').where('id', '=', id).executeTakeFirstOrThrow();
    const p = await loadProcess(k, '532326', row.process_id, row.process_version);
    const replayed = await replayCase(k, '532326', id, p!.compiled, row.org_path.split('/'));
    return { stored: JSON.parse(JSON.stringify(row.snapshot)), replayed: JSON.parse(JSON.stringify(replayed)), rev: row.rev };
  });
}

describe(`concurrent writers on one case (${dbKind})`, () => {
  it('lets exactly one of 50 conflicting clients win each revision; the log replays to the stored snapshot', async () => {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    let rev = 1;
    for (let round = 0; round < 3; round++) {
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { ...registration(), householder: `户主${round}-${i}` } }, { 'if-match': String(rev) })));
      const codes = results.map((r) => r.statusCode);
      expect(codes.filter((c) => c === 200)).toHaveLength(1);
      expect(codes.filter((c) => c === 409)).toHaveLength(49);
      rev++;
      const back = await township.send('POST', `/api/cases/${id}/events`, { type: 'RETURN', data: { reason: `第 ${round + 1} 次退回` } }, { 'if-match': String(rev) });
      expect(back.statusCode).toBe(200);
      rev++;
    }
    const { stored, replayed } = await storedAndReplayed(id);
    expect(replayed).toEqual(stored);
    // The county's supervisor verifies the chain (a township may not: the chain is the whole county's).
    expect((await (await login(t.app, '532326', 'jiandu')).get('/api/audit/verify')).json()).toMatchObject({ ok: true });
  });

  it('does a step again when the database cancels it to break a deadlock, and writes it once', async () => {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    // PostgreSQL cancels one statement of a lock cycle with 40P01 and nothing of it is written: the step's own run fails so, once.
    const run = t.db.run;
    let cancelled = 0;
    t.db.run = ((scope, fn) => {
      if (!cancelled && /cachedCase/.test(String(fn))) {
        cancelled++;
        return Promise.reject(Object.assign(new Error('deadlock detected'), { code: '40P01' }));
      }
      return run.call(t.db, scope, fn);
    }) as typeof run;
    try {
      const r = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: registration() }, { 'if-match': '1', 'idempotency-key': `deadlock-${id}` });
      expect(r.statusCode).toBe(200);
      expect(cancelled).toBe(1);
    } finally {
      t.db.run = run;
    }
    const history = (await cadre.get(`/api/cases/${id}/history`)).json() as unknown[];
    expect(history).toHaveLength(2);
    const { stored, replayed, rev } = await storedAndReplayed(id);
    expect(rev).toBe(2);
    expect(replayed).toEqual(stored);
  });

  it('creates no duplicates in a retry storm with idempotency keys', async () => {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const body = { type: 'SUBMIT', data: registration() };
    const results = await Promise.all(Array.from({ length: 30 }, () => cadre.send('POST', `/api/cases/${id}/events`, body, { 'idempotency-key': `storm-${id}`, 'if-match': '1' })));
    expect(results.map((r) => r.statusCode).every((c) => c === 200)).toBe(true);
    expect(new Set(results.map((r) => r.body)).size).toBe(1);
    const history = (await cadre.get(`/api/cases/${id}/history`)).json() as unknown[];
    expect(history).toHaveLength(2);
    const { stored, replayed, rev } = await storedAndReplayed(id);
    expect(rev).toBe(2);
    expect(replayed).toEqual(stored);
  });
});
