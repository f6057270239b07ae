import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let cadre: Client;

/** Money shared among people: the per-head amount is a computed field, a division by the people counted. */
const share = {
  id: 'share-out', title: '补助分配', caseLevel: 'village',
  roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' } },
  forms: {
    plan: {
      title: '分配方案',
      schema: {
        type: 'object',
        required: ['total', 'people'],
        properties: {
          total: { type: 'number', title: '补助总额（元）', minimum: 0, maximum: 10000000 },
          people: { type: 'integer', title: '分配人数', minimum: 0, maximum: 1000 },
          perHead: { type: 'number', title: '人均金额（元）', formula: 'ROUND(total / people, 2)' },
        },
      },
    },
  },
  events: { SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre'], data: 'step' } },
  machine: {
    id: 'share', initial: 'planning',
    states: {
      planning: { meta: { label: '制定方案', assignee: 'village_cadre', form: 'plan' }, on: { SUBMIT: { target: 'done', actions: [{ type: 'save' }] } } },
      done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
    },
  },
};

beforeAll(async () => {
  t = await createTestApp();
  const author = await login(t.app, '532326', 'xinxi');
  cadre = await login(t.app, '532326', 'cun');
  const saved = (await author.send('PUT', '/api/processes/share-out/draft', share)).json() as { ok: boolean };
  expect(saved, JSON.stringify(saved)).toMatchObject({ ok: true });
  expect((await author.send('POST', '/api/processes/share-out/publish', { note: '分配' })).statusCode).toBe(200);
});
afterAll(() => t.close());

const events = () => t.db.run('532326', async (k) => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM case_events WHERE county_id = '532326'`.execute(k)).rows[0]!.n));

interface ErrorBody { error: { code: string; message: string; details: { path: string; field?: string; message: string }[] } }

describe(`a number the definition cannot compute is refused, never stored (${dbKind})`, () => {
  const open = async () => (await cadre.send('POST', '/api/cases', { processId: 'share-out', orgUnitId: 'xiaokangyuan' })).json() as { id: string; rev: number };

  it('90,000 yuan shared by 0 people: 422 naming the computed field, nothing stored', async () => {
    const { id, rev } = await open();
    const before = await events();
    const r = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { total: 90000, people: 0, perHead: 500 } });
    expect(r.statusCode).toBe(422);
    const error = (r.json() as ErrorBody).error;
    expect(error.code).toBe('CF_FORMULA_ERROR');
    expect(error.message).toContain('计算字段「人均金额（元）」时，公式得到 #DIV/0!（除数为零）');
    expect(error.details).toEqual([{ path: '/perHead', field: '人均金额（元）', message: '「人均金额（元）」的公式得到 #DIV/0!（除数为零）' }]);
    expect(await events()).toBe(before);
    const view = (await cadre.get(`/api/cases/${id}`)).json() as { case: { rev: number; state: unknown } };
    expect(view.case).toMatchObject({ rev, state: 'planning' });
  });

  it('"12" typed into the number field: 400 naming the field, nothing stored', async () => {
    const { id } = await open();
    const before = await events();
    const r = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { total: '12', people: 3 } });
    expect(r.statusCode).toBe(400);
    const error = (r.json() as ErrorBody).error;
    expect(error.code).toBe('CF_INVALID_DATA');
    expect(error.details[0]).toMatchObject({ path: '/total', field: '补助总额（元）', message: '「补助总额（元）」应填写数字' });
    expect(await events()).toBe(before);
  });

  it('the same plan with 3 people is kept, the per-head amount computed by the server, not as sent', async () => {
    const { id } = await open();
    const r = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { total: 90000, people: 3, perHead: 1 } });
    expect(r.statusCode).toBe(200);
    expect((r.json() as { data: { plan: unknown } }).data.plan).toEqual({ total: 90000, people: 3, perHead: 30000 });
  });
});
