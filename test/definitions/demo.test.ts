import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCases } from '../../server/seed/demoCases';
import { createTestApp, dbKind, login, type TestApp } from '../helpers/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const now = t.app.clock.now();
  await seedDemoCases(t.db, '500102', now);
  await seedDemoCases(t.db, '621226', now);
  await seedDemoCases(t.db, '140525', now);
});
afterAll(() => t.close());

describe(`demo data, played through the engine (${dbKind})`, () => {
  it('pays 义和镇\'s 122 households (326 people) 83,000 yuan exactly, every receipt signed', async () => {
    const supervisor = await login(t.app, '500102', 'jiandu');
    const list = (await supervisor.get('/api/cases?processId=dividend')).json() as { items: { id: string; status: string; data: { plan: { amount: number; households: { people: number; amountFen: number }[] } } }[] };
    const yihe = list.items[0]!;
    expect(yihe.status).toBe('done');
    const households = yihe.data.plan.households;
    expect(households).toHaveLength(122);
    expect(households.reduce((a, h) => a + h.people, 0)).toBe(326);
    expect(households.reduce((a, h) => a + h.amountFen, 0)).toBe(8_300_000);
    const receipts = (await supervisor.get('/api/cases?processId=dividend-receipt&status=done&pageSize=1')).json() as { total: number };
    expect(receipts.total).toBe(122);
  });

  it('a household\'s receipt, which receives its name and ID number from the dividend, shows the ID number masked to the supervisor, as the dividend\'s own roster does', async () => {
    const supervisor = await login(t.app, '500102', 'jiandu');
    const receipts = (await supervisor.get('/api/cases?processId=dividend-receipt&pageSize=5')).json() as { items: { data: { idNumber?: string; amountFen?: number } }[] };
    expect(receipts.items).toHaveLength(5);
    for (const r of receipts.items) {
      expect(r.data.idNumber).toMatch(/^\d{6}\*{8}\d{3}[\dX]$/);
      expect(r.data.amountFen).toBeGreaterThan(0);
    }
  });

  it('leaves relocation cases in many states, some overdue, so the dashboard is not empty', async () => {
    const supervisor = await login(t.app, '621226', 'jiandu');
    const dash = (await supervisor.get('/api/dashboard?processId=relocation')).json() as { total: number; overdue: number; rows: { state: string }[] };
    expect(dash.total).toBe(30);
    expect(new Set(dash.rows.map((r) => r.state)).size).toBeGreaterThanOrEqual(8);
    expect(dash.rows.map((r) => r.state)).toContain('gridCheck');
    expect(dash.overdue).toBeGreaterThan(0);
    expect((await supervisor.get('/api/audit/verify')).json()).toMatchObject({ ok: true });
  });

  it('泽州县 has 会签 and 转办 to try: 南村\'s 村两委 (two people in one role) countersign the dividend plan, and 南村镇\'s two reviewers may hand a case to each other', async () => {
    const supervisor = await login(t.app, '140525', 'jiandu');
    type Listed = { items: { id: string; stateKey: string }[] };
    const cases = ((await supervisor.get('/api/cases?processId=dividend&sort=created')).json() as Listed).items;
    const detail = async (id: string) => (await supervisor.get(`/api/cases/${id}`)).json() as { ballot: { mode: string; needed: number; approved: string[]; waiting: string[] } | null };
    // Waiting for both members, then for the second; a third passed the 会签 with both approvals recorded.
    const atCommittee = cases.filter((c) => c.stateKey === 'committee');
    expect(atCommittee).toHaveLength(2);
    expect((await detail(atCommittee[0]!.id)).ballot).toEqual({ label: '村两委会签', mode: 'all', needed: 2, approved: [], waiting: ['郭建军（南村党支部书记·村两委）', '王秀英（南村村委会主任·村两委）'] });
    expect((await detail(atCommittee[1]!.id)).ballot).toMatchObject({ approved: ['郭建军（南村党支部书记·村两委）'], waiting: ['王秀英（南村村委会主任·村两委）'] });
    const passed = cases.find((c) => c.stateKey === 'voting')!;
    const history = (await supervisor.get(`/api/cases/${passed.id}/history`)).json() as { label: string; actorName: string }[];
    expect(history.filter((h) => h.label === '同意方案').map((h) => h.actorName)).toEqual(['郭建军（南村党支部书记·村两委）', '王秀英（南村村委会主任·村两委）']);

    // 转办: the township reviewer hands the case waiting at 乡镇审核 to the colleague holding the same role.
    const reviewer = await login(t.app, '140525', 'xiang');
    const waiting = ((await reviewer.get('/api/tasks?processId=dividend')).json() as Listed).items.find((c) => c.stateKey === 'townshipReview')!;
    const colleagues = ((await reviewer.get(`/api/cases/${waiting.id}`)).json() as { transferTo: { id: string; name: string }[] }).transferTo;
    expect(colleagues.map((p) => p.name)).toEqual(['李娜（南村镇审核）']);
    expect((await reviewer.send('POST', `/api/cases/${waiting.id}/transfer`, { to: colleagues[0]!.id, comment: '请李娜同志审核' })).statusCode).toBe(200);
    const colleague = await login(t.app, '140525', 'xiang3');
    expect(((await colleague.get('/api/tasks?processId=dividend')).json() as Listed).items.map((c) => c.id)).toContain(waiting.id);
  });
});
