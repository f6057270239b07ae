import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let cadre: Client;
let township: Client;

/** Submitted by a village cadre, reviewed at the township. */
const review = {
  id: 'copy-review', title: '抄送审核', caseLevel: 'village',
  roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' }, township_reviewer: { label: '乡镇审核', level: 'township', kind: 'reviewer' } },
  forms: {},
  events: {
    SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre'] },
    APPROVE: { label: '同意', kind: 'approve', roles: ['township_reviewer'] },
  },
  machine: {
    id: 'cr', initial: 'draft',
    states: {
      draft: { meta: { label: '填写', assignee: 'village_cadre' }, on: { SUBMIT: 'review' } },
      review: { meta: { label: '审核', assignee: 'township_reviewer' }, on: { APPROVE: 'done' } },
      done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
    },
  },
};

beforeAll(async () => {
  t = await createTestApp({ copyLimits: { perCase: 3, perDay: 5 } });
  const author = await login(t.app, '532326', 'xinxi');
  cadre = await login(t.app, '532326', 'cun');
  township = await login(t.app, '532326', 'xiang');
  expect((await author.send('PUT', '/api/processes/copy-review/draft', review)).json()).toMatchObject({ ok: true });
  expect((await author.send('POST', '/api/processes/copy-review/publish', {})).statusCode).toBe(200);
});
afterAll(() => t.close());

/** A submitted case, and the ids of people it may be copied to (the copier excluded). */
async function submitted(): Promise<{ id: string; people: string[] }> {
  const { id } = (await cadre.send('POST', '/api/cases', { processId: 'copy-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
  expect((await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT' })).statusCode).toBe(200);
  const page = (await township.get(`/api/cases/${id}`)).json() as { copyTo: { id: string }[] };
  return { id, people: page.copyTo.map((p) => p.id) };
}

interface ErrorBody { error: { code: string; message: string; details: { path: string; field?: string; message: string }[] } }

describe(`抄送 has limits, and is not a decision (${dbKind})`, () => {
  it('a 抄送 by someone else leaves the starter free to withdraw; a decision does not', async () => {
    const c = await submitted();
    expect((await township.send('POST', `/api/cases/${c.id}/copy`, { to: c.people.slice(0, 1), comment: '请知悉' })).statusCode).toBe(200);
    expect(((await cadre.get(`/api/cases/${c.id}`)).json() as { canWithdraw: boolean }).canWithdraw).toBe(true);
    const withdrawn = await cadre.send('POST', `/api/cases/${c.id}/withdraw`, {});
    expect(withdrawn.statusCode).toBe(200);
    expect(withdrawn.json()).toMatchObject({ status: 'done', outcome: 'cancelled' });

    const decided = await submitted();
    expect((await township.send('POST', `/api/cases/${decided.id}/events`, { type: 'APPROVE' })).statusCode).toBe(200);
    const late = await cadre.send('POST', `/api/cases/${decided.id}/withdraw`, {});
    expect((late.json() as ErrorBody).error.code).toBe('CF_WITHDRAW_TOO_LATE');
  });

  it('a case is copied to at most COPY_MAX_PER_CASE people, and a person copies at most COPY_MAX_PER_DAY a day', async () => {
    const a = await submitted();
    expect(a.people.length).toBeGreaterThanOrEqual(3);
    expect((await cadre.send('POST', `/api/cases/${a.id}/copy`, { to: a.people.slice(0, 2) })).statusCode).toBe(200);
    const over = await cadre.send('POST', `/api/cases/${a.id}/copy`, { to: a.people.slice(1, 3) });
    expect(over.statusCode).toBe(429);
    const error = (over.json() as ErrorBody).error;
    expect(error.code).toBe('CF_COPY_LIMIT');
    expect(error.details[0]).toMatchObject({ path: '/to', field: '抄送给', message: '「抄送给」这个案件已抄送 2 人，每个案件最多抄送 3 人' });
    expect((await cadre.send('POST', `/api/cases/${a.id}/copy`, { to: a.people.slice(2, 3) })).statusCode).toBe(200);

    // The cadre has copied 3 people today (the township's copy in the first test is the township's own): 2 more on another case, then no more.
    const b = await submitted();
    expect((await cadre.send('POST', `/api/cases/${b.id}/copy`, { to: b.people.slice(0, 2) })).statusCode).toBe(200);
    const tired = await cadre.send('POST', `/api/cases/${b.id}/copy`, { to: b.people.slice(2, 3) });
    expect(tired.statusCode).toBe(429);
    expect((tired.json() as ErrorBody).error.details[0]!.message).toBe('「抄送给」您 24 小时内已抄送 5 人，每人每天最多抄送 5 人');
    // Refused 抄送 tell nobody and leave no event.
    const history = (await cadre.get(`/api/cases/${b.id}/history`)).json() as { kind: string }[];
    expect(history.filter((h) => h.kind === 'copy')).toHaveLength(1);
  });
});
