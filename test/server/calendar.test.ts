import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../server/cli/check';
import { auditChain } from '../../server/audit/auditChain';
import { replayCase } from '../../server/audit/replayCase';
import { loadProcess } from '../../server/processes';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let admin: Client;
const C = '532326';

/** A review with a deadline of 20 working days: past the built-in calendar's last year, it is approximate. */
const review = {
  id: 'calendar-review', title: '日历测试', caseLevel: 'village',
  roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' }, township_reviewer: { label: '乡镇审核', level: 'township', kind: 'reviewer' } },
  delays: { reviewTime: { duration: 'P20D', workingDays: true, label: '20 个工作日' } },
  forms: {},
  events: { SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre'] }, APPROVE: { label: '同意', kind: 'approve', roles: ['township_reviewer'] } },
  machine: {
    id: 'cr', initial: 'draft',
    states: {
      draft: { meta: { label: '填写', assignee: 'village_cadre' }, on: { SUBMIT: 'review' } },
      review: { meta: { label: '审核', assignee: 'township_reviewer', sla: 'reviewTime' }, on: { APPROVE: 'done' } },
      done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
    },
  },
};

type CaseReply = { case: { id: string; dueAt: string | null; dueApproximate: boolean } };
type ErrorBody = { error: { code: string; details: { path: string; message: string }[] } };
const day = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, C, 'guanli');
  const author = await login(t.app, C, 'xinxi');
  expect((await author.send('PUT', `/api/processes/${review.id}/draft`, review)).json()).toMatchObject({ ok: true });
  expect((await author.send('POST', `/api/processes/${review.id}/publish`, {})).statusCode).toBe(200);
});
afterAll(() => t.close());

