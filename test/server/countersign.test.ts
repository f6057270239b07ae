import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Definition } from '../../engine/types';
import { definitionsDir } from '../helpers/definitions';
import { type Client, createTestApp, dbKind, login, type TestApp } from '../helpers/testApp';

/** The shipped two-bureau countersign: 县住建局 (one signature) then 县财政局 (both of its people) on a housing subsidy. */
const inOrder = JSON.parse(readFileSync(join(definitionsDir, 'examples', 'housing-subsidy.json'), 'utf8')) as Definition;
const inParallel = (() => {
  const d = structuredClone(inOrder);
  d.id = 'housing-subsidy-together';
  d.machine.states.jointReview!.meta!.countersign!.order = 'parallel';
  return d;
})();

let t: TestApp;
let author: Client;
let cadre: Client;
let township: Client;
/** The bureaus' people: one at 住建局, two at 财政局, all at the county; one more holding the 住建局 role at a township (not the county bureau). */
const people: Record<string, Client> = {};

type Page = {
  case: { stateKey: string; status: string };
  events: { type: string }[];
  countersign: { label: string; order: string; departments: { label: string; mode: string; status: string; needed: number; signed: string[]; waiting: string[] }[] } | null;
};
type Tasks = { total: number; items: { id: string; holder?: string }[] };
type Messages = { items: { caseId: string; kind: string; title: string; body: string }[] };

async function addPerson(admin: Client, username: string, role: string, unitId: string): Promise<Client> {
  const res = await admin.send('POST', '/api/admin/users', { username, name: `${username}同志`, phone: null, grants: [{ role, unitId }] });
  expect(res.statusCode, res.body).toBe(201);
  const oneTime = (res.json() as { oneTimePassword: string }).oneTimePassword;
  const first = await login(t.app, '532326', username, oneTime);
  expect((await first.send('PUT', '/api/me/password', { current: oneTime, next: 'Lianshen-2027-ok' })).statusCode).toBe(204);
  return first;
}

beforeAll(async () => {
  t = await createTestApp();
  author = await login(t.app, '532326', 'xinxi');
  cadre = await login(t.app, '532326', 'cun');
  township = await login(t.app, '532326', 'xiang');
  // Before anyone in the county works at the bureaus, the countersign could never be signed: publishing is refused, naming the department.
  expect((await author.send('PUT', '/api/processes/housing-subsidy/draft', inOrder)).statusCode).toBe(200);
  const refused = await author.send('POST', '/api/processes/housing-subsidy/publish', {});
  expect(refused.statusCode).toBe(422);
  expect((refused.json() as { error: { details: { path: string; message: string }[] } }).error.details).toContainEqual({
    path: '/machine/states/jointReview/meta/countersign/departments/0/role',
    message: '「县住建局、县财政局联审」的联审中「县住建局」没有人能审批：本县没有人担任角色「县住建局」，案件会一直停在这一步',
  });
  const admin = await login(t.app, '532326', 'guanli');
  people.zhu = await addPerson(admin, 'zhujian1', 'housing_bureau', '532326');
  people.cai1 = await addPerson(admin, 'caizheng1', 'finance_bureau', '532326');
  people.cai2 = await addPerson(admin, 'caizheng2', 'finance_bureau', '532326');
  people.zhuTownship = await addPerson(admin, 'zhujianzhan', 'housing_bureau', 'jinbi');
  for (const d of [inOrder, inParallel]) {
    expect((await author.send('PUT', `/api/processes/${d.id}/draft`, d)).statusCode).toBe(200);
    expect((await author.send('POST', `/api/processes/${d.id}/publish`, {})).statusCode).toBe(200);
  }
});
afterAll(() => t.close());

