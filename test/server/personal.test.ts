import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { idNumber, registration } from '../helpers/people';

let t: TestApp;
let cadre: Client;
let reviewer: Client;
let supervisor: Client;
let admin: Client;
let auditor: Client;
let caseId: string;
let submittedAnswer: Register;

const ID = idNumber('532326', '19660606', '606');
const MASKED_ID = `532326********${ID.slice(-4)}`;
const PHONE = '13987654321';
const MASKED_PHONE = '139****4321';
const MEMBER_ID = idNumber('532326', '19680808', '808');

type Register = { householder: string; idNumber: string; phone: string; members: { idNumber: string }[] };
type Listed = { items: { id: string; data: { register?: Register } }[] };
type Access = { at: string; actor: string; kind: string; caseId?: string; caseTitle?: string; path?: string; field?: string; processId: string; format?: string };
const register = (items: Listed['items']) => items.find((c) => c.id === caseId)?.data.register;

/** A process whose cases are titled by an ID number: submitted by the village cadre, approved at the township. */
const piiTitled = (id: string) => ({
  id, title: '低保申请（身份证号为题）', caseLevel: 'village', caseTitle: 'apply.idNumber',
  roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' }, township_reviewer: { label: '乡镇审核人', level: 'township', kind: 'reviewer' } },
  forms: { apply: { title: '申请', schema: { type: 'object', properties: { idNumber: { type: 'string', title: '身份证号', format: 'cn-id-card' } } } } },
  events: { SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre'], data: 'step' }, APPROVE: { label: '通过', kind: 'approve', roles: ['township_reviewer'] } },
  machine: { id: 'pii', initial: 'filling', states: {
    filling: { meta: { label: '填写', form: 'apply', assignee: 'village_cadre' }, on: { SUBMIT: { target: 'review', actions: [{ type: 'save' }] } } },
    review: { meta: { label: '审核', assignee: 'township_reviewer' }, on: { APPROVE: 'done' } },
    done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
  } },
});

/** Publishes a process as the county's author. */
async function publish(def: { id: string }): Promise<void> {
  const author = await login(t.app, '532326', 'xinxi');
  expect((await author.send('PUT', `/api/processes/${def.id}/draft`, def)).json()).toMatchObject({ ok: true });
  expect((await author.send('POST', `/api/processes/${def.id}/publish`, {})).statusCode).toBe(200);
}

beforeAll(async () => {
  t = await createTestApp();
  cadre = await login(t.app, '532326', 'cun');
  reviewer = await login(t.app, '532326', 'xiang');
  supervisor = await login(t.app, '532326', 'jiandu');
  admin = await login(t.app, '532326', 'guanli');
  const added = await admin.send('POST', '/api/admin/users', { username: 'shenji-pii', name: '审计 钱七', phone: null, grants: [{ role: 'auditor', unitId: '532326' }] });
  expect(added.statusCode, added.body).toBe(201);
  const oneTime = (added.json() as { oneTimePassword: string }).oneTimePassword;
  auditor = await login(t.app, '532326', 'shenji-pii', oneTime);
  expect((await auditor.send('PUT', '/api/me/password', { current: oneTime, next: 'Shenji-2027-ok' })).statusCode).toBe(204);
  // A household registered by the village cadre, now waiting for the township's review.
  const started = await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
  caseId = (started.json() as { id: string }).id;
  const data = { ...registration(), householder: '隐私户', idNumber: ID, phone: PHONE, members: [{ name: '隐私户', idNumber: MEMBER_ID, relation: '户主' }] };
  const submitted = await cadre.send('POST', `/api/cases/${caseId}/events`, { type: 'SUBMIT', data }, { 'if-match': '1' });
  expect(submitted.statusCode, submitted.body).toBe(200);
  submittedAnswer = (submitted.json() as { data: { register: Register } }).data.register;
});
afterAll(() => t.close());

describe(`personal information (${dbKind})`, () => {
  it('lists, the dashboard\'s drill-down and the case page mask ID numbers and phones for a supervisor and for a cadre not on the step', async () => {
    // The cadre's own answer to 提交 already shows what the cadre, no longer on the step, may see.
    expect(submittedAnswer.idNumber).toBe(MASKED_ID);
    const mine = register((await cadre.get('/api/cases?mine=started&pageSize=100')).json<Listed>().items);
    expect(mine).toMatchObject({ householder: '隐私户', idNumber: MASKED_ID, phone: MASKED_PHONE, members: [{ idNumber: `532326********${MEMBER_ID.slice(-4)}` }] });
    const drill = register((await supervisor.get('/api/cases?processId=relocation&orgUnitId=xiaokangyuan&state=townshipReview&pageSize=100')).json<Listed>().items);
    expect(drill).toMatchObject({ idNumber: MASKED_ID, phone: MASKED_PHONE });
    const page = (await supervisor.get(`/api/cases/${caseId}`)).json<{ case: { data: { register: Register } }; personal: { path: string; title: string; masked: string }[] }>();
    expect(page.case.data.register.idNumber).toBe(MASKED_ID);
    expect(page.personal).toEqual(expect.arrayContaining([{ path: 'register.idNumber', title: '摸底登记·户主身份证号', masked: MASKED_ID }, { path: 'register.phone', title: '摸底登记·联系电话', masked: MASKED_PHONE }]));
    const history = (await supervisor.get(`/api/cases/${caseId}/history`)).body;
    expect(history).not.toContain(ID);
    expect(history).not.toContain(PHONE);
    expect(history).toContain(MASKED_ID);
  });

  it('the reviewer acting on the step sees them in full: inbox and case page', async () => {
    const inbox = register((await reviewer.get('/api/tasks?pageSize=100')).json<Listed>().items);
    expect(inbox).toMatchObject({ idNumber: ID, phone: PHONE });
    const page = (await reviewer.get(`/api/cases/${caseId}`)).json<{ case: { data: { register: Register } }; personal: unknown[] }>();
    expect(page.case.data.register.idNumber).toBe(ID);
    expect(page.personal).toEqual([]);
    expect((await reviewer.get(`/api/cases/${caseId}/history`)).body).toContain(ID);
  });

  it('exports mask them for a supervisor, carry the exporter\'s name and time, and are recorded', async () => {
    const csv = await supervisor.get('/api/cases/export?processId=relocation&format=csv');
    expect(csv.statusCode).toBe(200);
    expect(csv.body).not.toContain(ID);
    expect(csv.body).not.toContain(PHONE);
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    const stamp = lines[0]!.split(',');
    expect(stamp[0]).toBe('导出人：赵敏（县委组织部）（jiandu）');
    expect(stamp[1]).toMatch(/^导出时间：\d{4}\/\d{1,2}\/\d{1,2} \d{2}:\d{2}:\d{2}$/);
    // Every row has as many cells as the header: the file stays one table.
    expect(stamp.length).toBe(lines[1]!.split(',').length);
    expect(lines[1]).toContain('摸底登记·户主身份证号');
    expect(lines.find((l) => l.startsWith(caseId))).toContain(MASKED_ID);

    const xlsx = await supervisor.get('/api/cases/export?processId=relocation&format=xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    expect(book.creator).toBe('赵敏（县委组织部）（jiandu）');
    const sheet = book.worksheets[0]!;
    expect(sheet.headerFooter.oddHeader).toContain('导出人：赵敏（县委组织部）（jiandu）');
    const cells = sheet.getSheetValues().flat().map(String);
    expect(cells).toContain(MASKED_ID);
    expect(cells).not.toContain(ID);

    const log = (await admin.get('/api/personal-access')).json<Access[]>();
    expect(log.filter((e) => e.kind === 'export' && e.actor === '赵敏（县委组织部）').map((e) => e.format)).toEqual(['xlsx', 'csv']);
  });

  it('a case titled by a personal field shows that title masked wherever its data is masked: lists, the case page, exports', async () => {
    await publish(piiTitled('pii-title'));
    const id = ((await cadre.send('POST', '/api/cases', { processId: 'pii-title', orgUnitId: 'xiaokangyuan' })).json() as { id: string }).id;
    expect((await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { idNumber: ID } })).statusCode).toBe(200);

    const titleIn = (items: { id: string; title: string }[]) => items.find((c) => c.id === id)?.title;
    expect(titleIn((await supervisor.get('/api/cases?processId=pii-title&pageSize=100')).json<{ items: { id: string; title: string }[] }>().items)).toBe(MASKED_ID);
    expect((await supervisor.get(`/api/cases/${id}`)).json<{ case: { title: string } }>().case.title).toBe(MASKED_ID);
    const csv = (await supervisor.get('/api/cases/export?processId=pii-title&format=csv')).body;
    expect(csv).toContain(MASKED_ID);
    expect(csv).not.toContain(ID);
    // The reviewer, on the step, reads the title in full.
    expect(titleIn((await reviewer.get('/api/tasks?pageSize=100')).json<{ items: { id: string; title: string }[] }>().items)).toBe(ID);
  });

  it('查看完整 answers the full value and records who, when, which case and field, for the administrator and auditors only', async () => {
    const before = Date.now();
    const res = await supervisor.send('POST', `/api/cases/${caseId}/personal/register.idNumber/reveal`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ path: 'register.idNumber', title: '摸底登记·户主身份证号', value: ID });
    const row = await supervisor.send('POST', `/api/cases/${caseId}/personal/register.members.0.idNumber/reveal`);
    expect(row.json()).toMatchObject({ title: '摸底登记·家庭成员·身份证号', value: MEMBER_ID });
    const page = (await supervisor.get(`/api/cases/${caseId}`)).json<{ personal: { path: string; title: string }[] }>();
    expect(page.personal).toContainEqual(expect.objectContaining({ path: 'register.members.0.idNumber', title: '摸底登记·家庭成员·身份证号（第 1 项）' }));

    const notPersonal = await supervisor.send('POST', `/api/cases/${caseId}/personal/register.householder/reveal`);
    expect(notPersonal.statusCode).toBe(404);
    expect(notPersonal.json()).toMatchObject({ error: { code: 'CF_NOT_PERSONAL', message: '这个案件没有这项个人信息' } });

    for (const reader of [admin, auditor]) {
      const log = (await reader.get('/api/personal-access')).json<Access[]>();
      const seen = log.find((e) => e.kind === 'reveal' && e.path === 'register.idNumber');
      expect(seen).toMatchObject({ actor: '赵敏（县委组织部）', caseId, field: '摸底登记·户主身份证号', processId: 'relocation' });
      expect(Date.parse(seen!.at)).toBeGreaterThanOrEqual(before - 1000);
      expect(JSON.stringify(log)).not.toContain(ID);
    }
    const refused = await cadre.get('/api/personal-access');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'CF_FORBIDDEN', message: '只有县管理员或审计人员可以查看个人信息的查看和导出记录' } });
    expect((await supervisor.get('/api/personal-access')).statusCode).toBe(403);

    // The records are links of the county's chain: it still verifies.
    expect((await supervisor.get('/api/audit/verify')).json()).toMatchObject({ ok: true });
  });

  it('a supervisor finds a household by its full ID number or phone, typed as on paper, and still sees them masked; a part of them finds nothing', async () => {
    const found = async (who: Client, q: string, list = '/api/cases') => (await who.get(`${list}?q=${encodeURIComponent(q)}&pageSize=100`)).json<Listed>().items.map((c) => c.id);
    for (const q of [ID, PHONE, MEMBER_ID, `${ID.slice(0, 6)} ${ID.slice(6, 14)} ${ID.slice(14)}`, `${PHONE.slice(0, 3)}-${PHONE.slice(3, 7)}-${PHONE.slice(7)}`]) {
      // (The case titled by this ID number, above, is found by it too.)
      expect(await found(supervisor, q), q).toContain(caseId);
    }
    const answer = await supervisor.get(`/api/cases?q=${ID}`);
    expect(answer.body).not.toContain(ID);
    expect(register(answer.json<Listed>().items)).toMatchObject({ idNumber: MASKED_ID, phone: MASKED_PHONE });
    // The reviewer's inbox finds it the same way (the reviewer, on the step, reads it in full).
    expect(await found(reviewer, PHONE, '/api/tasks')).toContain(caseId);
    // Only the whole value: the masked digits cannot be found out a few at a time.
    for (const q of [ID.slice(0, 14), ID.slice(6, 14), ID.slice(0, 17), PHONE.slice(0, 7), PHONE.slice(3, 7)]) expect(await found(supervisor, q), q).toEqual([]);
    // Nor from another county.
    expect(await found(await login(t.app, '532622', 'cun'), ID)).toEqual([]);

    // A phone corrected after a return: the new number finds the household, the old one no longer does.
    const oldPhone = '13712340001';
    const newPhone = '13712340002';
    const other = ((await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string }).id;
    const form = { ...registration(), householder: '改号户', idNumber: idNumber('532326', '19710101', '711'), phone: oldPhone, members: [{ name: '改号户', idNumber: idNumber('532326', '19710101', '711'), relation: '户主' }] };
    const step = async (who: Client, event: Record<string, unknown>) => {
      const res = await who.send('POST', `/api/cases/${other}/events`, event);
      expect(res.statusCode, res.body).toBe(200);
    };
    await step(cadre, { type: 'SUBMIT', data: form });
    expect(await found(supervisor, oldPhone)).toEqual([other]);
    await step(reviewer, { type: 'RETURN', data: { reason: '电话号码有误' } });
    await step(cadre, { type: 'SUBMIT', data: { ...form, phone: newPhone } });
    expect(await found(supervisor, newPhone)).toEqual([other]);
    expect(await found(supervisor, oldPhone)).toEqual([]);
  });

  it('messages and their records name a case titled by a personal field masked: 新待办, decisions, 抄送, and 查看完整\'s record', async () => {
    await publish(piiTitled('pii-told'));
    const holder = idNumber('532326', '19750505', '505');
    const masked = `532326********${holder.slice(-4)}`;
    const id = ((await cadre.send('POST', '/api/cases', { processId: 'pii-told', orgUnitId: 'xiaokangyuan' })).json() as { id: string }).id;
    expect((await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { idNumber: holder } })).statusCode).toBe(200);
    const supervisorId = ((await reviewer.get(`/api/cases/${id}`)).json<{ copyTo: { id: string; name: string }[] }>()).copyTo.find((p) => p.name === '赵敏（县委组织部）')!.id;
    expect((await reviewer.send('POST', `/api/cases/${id}/copy`, { to: [supervisorId], comment: '请知悉' })).statusCode).toBe(200);
    expect((await reviewer.send('POST', `/api/cases/${id}/events`, { type: 'APPROVE' })).statusCode).toBe(200);

    type Messages = { items: { caseId: string; kind: string; title: string; body: string }[] };
    const told = async (who: Client) => (await who.get('/api/messages?limit=100')).json<Messages>().items.filter((m) => m.caseId === id);
    const heard = [...await told(reviewer), ...await told(cadre), ...await told(supervisor)];
    expect(heard.map((m) => [m.kind, m.title])).toEqual(expect.arrayContaining([['task', `新待办：${masked}`], ['done', `已办结：${masked}`], ['copy', `抄送：${masked}`]]));
    expect(JSON.stringify(heard)).not.toContain(holder);

    expect((await supervisor.send('POST', `/api/cases/${id}/personal/apply.idNumber/reveal`)).json()).toMatchObject({ value: holder });
    const log = (await admin.get('/api/personal-access')).json<Access[]>();
    expect(log.find((e) => e.caseId === id)).toMatchObject({ kind: 'reveal', caseTitle: masked });
    expect(JSON.stringify(log)).not.toContain(holder);
  });
});
