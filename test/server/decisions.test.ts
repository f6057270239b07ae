import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { registration } from '../helpers/people';

let t: TestApp;
let author: Client;
let cadre: Client;
let township: Client;

/** A review with a return that carries no form: its 审批意见 is the only place to say why. */
const review = {
  id: 'quick-review', title: '简易审核', caseLevel: 'village',
  roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' }, township_reviewer: { label: '乡镇审核', level: 'township', kind: 'reviewer' } },
  forms: {},
  events: {
    SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre'] },
    APPROVE: { label: '同意', kind: 'approve', roles: ['township_reviewer'] },
    RETURN: { label: '退回', kind: 'return', roles: ['township_reviewer'] },
  },
  machine: {
    id: 'qr', initial: 'draft',
    states: {
      draft: { meta: { label: '填写', assignee: 'village_cadre' }, on: { SUBMIT: 'review' } },
      review: { meta: { label: '审核', assignee: 'township_reviewer' }, on: { APPROVE: 'done', RETURN: 'draft' } },
      done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
    },
  },
};

beforeAll(async () => {
  t = await createTestApp();
  author = await login(t.app, '532326', 'xinxi');
  cadre = await login(t.app, '532326', 'cun');
  township = await login(t.app, '532326', 'xiang');
  expect((await author.send('PUT', '/api/processes/quick-review/draft', review)).json()).toMatchObject({ ok: true });
  expect((await author.send('POST', '/api/processes/quick-review/publish', {})).statusCode).toBe(200);
});
afterAll(() => t.close());

/** The case's event log, replayed alone, gives the stored snapshot. */
async function replaysTheSame(caseId: string, processId: string) {
  const { replayCase } = await import('../../server/audit/replayCase');
  const { loadProcess } = await import('../../server/processes');
  const row = await t.db.run('*', (k) => k.selectFrom('cases').select(['snapshot', 'org_path', 'process_version']).where('id', '=', caseId).executeTakeFirstOrThrow());
  const p = (await t.db.run('532326', (k) => loadProcess(k, '532326', processId, row.process_version)))!;
  const replayed = await t.db.run('532326', (k) => replayCase(k, '532326', caseId, p.compiled, row.org_path.split('/')));
  expect(replayed).toEqual(typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot);
}

type History = { label: string; kind: string; comment: string | null; actorName: string }[];

describe(`审批意见 on decisions (${dbKind})`, () => {
  it('a return must say why (400 naming 审批意见, nothing changes); what was written shows in 办理记录 with who decided', async () => {
    const c = (await cadre.send('POST', '/api/cases', { processId: 'quick-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' })).statusCode).toBe(200);
    const silent = await township.send('POST', `/api/cases/${c.id}/events`, { type: 'RETURN' });
    expect(silent.statusCode).toBe(400);
    expect((silent.json() as { error: { details: { path: string; message: string }[] } }).error.details).toEqual([{ path: '/comment', field: '审批意见', message: '退回时必须填写「审批意见」，说明需要修改什么' }]);
    expect((await township.send('POST', `/api/cases/${c.id}/events`, { type: 'RETURN', comment: '   ' })).statusCode).toBe(400);
    expect(((await cadre.get(`/api/cases/${c.id}`)).json() as { case: { stateKey: string } }).case.stateKey).toBe('review');
    expect((await township.send('POST', `/api/cases/${c.id}/events`, { type: 'RETURN', comment: '缺少村委会盖章' })).statusCode).toBe(200);
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' })).statusCode).toBe(200);
    expect((await township.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE', comment: '同意，材料齐全' })).statusCode).toBe(200);
    const history = (await cadre.get(`/api/cases/${c.id}/history`)).json() as History;
    expect(history.map((h) => [h.label, h.kind, h.comment])).toEqual([
      ['发起', 'start', null], ['提交', 'submit', null], ['退回', 'return', '缺少村委会盖章'], ['提交', 'submit', null], ['同意', 'approve', '同意，材料齐全'],
    ]);
    expect(history[4]!.actorName).toBe('杨建国（金碧镇审核）');
    // Too long a comment is refused naming the field.
    const long = await cadre.send('POST', '/api/cases', { processId: 'quick-review', orgUnitId: 'xiaokangyuan' });
    const res = await cadre.send('POST', `/api/cases/${(long.json() as { id: string }).id}/events`, { type: 'SUBMIT', comment: '意'.repeat(501) });
    expect(res.statusCode).toBe(400);
  });

  it('a return whose form carries a reason: the reason is the comment, shown in 办理记录', async () => {
    const c = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: registration() }, { 'if-match': '1' });
    expect((await township.send('POST', `/api/cases/${c.id}/events`, { type: 'RETURN', data: { reason: '户主身份证号与户口本不一致', field: '户主身份证号' } })).statusCode).toBe(200);
    const history = (await cadre.get(`/api/cases/${c.id}/history`)).json() as History;
    expect(history.at(-1)).toMatchObject({ label: '退回修改', kind: 'return', comment: '户主身份证号与户口本不一致' });
  });
});

