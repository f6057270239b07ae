import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDueTimers } from '../../server/timers/fireDueTimers';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { idNumber, registration } from '../helpers/people';

let t: TestApp;
const DAY = 86_400_000;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function send(who: Client, id: string, type: string, data?: unknown) {
  const res = await who.send('POST', `/api/cases/${id}/events`, data === undefined ? { type } : { type, data });
  expect(res.statusCode, `${type}: ${res.body}`).toBe(200);
  return res.json() as { state: unknown; status: string; outcome: string | null; data: Record<string, unknown> };
}
const start = async (who: Client, processId: string, orgUnitId: string) => ((await who.send('POST', '/api/cases', { processId, orgUnitId })).json() as { id: string }).id;

describe(`relocation scenarios (${dbKind})`, () => {
  it('runs a household from registration to 稳定脱贫, and marks the move-in deadline when it passes', async () => {
    const [cadre, township, county] = await Promise.all([login(t.app, '532326', 'cun'), login(t.app, '532326', 'xiang'), login(t.app, '532326', 'banqian')]);
    const id = await start(cadre, 'relocation', 'xiaokangyuan');
    await send(cadre, id, 'SUBMIT', { ...registration(), originTownship: '石羊镇' });
    await send(township, id, 'APPROVE');
    await send(county, id, 'APPROVE');
    await send(cadre, id, 'LOG_VISIT', { date: '2026-03-05', visitors: '村支书、老党员', concerns: '担心没有收入', accounts: '务工每月约 2500 元', willing: true });
    await send(cadre, id, 'SIGN', { signedOn: '2026-03-06', agreementNo: 'DY-2026-0001' });
    await send(cadre, id, 'SUBMIT', { site: '小康苑', building: '3', unit: '2-301', area: 80 });
    await fireDueTimers(t.db, new Date(Date.now() + 61 * DAY));
    const late = (await cadre.get(`/api/cases/${id}`)).json() as { case: { state: string }; steps: { label: string }[] };
    expect(late.case.state).toBe('movingLate');
    expect(late.steps[0]!.label).toBe('搬迁入住（已超期）');
    // The definition's notify reaches the township's and the county office's message centres.
    for (const who of [township, county]) {
      const messages = ((await who.get('/api/messages')).json() as { items: { caseId: string; kind: string; body: string }[] }).items;
      expect(messages.filter((m) => m.caseId === id && m.kind === 'notice').map((m) => m.body)).toEqual(['易地扶贫搬迁动员 · 签约已满 60 天仍未搬迁入住']);
    }
    await send(cadre, id, 'SUBMIT', { movedOn: '2026-05-20' });
    await send(cadre, id, 'SUBMIT', { demolishedOn: '2026-06-01', reclaimedMu: 0.8 });
    await send(cadre, id, 'SUBMIT', { measure: '扶贫车间带贫', labour: '需培训', detail: '安置点扶贫车间缝纫岗' });
    await send(cadre, id, 'SUBMIT', { date: '2026-09-01', income: 2600 });
    const done = await send(township, id, 'JUDGE_STABLE');
    expect(done).toMatchObject({ status: 'done', outcome: 'completed', state: 'stable' });
  });

  it('礼县: the 网格长 checks a registration before the township sees it', async () => {
    const [cadre, grid, township] = await Promise.all([login(t.app, '621226', 'cun'), login(t.app, '621226', 'wangge'), login(t.app, '621226', 'xiang')]);
    const id = await start(cadre, 'relocation', 'xinghua');
    expect((await send(cadre, id, 'SUBMIT', { ...registration(), gridName: '第一网格', partyFirst: true })).state).toBe('gridCheck');
    const early = await township.send('POST', `/api/cases/${id}/events`, { type: 'APPROVE' });
    expect(early.statusCode).toBe(422);
    expect((await send(grid, id, 'GRID_CONFIRM')).state).toBe('townshipReview');
  });

  it('砚山县: employment is recorded as one of Yanshan\'s six income channels', async () => {
    const defn = (await (await login(t.app, '532622', 'cun')).get('/api/processes/relocation')).json() as { definition: { forms: { employment: { schema: { properties: { measure: { enum: string[] } } } } } } };
    expect(defn.definition.forms.employment.schema.properties.measure.enum).toEqual(['外出务工', '就近务工', '发展产业', '生态补偿', '个体经商', '扶贫车间务工']);
  });
});

