import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registration } from '../helpers/people';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let cadre: Client;
let author: Client;

beforeAll(async () => {
  t = await createTestApp();
  cadre = await login(t.app, '532326', 'cun');
  author = await login(t.app, '532326', 'xinxi');
});
afterAll(() => t.close());

/** Everything a request could have changed: cases, events, drafts, sessions. */
async function footprint() {
  return t.db.run('532326', async (k) => {
    const count = async (table: string) => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE county_id = '532326'`.execute(k)).rows[0]!.n);
    return { cases: await count('cases'), events: await count('case_events'), drafts: await count('definition_drafts') };
  });
}

const raw = (c: Client, method: 'POST' | 'PUT', url: string, payload: string) =>
  t.app.inject({ method, url, cookies: { cf_session: c.cookie }, headers: { 'x-csrf-token': c.csrf, 'content-type': 'application/json' }, payload });

interface ErrorBody { error: { code: string; message: string; details: { path: string; field?: string; message: string }[] } }

describe(`hostile input gets a 400 naming the field, and changes nothing (${dbKind})`, () => {
  it('JSON nested 10,000 deep in case data, event data or a definition', async () => {
    const before = await footprint();
    const deep = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const started = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const afterStart = await footprint();
    for (const [method, url, body] of [
      ['POST', '/api/cases', `{"processId":"relocation","orgUnitId":"xiaokangyuan","data":${deep}}`],
      ['POST', `/api/cases/${started.id}/events`, `{"type":"SUBMIT","data":${deep}}`],
    ] as const) {
      const r = await raw(cadre, method, url, body);
      expect(r.statusCode).toBe(400);
      expect((r.json() as ErrorBody).error.details[0]!.message).toContain('嵌套');
    }
    const def = await raw(author, 'PUT', '/api/processes/relocation/draft', deep);
    expect(def.statusCode).toBe(400);
    expect(await footprint()).toEqual(afterStart);
    expect(afterStart.cases).toBe(before.cases + 1);
  });

  it('a NUL character or a lone surrogate inside form data', async () => {
    const started = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string; rev: number };
    const before = await footprint();
    const withNul = registration() as unknown as { householder: string };
    withNul.householder = '李\u0000明';
    const r1 = await cadre.send('POST', `/api/cases/${started.id}/events`, { type: 'SUBMIT', data: withNul });
    expect(r1.statusCode).toBe(400);
    expect((r1.json() as ErrorBody).error.details[0]).toMatchObject({ path: '/data/householder', message: expect.stringContaining('「data.householder」含有不能保存的字符') });
    const text = JSON.stringify({ type: 'SUBMIT', data: { ...registration(), householder: 'PLACEHOLDER' } }).replace('PLACEHOLDER', '李\\ud800明');
    const r2 = await raw(cadre, 'POST', `/api/cases/${started.id}/events`, text);
    expect(r2.statusCode).toBe(400);
    expect((r2.json() as ErrorBody).error.details[0]!.path).toBe('/data/householder');
    expect(await footprint()).toEqual(before);
  });

  it('?q=%00, ?state=%00, ?page=1e400 and ?version=2147483648', async () => {
    for (const [url, field] of [['/api/cases?q=%00', 'q'], ['/api/cases?state=%00', 'state'], ['/api/tasks?q=a%00b', 'q'], ['/api/cases?page=1e400', 'page'], ['/api/processes/relocation?version=2147483648', 'version']] as const) {
      const r = await cadre.get(url);
      expect(r.statusCode, url).toBe(400);
      expect((r.json() as ErrorBody).error.details.map((d) => d.field)).toContain(field);
    }
  });

  it('a login with a list for a name is refused, not coerced', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/session', payload: { county: '532326', username: ['cun'], password: 'demo1234' } });
    expect(r.statusCode).toBe(400);
    expect((r.json() as ErrorBody).error.details[0]).toMatchObject({ path: '/username', message: '「username」应填写文字' });
  });
});

describe(`the login limit cannot be walked around (${dbKind})`, () => {
  it('rotating X-Forwarded-For does not reset it: no proxy is trusted by default', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) {
      const r = await t.app.inject({ method: 'POST', url: '/api/session', headers: { 'x-forwarded-for': `10.0.${i}.${i}` }, payload: { county: '532326', username: 'zhen', password: 'wrong-password' } });
      statuses.push(r.statusCode);
    }
    // Five failures for the name, then it waits (a growing delay), whatever address the header claims.
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array(9).fill(429));
  });
});

describe(`nothing unchecked is stored (${dbKind})`, () => {
  it('start data may only prefill the first step\'s form: a planted 退回原因 is refused, naming it, and no case is created', async () => {
    const before = await footprint();
    const planted = await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan', data: { returned: { reason: '材料造假，已退回' } } });
    expect(planted.statusCode).toBe(400);
    expect((planted.json() as ErrorBody).error.details[0]).toMatchObject({ path: '/returned', message: expect.stringContaining('只能预填「摸底登记」') });
    const wrongType = await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan', data: { register: { householder: 42, nickname: '阿明' } } });
    expect(wrongType.statusCode).toBe(400);
    expect((wrongType.json() as ErrorBody).error.details.map((d) => d.path).sort()).toEqual(['/register/householder', '/register/nickname']);
    expect(await footprint()).toEqual(before);
    const prefilled = await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan', data: { register: { householder: '李明华' } } });
    expect(prefilled.statusCode).toBe(201);
    // What was prefilled, and the form's computed fields as the engine computes them (no member listed yet: 0).
    expect((prefilled.json() as { data: unknown }).data).toEqual({ register: { householder: '李明华', memberCount: 0 } });
  });

  it('a submission carrying a field its form does not define is refused with the field named, and nothing is stored', async () => {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const before = await footprint();
    const data = { ...registration(), attachment: 'x'.repeat(1_900_000) };
    data.members[0] = { ...data.members[0]!, secret: '备注' } as never;
    const r = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data });
    expect(r.statusCode).toBe(400);
    const details = (r.json() as ErrorBody).error.details;
    expect(details.map((d) => d.path).sort()).toEqual(['/attachment', '/members/0/secret']);
    expect(details.find((d) => d.path === '/members/0/secret')!.message).toBe('「家庭成员 › 第 1 项 › secret」表单中没有这一项，不能提交');
    expect(await footprint()).toEqual(before);
  });
});