describe(`calendars a county maintains as data (${dbKind})`, () => {
  it('a year loaded by the administrator is checked: inside the year, no duplicates, no day both ways, 调休 only on weekends', async () => {
    const bad = async (holidays: string[], workdays: string[]) => {
      const res = await admin.send('PUT', '/api/admin/calendar/2031/national', { holidays, workdays });
      expect(res.statusCode).toBe(400);
      return (res.json() as ErrorBody).error;
    };
    expect((await bad(['2030-12-31'], [])).details[0]!.message).toBe('放假日「2030-12-31」不在 2031 年内');
    expect((await bad(['2031-02-30'], [])).details[0]!.message).toContain('不是有效日期');
    expect((await bad(['2031-01-01', '2031-01-01'], [])).details[0]!.message).toBe('「2031-01-01」重复');
    expect((await bad(['2031-01-04'], ['2031-01-04'])).details[0]!.message).toBe('「2031-01-04」既是放假日又是调休上班日');
    // 2031-01-06 is a Monday: a working day already.
    expect((await bad(['2031-01-01'], ['2031-01-06'])).details[0]).toMatchObject({ path: '/workdays', message: expect.stringContaining('只能是周六或周日') });
    expect((await admin.get('/api/admin/calendar')).json()).toMatchObject({ years: [] });
    // A cadre may not load a calendar.
    const cadre = await login(t.app, C, 'cun');
    expect((await cadre.send('PUT', '/api/admin/calendar/2031/national', { holidays: ['2031-01-01'], workdays: [] })).statusCode).toBe(403);
  });

  it('loading the year an approximate deadline falls in makes it exact, as a step in the case history, and the chain still verifies', async () => {
    const cadre = await login(t.app, C, 'cun');
    const c = (await cadre.send('POST', '/api/cases', { processId: review.id, orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' })).statusCode).toBe(200);
    const before = ((await cadre.get(`/api/cases/${c.id}`)).json() as CaseReply).case;
    expect(before.dueApproximate).toBe(true);
    const due = Date.parse(before.dueAt!);
    const year = Number(day(due).slice(0, 4));
    // The State Council's list for that year: a holiday on a weekday just before the deadline pushes it a day later.
    const holidays: string[] = [];
    for (let d = due - 86_400_000; holidays.length < 3 && day(d) > day(Date.now()); d -= 86_400_000) {
      const weekday = new Date(`${day(d)}T00:00:00Z`).getUTCDay();
      if (day(d).startsWith(String(year)) && weekday !== 0 && weekday !== 6) holidays.push(day(d));
    }
    holidays.push(`${year}-12-31`);
    const status = await cadre.get('/api/calendar/status');
    expect(status.json()).toMatchObject({ lastYear: year - 1 });

    const loaded = await admin.send('PUT', `/api/admin/calendar/${year}/national`, { holidays: [...new Set(holidays)], workdays: [] });
    expect(loaded.statusCode, loaded.body).toBe(200);
    expect(loaded.json()).toMatchObject({ recalculated: 1, status: { lastYear: year } });
    const after = ((await cadre.get(`/api/cases/${c.id}`)).json() as CaseReply).case;
    expect(after.dueApproximate).toBe(false);
    expect(Date.parse(after.dueAt!)).toBeGreaterThan(due);

    const history = (await cadre.get(`/api/cases/${c.id}/history`)).json() as { label: string; actorName: string }[];
    expect(history.at(-1)).toMatchObject({ label: '期限重算', actorName: '孙丽（县信息中心·县管理员）' });
    expect((await t.db.run(C, (k) => auditChain(k, C, {}))).ok).toBe(true);
    const row = await t.db.run(C, (k) => k.selectFrom('cases').select(['snapshot', 'org_path', 'process_version']).where('county_id', '=', C).where('id', '=', c.id).executeTakeFirstOrThrow());
    const p = (await t.db.run(C, (k) => loadProcess(k, C, review.id, row.process_version)))!;
    const replayed = await t.db.run(C, (k) => replayCase(k, C, c.id, p.compiled, row.org_path.split('/')));
    expect(replayed).toEqual(typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot);
    // Loading the same year again changes no case.
    expect((await admin.send('PUT', `/api/admin/calendar/${year}/national`, { holidays: [...new Set(holidays)], workdays: [] })).json()).toMatchObject({ recalculated: 0 });
  });

  it("a county adds its own days on top of the national calendar (楚雄州's 火把节 for 大姚县), recorded in the admin history", async () => {
    const res = await admin.send('PUT', '/api/admin/calendar/2030/local', { holidays: ['2030-07-24', '2030-07-25'], workdays: [] });
    expect(res.statusCode, res.body).toBe(200);
    const all = (await admin.get('/api/admin/calendar')).json() as { years: { year: number; layer: string; holidays: string[] }[] };
    expect(all.years.find((y) => y.year === 2030)).toMatchObject({ layer: 'local', holidays: ['2030-07-24', '2030-07-25'] });
    const history = (await admin.get('/api/admin/history')).json() as { type: string; target: { name: string } }[];
    expect(history[0]).toMatchObject({ type: 'calendar.load', target: { name: '2030 年本地节日' } });
    // A county's own days do not make the national holidays of 2030 known.
    expect(((await admin.get('/api/calendar/status')).json() as { lastYear: number }).lastYear).toBeLessThan(2030);
  });
});

describe('countyflow check reads calendars too', () => {
  it('the shipped calendar passes; a calendar with a repeated day, an impossible date and a weekday 调休 fails, each named', () => {
    const out: string[] = [];
    expect(runCheck([], (l) => out.push(l), () => undefined)).toBe(0);
    expect(out).toContain('✓ definitions/calendars/CN.json');
    const dir = mkdtempSync(join(tmpdir(), 'cf-cal-'));
    mkdirSync(join(dir, 'calendars'));
    writeFileSync(join(dir, 'calendars', 'X.json'), JSON.stringify({ id: 'X', timeZoneOffsetMinutes: 480, holidays: ['2027-01-01', '2027-01-01', '2027-02-30'], workdays: ['2027-01-04'] }));
    const json: string[] = [];
    expect(runCheck(['--json', dir], (l) => json.push(l), () => undefined)).toBe(1);
    const report = JSON.parse(json.join('\n')) as { problems: { code: string; path: string; message: string }[] };
    expect(report.problems.map((p) => [p.code, p.path, p.message])).toEqual([
      ['calendar-invalid', '/holidays', '「2027-01-01」重复'],
      ['calendar-invalid', '/holidays', '放假日「2027-02-30」不是有效日期（应为 YYYY-MM-DD）'],
      ['calendar-invalid', '/workdays', '调休上班日「2027-01-04」是工作日，本来就上班（调休上班日只能是周六或周日）'],
    ]);
  });
});