describe(`branch standardisation scenarios (${dbKind})`, () => {
  const assessment = (themeDays: number) => ({
    year: 2026,
    organisation: { committeeComplete: true, committeeMembers: 5, secretaryName: '罗永福', electedOnTime: true },
    team: { partyMembers: 38, reserveCadres: 3, vanguardTeam: true },
    activities: { memberMeetings: 4, committeeMeetings: 12, groupMeetings: 12, partyLessons: 4, themeDays, studyEducation: true },
    rules: { rulesPosted: true, recordsComplete: true, duesOnTime: true },
    support: { venue: true, venueArea: 120, fundsYuan: 8000 },
  });

  it('scores the self-assessment, loops through rectification, then accepts', async () => {
    const [secretary, party, org] = await Promise.all([login(t.app, '532326', 'zhibu'), login(t.app, '532326', 'dangwei'), login(t.app, '532326', 'zuzhibu')]);
    const id = await start(secretary, 'branch-standard', 'xky-branch');
    const submitted = await send(secretary, id, 'SUBMIT', assessment(8));
    expect((submitted.data.scores as { self: number }).self).toBe(90);
    await send(party, id, 'SCORE', { score: 85, weak: false, comment: '主题党日次数不足' });
    expect((await send(org, id, 'RECTIFY', { items: ['每月开展主题党日'] })).state).toBe('rectifying');
    expect((await send(secretary, id, 'SUBMIT', { done: '已补开主题党日 4 次' })).state).toBe('townshipReview');
    await send(party, id, 'SCORE', { score: 95, weak: false });
    expect(await send(org, id, 'ACCEPT')).toMatchObject({ status: 'done', state: 'standard' });
  });

  it('tracks a branch found 软弱涣散 until it is turned around', async () => {
    const [secretary, party, org] = await Promise.all([login(t.app, '532326', 'zhibu'), login(t.app, '532326', 'dangwei'), login(t.app, '532326', 'zuzhibu')]);
    const id = await start(secretary, 'branch-standard', 'xky-branch');
    await send(secretary, id, 'SUBMIT', assessment(12));
    await send(party, id, 'SCORE', { score: 60, weak: true, comment: '班子不团结' });
    expect((await send(org, id, 'ACCEPT')).state).toBe('tracking');
    const tooSoon = await org.send('POST', `/api/cases/${id}/events`, { type: 'TURNED_AROUND' });
    expect(tooSoon.json().error.code).toBe('CF_CONDITION_NOT_MET');
    await send(party, id, 'LOG_PROGRESS', { date: '2026-05-01', note: '调整支部书记，选派第一书记' });
    expect((await send(org, id, 'TURNED_AROUND')).state).toBe('standard');
  });

  it('keeps another county\'s organisation department out', async () => {
    const secretary = await login(t.app, '532326', 'zhibu');
    const id = await start(secretary, 'branch-standard', 'xky-branch');
    const other = await login(t.app, '500102', 'zuzhibu');
    expect((await other.get(`/api/cases/${id}`)).statusCode).toBe(404);
  });
});

describe(`dividend scenarios (${dbKind})`, () => {
  it('splits odd totals over rosters of odd sizes to the exact fen', async () => {
    const cadre = await login(t.app, '500102', 'cun');
    for (const [n, amount] of [[1, 0.01], [3, 1000.03], [7, 99999.99], [13, 83000], [122, 83000]] as const) {
      const id = await start(cadre, 'dividend', 'hefeng');
      const households = Array.from({ length: n }, (_, i) => ({ name: `农户${i + 1}`, idNumber: idNumber('500102', '19700101', String(100 + i)), shares: 1 + (i % 3), kind: '建档立卡贫困户' }));
      const r = await send(cadre, id, 'SUBMIT', { project: '股权量化收益', amount, households });
      const rows = (r.data.plan as { households: { amountFen: number }[] }).households;
      expect(rows.reduce((a, h) => a + h.amountFen, 0)).toBe(Math.round(amount * 100));
    }
  });
});
