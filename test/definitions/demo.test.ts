import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoCases } from '../../server/seed/demoCases';
import { createTestApp, dbKind, login, type TestApp } from '../helpers/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await seedDemoCases(t.db, '500102');
  await seedDemoCases(t.db, '621226');
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

  it('leaves relocation cases in many states, some overdue, so the dashboard is not empty', async () => {
    const supervisor = await login(t.app, '621226', 'jiandu');
    const dash = (await supervisor.get('/api/dashboard?processId=relocation')).json() as { total: number; overdue: number; rows: { state: string }[] };
    expect(dash.total).toBe(30);
    expect(new Set(dash.rows.map((r) => r.state)).size).toBeGreaterThanOrEqual(8);
    expect(dash.rows.map((r) => r.state)).toContain('gridCheck');
    expect(dash.overdue).toBeGreaterThan(0);
    expect((await supervisor.get('/api/audit/verify')).json()).toMatchObject({ ok: true });
  });
});