type Messages = { unread: number; items: { id: number; caseId: string; kind: string; title: string; body: string; read: boolean }[] };

describe(`the message centre (${dbKind})`, () => {
  it('tells the reviewer of a new task, the cadre of a return (with why) and of the decision; marks read', async () => {
    const before = ((await township.get('/api/messages')).json() as Messages).unread;
    const c = (await cadre.send('POST', '/api/cases', { processId: 'quick-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' });
    const forReviewer = (await township.get('/api/messages')).json() as Messages;
    expect(forReviewer.unread).toBe(before + 1);
    expect(forReviewer.items[0]).toMatchObject({ caseId: c.id, kind: 'task', title: '新待办：简易审核', body: '简易审核 · 审核', read: false });
    // A reviewer of another township hears nothing of it.
    const stranger = await login(t.app, '532326', 'xiang2');
    expect(((await stranger.get('/api/messages')).json() as Messages).items.some((m) => m.caseId === c.id)).toBe(false);

    await township.send('POST', `/api/cases/${c.id}/events`, { type: 'RETURN', comment: '缺少村委会盖章' });
    const forCadre = (await cadre.get('/api/messages?unread=true')).json() as Messages;
    expect(forCadre.items.filter((m) => m.caseId === c.id).map((m) => [m.kind, m.title, m.body])).toEqual([
      ['returned', '退回给您：简易审核', '简易审核 · 填写（杨建国（金碧镇审核）退回：缺少村委会盖章）'],
    ]);
    await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' });
    await township.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE', comment: '同意' });
    const after = (await cadre.get('/api/messages')).json() as Messages;
    expect(after.items.find((m) => m.caseId === c.id)).toMatchObject({ kind: 'done', title: '已办结：简易审核' });
    // The reviewer is never told of their own decision.
    expect(((await township.get('/api/messages')).json() as Messages).items.filter((m) => m.caseId === c.id).map((m) => m.kind)).toEqual(['task', 'task']);

    const read = await cadre.send('POST', '/api/messages/read', { ids: [after.items[0]!.id] });
    expect((read.json() as { unread: number }).unread).toBe(after.unread - 1);
    expect(((await cadre.send('POST', '/api/messages/read', { all: true })).json() as { unread: number }).unread).toBe(0);
    expect((await cadre.send('POST', '/api/messages/read', { ids: ['x'] })).statusCode).toBe(400);
  });
});

describe(`batch approval (${dbKind})`, () => {
  it('approves 20 cases with one comment; each is its own step; a case not at that step is reported, not fatal', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const c = (await cadre.send('POST', '/api/cases', { processId: 'quick-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
      await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' });
      ids.push(c.id);
    }
    const notYet = (await cadre.send('POST', '/api/cases', { processId: 'quick-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const res = await township.send('POST', '/api/cases/batch', { caseIds: [...ids, notYet.id], type: 'APPROVE', comment: '同意，批量审核' }, { 'idempotency-key': 'batch-0001-approve' });
    expect(res.statusCode).toBe(200);
    const out = res.json() as { done: number; failed: number; results: { id: string; ok: boolean; code?: string }[] };
    expect([out.done, out.failed]).toEqual([20, 1]);
    expect(out.results.at(-1)).toMatchObject({ id: notYet.id, ok: false, code: 'CF_NOT_ALLOWED_IN_STATE' });
    for (const id of ids) {
      const h = (await cadre.get(`/api/cases/${id}/history`)).json() as History;
      expect(h.at(-1)).toMatchObject({ label: '同意', comment: '同意，批量审核', actorName: '杨建国（金碧镇审核）' });
    }
    // The same batch sent again (the answer was lost): nothing applies twice.
    const again = (await township.send('POST', '/api/cases/batch', { caseIds: [...ids, notYet.id], type: 'APPROVE', comment: '同意，批量审核' }, { 'idempotency-key': 'batch-0001-approve' })).json() as { done: number };
    expect(again.done).toBe(20);
    expect(((await cadre.get(`/api/cases/${ids[0]}/history`)).json() as History).filter((h) => h.label === '同意')).toHaveLength(1);
    expect((await township.send('POST', '/api/cases/batch', { caseIds: [], type: 'APPROVE' })).statusCode).toBe(400);
  });
});

describe(`deadline reminders (${dbKind})`, () => {
  it('due soon: those who must act hear it; overdue: they and the process reviewers above, once per deadline', async () => {
    const { alertDeadlines, DUE_SOON_MS } = await import('../../server/messages/deadlineAlerts');
    const c = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const submitted = (await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: registration() })).json() as { dueAt: string };
    const due = Date.parse(submitted.dueAt);
    const mine = async (who: Client) => ((await who.get('/api/messages')).json() as Messages).items.filter((m) => m.caseId === c.id).map((m) => [m.kind, m.title]);
    const county = await login(t.app, '532326', 'banqian');
    const otherTownship = await login(t.app, '532326', 'xiang2');

    await alertDeadlines(t.db, new Date(due - DUE_SOON_MS - 60_000));
    expect(await mine(township)).toEqual([['task', '新待办：李明华']]);
    await alertDeadlines(t.db, new Date(due - 60_000));
    await alertDeadlines(t.db, new Date(due - 30_000));
    expect(await mine(township)).toEqual([['due_soon', '即将到期：李明华'], ['task', '新待办：李明华']]);
    await alertDeadlines(t.db, new Date(due + 60_000));
    await alertDeadlines(t.db, new Date(due + 120_000));
    expect(await mine(township)).toEqual([['overdue', '已超期：李明华'], ['due_soon', '即将到期：李明华'], ['task', '新待办：李明华']]);
    // Escalation: the process's reviewers above the case's unit (the county office) hear of it; the cadre below and another township do not.
    expect(await mine(county)).toEqual([['overdue', '超期提醒：李明华']]);
    expect(await mine(otherTownship)).toEqual([]);
    expect((await mine(cadre)).some(([kind]) => kind === 'overdue')).toBe(false);
  });
});

describe(`撤销 (${dbKind})`, () => {
  it('the starter withdraws before anyone else acts; afterwards it is too late; nobody else may; the log replays to the same end', async () => {
    const { replayCase } = await import('../../server/audit/replayCase');
    const { loadProcess } = await import('../../server/processes');
    const c = (await cadre.send('POST', '/api/cases', { processId: 'quick-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' });
    expect(((await cadre.get(`/api/cases/${c.id}`)).json() as { canWithdraw: boolean }).canWithdraw).toBe(true);
    expect(((await township.get(`/api/cases/${c.id}`)).json() as { canWithdraw: boolean }).canWithdraw).toBe(false);
    expect((await township.send('POST', `/api/cases/${c.id}/withdraw`, {})).statusCode).toBe(403);
    const withdrawn = await cadre.send('POST', `/api/cases/${c.id}/withdraw`, { comment: '材料报错了，重新发起' });
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'done', outcome: 'cancelled', dueAt: null });
    const history = (await cadre.get(`/api/cases/${c.id}/history`)).json() as History;
    expect(history.at(-1)).toMatchObject({ label: '撤销', kind: 'withdraw', comment: '材料报错了，重新发起' });
    // It leaves the reviewer's inbox, and nothing more can be done to it.
    expect(((await township.get('/api/tasks?pageSize=100')).json() as { items: { id: string }[] }).items.map((i) => i.id)).not.toContain(c.id);
    expect((await township.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE' })).statusCode).toBe(422);
    const row = await t.db.run('*', (k) => k.selectFrom('cases').select(['snapshot', 'org_path']).where('id', '=', c.id).executeTakeFirstOrThrow());
    const p = (await t.db.run('532326', (k) => loadProcess(k, '532326', 'quick-review')))!;
    const replayed = await t.db.run('532326', (k) => replayCase(k, '532326', c.id, p.compiled, row.org_path.split('/')));
    expect(replayed).toEqual(typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot);

    const late = (await cadre.send('POST', '/api/cases', { processId: 'quick-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await cadre.send('POST', `/api/cases/${late.id}/events`, { type: 'SUBMIT' });
    await township.send('POST', `/api/cases/${late.id}/events`, { type: 'RETURN', comment: '缺页' });
    const tooLate = await cadre.send('POST', `/api/cases/${late.id}/withdraw`, {});
    expect(tooLate.statusCode).toBe(422);
    expect((tooLate.json() as { error: { code: string } }).error.code).toBe('CF_WITHDRAW_TOO_LATE');
    // The event is the server's to send: as an ordinary event it is refused.
    expect((await cadre.send('POST', `/api/cases/${late.id}/events`, { type: 'cf.withdraw' })).statusCode).toBe(403);
  });
});

describe(`会签 through the API (${dbKind})`, () => {
  it('two approvers chosen in the form: the first approval waits (the case page says who is left), the second moves the case; the log replays to the same', async () => {
    const { replayCase } = await import('../../server/audit/replayCase');
    const { loadProcess } = await import('../../server/processes');
    const joint = {
      ...review, id: 'joint-review', title: '联合审核',
      roles: { ...review.roles, county_office: { label: '县易地搬迁办', level: 'county', kind: 'reviewer' } },
      forms: { plan: { title: '报审', schema: { type: 'object', properties: { reviewers: { type: 'array', title: '审核人', items: { type: 'string' } } } } } },
      events: { ...review.events, SUBMIT: { ...review.events.SUBMIT, data: 'plan' }, APPROVE: { label: '同意', kind: 'approve', roles: ['township_reviewer', 'county_office'] } },
      machine: {
        id: 'jr', initial: 'draft',
        states: {
          draft: { meta: { label: '填写', assignee: 'village_cadre' }, on: { SUBMIT: { target: 'review', actions: [{ type: 'save' }] } } },
          review: { meta: { label: '联合审核', assignee: 'township_reviewer', approval: { mode: 'all', chooseFrom: 'plan.reviewers' } }, on: { APPROVE: 'done', RETURN: 'draft' } },
          done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
        },
      },
    };
    expect((await author.send('PUT', '/api/processes/joint-review/draft', joint)).json()).toMatchObject({ ok: true });
    expect((await author.send('POST', '/api/processes/joint-review/publish', {})).statusCode).toBe(200);
    const county = await login(t.app, '532326', 'banqian');
    const ids = await t.db.run('*', (k) => k.selectFrom('users').select(['id', 'username']).where('county_id', '=', '532326').where('username', 'in', ['xiang', 'banqian']).execute());
    const idOf = (u: string) => ids.find((x) => x.username === u)!.id;
    const c = (await cadre.send('POST', '/api/cases', { processId: 'joint-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: { reviewers: [idOf('xiang'), idOf('banqian')] } })).statusCode).toBe(200);

    const first = await township.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE', comment: '同意' });
    expect(first.json()).toMatchObject({ stateKey: 'review', status: 'active' });
    const page = (await cadre.get(`/api/cases/${c.id}`)).json() as { ballot: { mode: string; needed: number; approved: string[]; waiting: string[] } };
    expect(page.ballot).toEqual({ label: '联合审核', mode: 'all', needed: 2, approved: ['杨建国（金碧镇审核）'], waiting: [expect.stringContaining('县')] });
    expect((await township.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE' })).statusCode).toBe(409);
    const second = await county.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE', comment: '同意' });
    expect(second.json()).toMatchObject({ stateKey: 'done', status: 'done' });
    const history = (await cadre.get(`/api/cases/${c.id}/history`)).json() as History;
    expect(history.filter((h) => h.label === '同意').map((h) => h.actorName)).toEqual(['杨建国（金碧镇审核）', expect.any(String)]);

    const row = await t.db.run('*', (k) => k.selectFrom('cases').select(['snapshot', 'org_path']).where('id', '=', c.id).executeTakeFirstOrThrow());
    const p = (await t.db.run('532326', (k) => loadProcess(k, '532326', 'joint-review')))!;
    const replayed = await t.db.run('532326', (k) => replayCase(k, '532326', c.id, p.compiled, row.org_path.split('/')));
    expect(replayed).toEqual(typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot);
  });
});

describe(`认领, 转办, 抄送 (${dbKind})`, () => {
  it('a claimed step is the claimant\'s alone; it can be handed to a colleague with the role there; people are copied; all in 办理记录', async () => {
    const c = (await cadre.send('POST', '/api/cases', { processId: 'quick-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    // The cadre claims the first step, then a colleague holding the same role could not act: here there is none, so the cadre hands over to nobody.
    expect((await cadre.send('POST', `/api/cases/${c.id}/claim`, {})).statusCode).toBe(200);
    const page = (await cadre.get(`/api/cases/${c.id}`)).json() as { claimedBy: string; canClaim: boolean; transferTo: unknown[]; copyTo: { id: string; name: string }[] };
    expect(page).toMatchObject({ claimedBy: '李文华（小康苑社区）', canClaim: false, transferTo: [] });
    // A transfer to someone who does not hold the step's role there is refused, naming the field.
    const reviewerId = page.copyTo.find((p) => p.name.startsWith('杨建国'))!.id;
    const wrong = await cadre.send('POST', `/api/cases/${c.id}/transfer`, { to: reviewerId });
    expect(wrong.statusCode).toBe(400);
    expect(JSON.stringify(wrong.json())).toContain('转给谁');
    // The reviewer cannot take a step that is not theirs; the cadre submits, leaving the step: the claim ends with it.
    expect((await township.send('POST', `/api/cases/${c.id}/claim`, {})).statusCode).toBe(403);
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' })).statusCode).toBe(200);
    // The reviewer claims the review; the cadre copies the county office for information.
    expect((await township.send('POST', `/api/cases/${c.id}/claim`, {})).statusCode).toBe(200);
    // Lists say who holds it now: the claimant.
    const held = (await township.get('/api/tasks?pageSize=100')).json() as { items: { id: string; holder?: string }[] };
    expect(held.items.find((i) => i.id === c.id)?.holder).toBe('杨建国（金碧镇审核）');
    const officeId = (await t.db.run('*', (k) => k.selectFrom('users').select('id').where('username', '=', 'banqian').where('county_id', '=', '532326').executeTakeFirstOrThrow())).id;
    expect(page.copyTo.map((p) => p.id)).toContain(officeId);
    expect((await cadre.send('POST', `/api/cases/${c.id}/copy`, { to: [officeId], comment: '请知悉' })).statusCode).toBe(200);
    const stranger = await login(t.app, '532326', 'xiang2');
    const strangerId = (await t.db.run('*', (k) => k.selectFrom('users').select('id').where('username', '=', 'xiang2').where('county_id', '=', '532326').executeTakeFirstOrThrow())).id;
    expect((await cadre.send('POST', `/api/cases/${c.id}/copy`, { to: [strangerId] })).statusCode).toBe(400);
    expect(((await stranger.get('/api/messages')).json() as Messages).items.some((m) => m.caseId === c.id)).toBe(false);
    const office = await login(t.app, '532326', 'banqian');
    expect(((await office.get('/api/messages')).json() as Messages).items.find((m) => m.caseId === c.id)).toMatchObject({ kind: 'copy', title: '抄送：简易审核' });
    const history = (await cadre.get(`/api/cases/${c.id}/history`)).json() as History;
    expect(history.map((h) => [h.label, h.kind])).toEqual([['发起', 'start'], ['认领', 'claim'], ['提交', 'submit'], ['认领', 'claim'], ['抄送', 'copy']]);
    expect(history.at(-1)!.comment).toMatch(/^抄送给：.+。请知悉$/);
    expect((await township.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE' })).statusCode).toBe(200);
    await replaysTheSame(c.id, 'quick-review');
  });
});

describe(`加签 through the API (${dbKind})`, () => {
  it('the township reviewer adds the county office to a review: it reaches their inbox, their approval completes it, 办理记录 says so', async () => {
    const c = (await cadre.send('POST', '/api/cases', { processId: 'quick-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' });
    const office = await login(t.app, '532326', 'banqian');
    const officeId = (await t.db.run('*', (k) => k.selectFrom('users').select('id').where('username', '=', 'banqian').where('county_id', '=', '532326').executeTakeFirstOrThrow())).id;
    expect(((await township.get(`/api/cases/${c.id}`)).json() as { canAddSigner: boolean }).canAddSigner).toBe(true);
    expect((await cadre.send('POST', `/api/cases/${c.id}/add-signer`, { to: officeId })).statusCode).toBe(403);
    expect((await township.send('POST', `/api/cases/${c.id}/add-signer`, { to: officeId, comment: '涉及县级资金' })).statusCode).toBe(200);
    const inbox = (await office.get('/api/tasks?pageSize=100')).json() as { items: { id: string }[] };
    expect(inbox.items.map((i) => i.id)).toContain(c.id);
    expect(((await office.get(`/api/cases/${c.id}`)).json() as { events: { type: string }[] }).events.map((e) => e.type)).toEqual(['APPROVE', 'RETURN']);
    expect(((await township.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE' })).json() as { stateKey: string }).stateKey).toBe('review');
    expect(((await office.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE', comment: '同意' })).json() as { stateKey: string }).stateKey).toBe('done');
    const history = (await cadre.get(`/api/cases/${c.id}/history`)).json() as History;
    expect(history.map((h) => h.label)).toEqual(['发起', '提交', '加签', '同意', '同意']);
    expect(history[2]!.comment).toMatch(/^加签：.+。涉及县级资金$/);
    await replaysTheSame(c.id, 'quick-review');
  });

  it('加签 before me: my approval waits until the added person has approved', async () => {
    const c = (await cadre.send('POST', '/api/cases', { processId: 'quick-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' });
    const office = await login(t.app, '532326', 'banqian');
    const officeId = (await t.db.run('*', (k) => k.selectFrom('users').select('id').where('username', '=', 'banqian').where('county_id', '=', '532326').executeTakeFirstOrThrow())).id;
    expect((await township.send('POST', `/api/cases/${c.id}/add-signer`, { to: officeId, before: true })).statusCode).toBe(200);
    const early = await township.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE' });
    expect(early.statusCode).toBe(409);
    expect((early.json() as { error: { code: string } }).error.code).toBe('CF_WAITING_FOR_SIGNER');
    expect(((await office.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE' })).json() as { stateKey: string }).stateKey).toBe('review');
    expect(((await township.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE' })).json() as { stateKey: string }).stateKey).toBe('done');
    await replaysTheSame(c.id, 'quick-review');
  });
});

describe(`an inbox's total (${dbKind})`, () => {
  it('is the number of cases it lists, with steps claimed by a colleague left out and steps one was added to put in', async () => {
    type Inbox = { items: { id: string }[]; total: number };
    const inboxOf = async (c: Client) => (await c.get('/api/tasks?pageSize=100')).json() as Inbox;
    const ids = [];
    for (let i = 0; i < 4; i++) {
      const c = (await cadre.send('POST', '/api/cases', { processId: 'quick-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
      expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' })).statusCode).toBe(200);
      ids.push(c.id);
    }
    // A second township reviewer for 金碧镇: xiang2 (of 探花乡) is given the role there too.
    const userId = async (username: string) => (await t.db.run('*', (k) => k.selectFrom('users').select('id').where('county_id', '=', '532326').where('username', '=', username).executeTakeFirstOrThrow())).id;
    const colleagueId = await userId('xiang2');
    await t.db.run('*', (k) => k.insertInto('grants').values({ county_id: '532326', user_id: colleagueId, role: 'township_reviewer', unit_id: 'jinbi' }).execute());
    const colleague = await login(t.app, '532326', 'xiang2');
    const before = await inboxOf(colleague);
    expect(before.items.map((i) => i.id)).toEqual(expect.arrayContaining(ids));
    expect(before.total).toBe(before.items.length);

    // xiang claims the first: it stays in his inbox and leaves his colleague's.
    expect((await township.send('POST', `/api/cases/${ids[0]}/claim`, {})).statusCode).toBe(200);
    const mine = await inboxOf(township);
    expect(mine.items.map((i) => i.id)).toEqual(expect.arrayContaining(ids));
    expect(mine.total).toBe(mine.items.length);
    const theirs = await inboxOf(colleague);
    expect(theirs.items.map((i) => i.id)).not.toContain(ids[0]);
    expect(theirs.total).toBe(theirs.items.length);
    expect(theirs.total).toBe(before.total - 1);

    // xiang adds the county office to the second: it is in the office's inbox, counted once.
    const office = await login(t.app, '532326', 'banqian');
    const officeBefore = await inboxOf(office);
    expect((await township.send('POST', `/api/cases/${ids[1]}/add-signer`, { to: await userId('banqian') })).statusCode).toBe(200);
    const officeAfter = await inboxOf(office);
    expect(officeAfter.items.map((i) => i.id)).toContain(ids[1]);
    expect(officeAfter.total).toBe(officeAfter.items.length);
    expect(officeAfter.total).toBe(officeBefore.total + 1);
  });
});
