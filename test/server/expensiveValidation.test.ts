import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let cadre: Client;

/** A roster table whose rows must all differ, with no maxItems: the author left the bound to the engine. */
const roster = {
  id: 'roster-check', title: '花名册核对', caseLevel: 'village',
  roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' } },
  forms: {
    roster: {
      title: '花名册',
      schema: {
        type: 'object',
        properties: {
          households: {
            type: 'array', title: '农户', uniqueItems: true,
            items: { type: 'object', properties: { group: { type: 'string', title: '村民小组' }, name: { type: 'string', title: '户主' } } },
          },
        },
      },
    },
  },
  events: { SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre'], data: 'step' } },
  machine: {
    id: 'roster', initial: 'start',
    states: {
      start: { meta: { label: '登记', assignee: 'village_cadre', form: 'roster' }, on: { SUBMIT: { target: 'done', actions: [{ type: 'save' }] } } },
      done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
    },
  },
};

beforeAll(async () => {
  t = await createTestApp();
  const author = await login(t.app, '532326', 'xinxi');
  cadre = await login(t.app, '532326', 'cun');
  const saved = (await author.send('PUT', '/api/processes/roster-check/draft', roster)).json() as { ok: boolean };
  expect(saved, JSON.stringify(saved)).toMatchObject({ ok: true });
  expect((await author.send('POST', '/api/processes/roster-check/publish', {})).statusCode).toBe(200);
});
afterAll(() => t.close());

const households = (n: number) => Array.from({ length: n }, (_, i) => ({ group: '第一村民小组', name: `第${i}户` }));

describe(`a uniqueItems table costs the server a bounded time (${dbKind})`, () => {
  it('10,000 distinct rows with no maxItems: refused at once, naming the table and the default bound', async () => {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'roster-check', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const t0 = performance.now();
    const r = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { households: households(10_000) } });
    expect(performance.now() - t0).toBeLessThan(1500);
    expect(r.statusCode).toBe(400);
    const error = (r.json() as { error: { code: string; details: { path: string; field: string; message: string }[] } }).error;
    expect(error.code).toBe('CF_INVALID_DATA');
    expect(error.details).toEqual([{ path: '/households', field: '农户', message: '「农户」最多只能有 1000 项，现在超出了' }]);
  });

  it('1,000 rows are accepted, and a repeat among them is named by its rows', async () => {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'roster-check', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const rows = households(1000);
    rows[999] = { ...rows[10]! };
    const dup = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { households: rows } });
    expect(dup.statusCode).toBe(400);
    expect((dup.json() as { error: { details: { message: string }[] } }).error.details[0]!.message).toBe('「农户」第 11 项和第 1000 项重复了');
    expect((await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { households: households(1000) } })).statusCode).toBe(200);
  });
});