/** A case of the process brought to the two bureaus: the village applies, the township agrees. */
async function atJointReview(processId: string): Promise<string> {
  const c = (await cadre.send('POST', '/api/cases', { processId, orgUnitId: 'xiaokangyuan' })).json() as { id: string };
  expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: { householder: '王德顺', grade: 'D级', amount: 35000 } })).statusCode).toBe(200);
  expect((await township.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE', comment: '情况属实' })).json()).toMatchObject({ stateKey: 'jointReview' });
  return c.id;
}

const inInbox = async (who: Client, id: string) => ((await who.get('/api/tasks?pageSize=100')).json() as Tasks).items.some((i) => i.id === id);
const decide = (who: Client, id: string, type: string, comment?: string) => who.send('POST', `/api/cases/${id}/events`, { type, ...(comment ? { comment } : {}) });
const page = async (id: string) => (await cadre.get(`/api/cases/${id}`)).json() as Page;

/** The case's event log, replayed alone, gives the stored snapshot. */
async function replaysTheSame(caseId: string) {
  const { replayCase } = await import('../../server/audit/replayCase');
  const { loadProcess } = await import('../../server/processes');
  const row = await t.db.run('*', (k) => k.selectFrom('cases').select(['snapshot', 'org_path', 'process_id', 'process_version']).where('id', '=', caseId).executeTakeFirstOrThrow());
  const p = (await t.db.run('532326', (k) => loadProcess(k, '532326', row.process_id, row.process_version)))!;
  const replayed = await t.db.run('532326', (k) => replayCase(k, '532326', caseId, p.compiled, row.org_path.split('/')));
  expect(replayed).toEqual(typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot);
}

describe(`联审 by 县住建局 then 县财政局 through the API (${dbKind})`, () => {
  it('each bureau finds the case in its inbox when its turn comes and is told; the case page shows who has signed and who is awaited; the log replays to the same', async () => {
    const id = await atJointReview('housing-subsidy');
    expect(await inInbox(people.zhu!, id)).toBe(true);
    expect(await inInbox(people.cai1!, id)).toBe(false);
    expect(((await people.cai1!.get('/api/tasks')).json() as Tasks).total).toBe(0);
    // The role held at a township is not the county bureau the department names.
    expect(await inInbox(people.zhuTownship!, id)).toBe(false);
    expect(await inInbox(township, id)).toBe(false);
    expect(((await people.zhu!.get('/api/tasks?pageSize=100')).json() as Tasks).items.find((i) => i.id === id)?.holder).toBe('县住建局');
    expect((await page(id)).countersign).toEqual({
      label: '县住建局、县财政局联审', order: 'sequential',
      departments: [
        { label: '县住建局', mode: 'any', status: 'due', needed: 1, signed: [], waiting: ['zhujian1同志'] },
        { label: '县财政局', mode: 'all', status: 'later', needed: 2, signed: [], waiting: ['caizheng1同志', 'caizheng2同志'] },
      ],
    });

    const early = await decide(people.cai1!, id, 'APPROVE');
    expect(early.statusCode).toBe(409);
    expect((early.json() as { error: { code: string; message: string } }).error).toMatchObject({ code: 'CF_NOT_YOUR_TURN', message: '还没轮到「县财政局」：请等「县住建局」审批后再办理' });
    expect((await decide(township, id, 'APPROVE')).statusCode).toBe(403);
    expect((await decide(people.zhuTownship!, id, 'APPROVE')).statusCode).toBe(403);
    expect(((await page(id)).countersign?.departments.map((d) => d.signed))).toEqual([[], []]);

    expect((await decide(people.zhu!, id, 'APPROVE', '房屋鉴定为 D 级')).json()).toMatchObject({ stateKey: 'jointReview', status: 'active' });
    expect(await inInbox(people.zhu!, id)).toBe(false);
    expect(((await people.cai1!.get('/api/tasks')).json() as Tasks).total).toBe(1);
    for (const cai of [people.cai1!, people.cai2!]) {
      expect(await inInbox(cai, id)).toBe(true);
      expect(((await cai.get('/api/messages')).json() as Messages).items.filter((m) => m.caseId === id).map((m) => m.kind)).toEqual(['task']);
    }
    expect(((await people.cai1!.get(`/api/cases/${id}`)).json() as Page).events.map((e) => e.type)).toEqual(['APPROVE', 'RETURN']);
    // A deadline near: those awaited hear of it, not the bureau that has signed.
    const { alertDeadlines } = await import('../../server/messages/deadlineAlerts');
    await alertDeadlines(t.db, new Date(), 8 * 86_400_000, 1000);
    const dueSoon = async (who: Client) => ((await who.get('/api/messages')).json() as Messages).items.filter((m) => m.caseId === id && m.kind === 'due_soon').map((m) => m.body);
    expect(await dueSoon(people.cai1!)).toEqual([expect.stringContaining('县住建局、县财政局联审')]);
    expect(await dueSoon(people.cai2!)).toHaveLength(1);
    expect(await dueSoon(people.zhu!)).toEqual([]);

    expect((await decide(people.cai1!, id, 'APPROVE', '资金已落实')).json()).toMatchObject({ stateKey: 'jointReview' });
    const again = await decide(people.cai1!, id, 'APPROVE');
    expect((again.json() as { error: { code: string } }).error.code).toBe('CF_ALREADY_APPROVED');
    expect(await inInbox(people.cai1!, id)).toBe(false);
    expect(await inInbox(people.cai2!, id)).toBe(true);
    expect((await page(id)).countersign?.departments).toEqual([
      { label: '县住建局', mode: 'any', status: 'signed', needed: 1, signed: ['zhujian1同志'], waiting: [] },
      { label: '县财政局', mode: 'all', status: 'due', needed: 2, signed: ['caizheng1同志'], waiting: ['caizheng2同志'] },
    ]);

    expect((await decide(people.cai2!, id, 'APPROVE', '同意')).json()).toMatchObject({ stateKey: 'granted', status: 'done' });
    expect((await page(id)).countersign).toBeNull();
    const history = (await cadre.get(`/api/cases/${id}/history`)).json() as { label: string; actorName: string; comment: string | null }[];
    expect(history.filter((h) => h.label === '同意').map((h) => [h.actorName, h.comment])).toEqual([
      [expect.stringContaining('杨建国'), '情况属实'], ['zhujian1同志', '房屋鉴定为 D 级'], ['caizheng1同志', '资金已落实'], ['caizheng2同志', '同意'],
    ]);
    await replaysTheSame(id);
  });
});

describe(`联审 by the two bureaus at once through the API (${dbKind})`, () => {
  it('both bureaus have the case at once; a return by 财政局 sends it back to the village, whose new application starts the signatures afresh; the log replays to the same', async () => {
    const id = await atJointReview('housing-subsidy-together');
    for (const who of [people.zhu!, people.cai1!, people.cai2!]) expect(await inInbox(who, id)).toBe(true);
    expect((await decide(people.cai1!, id, 'APPROVE')).statusCode).toBe(200);
    expect((await decide(people.zhu!, id, 'APPROVE')).statusCode).toBe(200);
    expect((await page(id)).countersign?.departments.map((d) => [d.label, d.status, d.signed, d.waiting])).toEqual([
      ['县住建局', 'signed', ['zhujian1同志'], []], ['县财政局', 'due', ['caizheng1同志'], ['caizheng2同志']],
    ]);
    expect((await decide(people.cai2!, id, 'RETURN', '补助金额超过标准，请核减')).json()).toMatchObject({ stateKey: 'applying' });
    expect(((await cadre.get('/api/messages')).json() as Messages).items.find((m) => m.caseId === id && m.kind === 'returned')?.body).toContain('补助金额超过标准');

    expect((await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { householder: '王德顺', grade: 'D级', amount: 30000 } })).statusCode).toBe(200);
    expect((await decide(township, id, 'APPROVE')).statusCode).toBe(200);
    expect((await page(id)).countersign?.departments.map((d) => d.signed)).toEqual([[], []]);
    for (const who of [people.cai2!, people.zhu!, people.cai1!]) expect((await decide(who, id, 'APPROVE')).statusCode).toBe(200);
    expect((await page(id)).case).toMatchObject({ stateKey: 'granted', status: 'done' });
    await replaysTheSame(id);
  });
});
