import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDueTimers } from '../../server/timers/fireDueTimers';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { idNumber } from '../helpers/people';

let t: TestApp;
let cadre: Client;
let township: Client;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  cadre = await login(t.app, '532326', 'cun');
  township = await login(t.app, '532326', 'xiang');
});
afterAll(() => t.close());

const plan = (n: number, amount: number) => ({
  project: '光伏电站收益', source: '股金', amount,
  households: Array.from({ length: n }, (_, i) => ({ name: `农户${i + 1}`, idNumber: idNumber('532326', '19650101', String(200 + i)), shares: 1 + (i % 4) })),
});

async function send(who: Client, id: string, type: string, data?: unknown) {
  const res = await who.send('POST', `/api/cases/${id}/events`, data === undefined ? { type } : { type, data });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { state: unknown; rev: number; status: string; data: Record<string, unknown> };
}

async function dividendInNotice(n = 3, amount = 1000) {
  const c = (await cadre.send('POST', '/api/cases', { processId: 'dividend', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
  await send(cadre, c.id, 'SUBMIT', plan(n, amount));
  await send(cadre, c.id, 'RECORD_MEETING', { heldOn: '2026-06-02', attendees: 31, approved: true });
  return c.id;
}

const getCase = async (who: Client, id: string) => ((await who.get(`/api/cases/${id}`)).json() as { case: { state: unknown; status: string; rev: number } }).case;

describe(`durable timers (${dbKind})`, () => {
  it('closes the 公示 by itself after 7 days, once, even when asked twice', async () => {
    const id = await dividendInNotice();
    expect(await fireDueTimers(t.db, new Date(Date.now() + 6 * DAY))).toBe(0);
    expect((await getCase(cadre, id)).state).toEqual({ publicising: 'running' });
    const later = new Date(Date.now() + 7 * DAY + 60_000);
    expect(await fireDueTimers(t.db, later)).toBeGreaterThanOrEqual(1);
    expect((await getCase(cadre, id)).state).toBe('townshipReview');
    const rev = (await getCase(cadre, id)).rev;
    await fireDueTimers(t.db, later);
    expect((await getCase(cadre, id)).rev).toBe(rev);
    const history = (await cadre.get(`/api/cases/${id}/history`)).json() as { label: string }[];
    expect(history.filter((h) => h.label === '时限到期')).toHaveLength(1);
  });

  it('keeps the notice open past 7 days while an objection is unresolved', async () => {
    const id = await dividendInNotice();
    await send(township, id, 'OBJECT', { raisedBy: '王老五', content: '我家人口登记少了一人' });
    await fireDueTimers(t.db, new Date(Date.now() + 8 * DAY));
    expect((await getCase(cadre, id)).state).toEqual({ publicising: 'lateObjection' });
    expect((await send(cadre, id, 'RESOLVE', { result: '核实更正，重新公示' })).state).toBe('townshipReview');
  });

  it('shows a passed deadline as overdue, in the case and in the dashboard', async () => {
    const id = await dividendInNotice();
    await fireDueTimers(t.db, new Date(Date.now() + 8 * DAY));
    const byTown = (await township.get(`/api/cases?processId=dividend&overdue=true`)).json() as { items: { id: string }[] };
    expect(byTown.items.map((i) => i.id)).not.toContain(id); // due in 5 working days: not yet
    await t.db.run('*', (k) => k.updateTable('cases').set({ due_at: new Date(Date.now() - 60_000) }).where('id', '=', id).execute());
    const overdue = (await township.get(`/api/cases?processId=dividend&overdue=true`)).json() as { items: { id: string; overdue: boolean }[] };
    expect(overdue.items.find((i) => i.id === id)?.overdue).toBe(true);
    const dash = (await township.get('/api/dashboard?processId=dividend')).json() as { overdue: number; rows: { unitId: string; state: string; overdue: number }[] };
    expect(dash.rows.find((r) => r.unitId === 'xiaokangyuan' && r.state === 'townshipReview')!.overdue).toBeGreaterThanOrEqual(1);
  });

  it('spawns a receipt case per household and finishes the distribution when the last is signed', async () => {
    const id = await dividendInNotice(3, 999.99);
    await fireDueTimers(t.db, new Date(Date.now() + 8 * DAY));
    await send(township, id, 'APPROVE');
    await send(cadre, id, 'PAY', { paidOn: '2026-06-20', method: '银行代发（一卡通）' });
    const children = (await cadre.get('/api/cases?processId=dividend-receipt&pageSize=100')).json() as { items: { id: string; parentId: string; data: { amountFen: number } }[] };
    const mine = children.items.filter((c) => c.parentId === id);
    expect(mine).toHaveLength(3);
    expect(mine.reduce((a, c) => a + c.data.amountFen, 0)).toBe(99999);
    for (const child of mine) await send(cadre, child.id, 'CONFIRM', { received: true, signedOn: '2026-06-21' });
    expect((await getCase(cadre, id)).status).toBe('active');
    await fireDueTimers(t.db, new Date(Date.now() + 1000));
    expect(await getCase(cadre, id)).toMatchObject({ status: 'done', state: 'done' });
  });
});
