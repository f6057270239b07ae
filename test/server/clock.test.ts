import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScheduler } from '../../server/timers/fireDueTimers';
import { movableClock } from '../helpers/clock';
import { idNumber } from '../helpers/people';
import { type Client, createTestApp, dbKind, login, type TestApp } from '../helpers/testApp';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const clock = movableClock();
let t: TestApp;
let stopScheduler: () => Promise<void>;

beforeAll(async () => {
  t = await createTestApp({}, { logger: false, clock });
  // The scheduler as `countyflow serve` runs it, on the app's clock.
  stopScheduler = startScheduler(t.db, t.app.clock, 50, () => undefined);
});
afterAll(async () => {
  await stopScheduler();
  await t.close();
});

async function send(who: Client, id: string, type: string, data?: unknown) {
  const res = await who.send('POST', `/api/cases/${id}/events`, data === undefined ? { type } : { type, data });
  expect(res.statusCode, res.body).toBe(200);
}

interface CaseReply { state: unknown; dueAt: string | null; overdue: boolean }
const caseOf = async (who: Client, id: string) => ((await who.get(`/api/cases/${id}`)).json() as { case: CaseReply }).case;

describe(`time moved on a running server (${dbKind})`, () => {
  it('ends a session once the clock passes its hours', async () => {
    const cadre = await login(t.app, '532326', 'cun');
    clock.advance(t.config.sessionHours * HOUR - 60_000);
    expect((await cadre.get('/api/me')).statusCode).toBe(200);
    clock.advance(2 * 60_000);
    const res = await cadre.get('/api/me');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: { code: 'CF_UNAUTHENTICATED' } });
  });

  it('closes the 公示 by its timer when the clock passes 7 days, then shows the review overdue and tells the reviewer', async () => {
    let cadre = await login(t.app, '532326', 'cun');
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'dividend', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await send(cadre, id, 'SUBMIT', { project: '光伏电站收益', source: '股金', amount: 1000, households: [{ name: '钟表户', idNumber: idNumber('532326', '19650101', '801'), shares: 1 }] });
    await send(cadre, id, 'RECORD_MEETING', { heldOn: '2026-06-02', attendees: 31, approved: true });
    expect((await caseOf(cadre, id)).state).toEqual({ publicising: 'running' });

    clock.advance(7 * DAY + 60_000);
    cadre = await login(t.app, '532326', 'cun');
    await expect.poll(async () => (await caseOf(cadre, id)).state, { timeout: 10_000 }).toBe('townshipReview');
    const review = await caseOf(cadre, id);
    expect(review.overdue).toBe(false);

    clock.advance(Date.parse(review.dueAt!) - clock.now().getTime() + 60_000);
    const township = await login(t.app, '532326', 'xiang');
    expect((await caseOf(township, id)).overdue).toBe(true);
    const overdue = (await township.get('/api/cases?processId=dividend&overdue=true')).json() as { items: { id: string }[] };
    expect(overdue.items.map((c) => c.id)).toContain(id);
    const dash = (await township.get('/api/dashboard?processId=dividend')).json() as { rows: { unitId: string; state: string; overdue: number }[] };
    expect(dash.rows.find((r) => r.unitId === 'xiaokangyuan' && r.state === 'townshipReview')?.overdue).toBe(1);
    await expect.poll(async () => ((await township.get('/api/messages')).json() as { items: { caseId: string; kind: string }[] }).items.filter((m) => m.caseId === id).map((m) => m.kind), { timeout: 10_000 })
      .toContain('overdue');
  });
});
