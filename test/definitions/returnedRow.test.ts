import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { definitionsDir } from '../helpers/definitions';

/** 户积分台账 (definitions/examples/household-points.json): the township returns one entry, the village corrects or voids it. */
const points = JSON.parse(readFileSync(join(definitionsDir, 'examples', 'household-points.json'), 'utf8')) as object;

let t: TestApp;
let cadre: Client;
let township: Client;
beforeAll(async () => {
  t = await createTestApp();
  const author = await login(t.app, '532326', 'xinxi');
  [cadre, township] = await Promise.all([login(t.app, '532326', 'cun'), login(t.app, '532326', 'xiang')]);
  expect((await author.send('PUT', '/api/processes/household-points/draft', points)).json()).toMatchObject({ ok: true });
  expect((await author.send('POST', '/api/processes/household-points/publish', {})).statusCode).toBe(200);
});
afterAll(() => t.close());

type Entry = Record<string, unknown> & { _id: number };
interface Detail {
  case: { stateKey: string; status: string; data: { entries: Entry[]; account: { total: number; volunteer: number } } };
  records: { lists: { path: string; rows: Entry[]; columns: { key: string; title: string }[] }[]; picked: { list: string; id: number; by: string; reason?: string }[] };
}

async function send(who: Client, id: string, type: string, data?: unknown) {
  const res = await who.send('POST', `/api/cases/${id}/events`, data === undefined ? { type } : { type, data });
  expect(res.statusCode, `${type}: ${res.body}`).toBe(200);
}
const detail = async (who: Client, id: string) => (await who.get(`/api/cases/${id}`)).json() as Detail;

/** The case's event log, replayed alone, gives the stored snapshot. */
async function replaysTheSame(caseId: string) {
  const { replayCase } = await import('../../server/audit/replayCase');
  const { loadProcess } = await import('../../server/processes');
  const row = await t.db.run('*', (k) => k.selectFrom('cases').select(['snapshot', 'org_path', 'process_version']).where('id', '=', caseId).executeTakeFirstOrThrow());
  const p = (await t.db.run('532326', (k) => loadProcess(k, '532326', 'household-points', row.process_version)))!;
  const replayed = await t.db.run('532326', (k) => replayCase(k, '532326', caseId, p.compiled, row.org_path.split('/')));
  const stored = typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot;
  expect(replayed).toEqual(stored);
  return stored as { context: { data: { entries: Entry[] } } };
}

describe(`a points ledger with a returned row (${dbKind})`, () => {
  it('the township returns one entry, the cadre sees which and corrects it, another is returned and voided; the log replays to the same snapshot', async () => {
    const id = ((await cadre.send('POST', '/api/cases', { processId: 'household-points', orgUnitId: 'xiaokangyuan' })).json() as { id: string }).id;
    await send(cadre, id, 'REGISTER', { name: '周春福' });
    await send(cadre, id, 'EARN', { date: '2026-02-27', kind: '志愿服务', points: 5 });
    await send(cadre, id, 'EARN', { date: '2026-02-28', kind: '环境整治', points: 30, note: '清理河道' });
    await send(cadre, id, 'EARN', { date: '2026-03-01', kind: '志愿服务', points: 8 });
    await send(cadre, id, 'SUBMIT');
    expect((await detail(township, id)).case.data.account).toEqual({ total: 43, volunteer: 13 });

    // A row the list does not have is refused on the field, and nothing changes.
    const wrong = await township.send('POST', `/api/cases/${id}/events`, { type: 'RETURN_ROW', data: { row: 9, reason: '分数有误' } });
    expect(wrong.statusCode).toBe(400);
    expect((wrong.json() as { error: { code: string; details: unknown[] } }).error).toMatchObject({ code: 'CF_INVALID_DATA', details: [{ path: '/row', field: '退回的记录', message: '「退回的记录」须是「积分记录」中的一条：没有第 9 条，或它已作废' }] });
    expect((await detail(township, id)).case.stateKey).toBe('review');

    await send(township, id, 'RETURN_ROW', { row: 2, reason: '清理河道应记 3 分' });
    // The cadre sees which entry came back, and why.
    const back = await detail(cadre, id);
    expect(back.case.stateKey).toBe('fixing');
    expect(back.records.picked).toEqual([{ list: 'entries', id: 2, by: '退回这一条', reason: '清理河道应记 3 分' }]);
    expect(back.records.lists[0]!.rows.map((r) => r._id)).toEqual([1, 2, 3]);
    expect(back.records.lists[0]!.columns.map((c) => c.title)).toEqual(['日期', '事项', '积分', '说明', '登记时间', '登记人', '更正时间', '更正人', '作废时间', '作废人']);

    await send(cadre, id, 'FIX', { date: '2026-02-28', kind: '环境整治', points: 3, note: '清理河道' });
    const fixed = await detail(township, id);
    expect(fixed.case.data.account).toEqual({ total: 16, volunteer: 13 });
    expect(fixed.case.data.entries[1]).toMatchObject({ _id: 2, points: 3, _changedBy: expect.any(String) });
    expect(fixed.records.picked).toEqual([]);

    await send(township, id, 'RETURN_ROW', { row: 3, reason: '与第 1 条重复' });
    await send(cadre, id, 'VOID');
    const voided = await detail(township, id);
    expect(voided.case.data.account).toEqual({ total: 8, volunteer: 5 });
    expect(voided.case.data.entries[2]).toMatchObject({ _id: 3, points: 8, _voidAt: expect.any(String) });
    // A voided entry cannot be returned again.
    const again = await township.send('POST', `/api/cases/${id}/events`, { type: 'RETURN_ROW', data: { row: 3, reason: '再看看' } });
    expect(again.statusCode).toBe(400);

    await send(township, id, 'APPROVE');
    const history = (await cadre.get(`/api/cases/${id}/history`)).json() as { label: string; comment: string | null }[];
    expect(history.map((h) => h.label)).toEqual(['发起', '登记农户', '记积分', '记积分', '记积分', '报送审核', '退回这一条', '更正这一条', '退回这一条', '作废这一条', '审核通过']);
    expect(history[6]!.comment).toBe('清理河道应记 3 分');

    // The original entry stays in the history: the log replays to the stored snapshot, the row as it was first appended among its events.
    const stored = await replaysTheSame(id);
    expect(stored.context.data.entries.map((r) => r._id)).toEqual([1, 2, 3]);
    const log = await t.db.run('532326', (k) => k.selectFrom('case_events').select('body').where('county_id', '=', '532326').where('case_id', '=', id).orderBy('rev').execute());
    expect(log.map((r) => JSON.parse(r.body) as { type: string; data?: unknown }).find((e) => e.type === 'EARN' && (e.data as { points: number }).points === 30)).toBeDefined();
  });
});
