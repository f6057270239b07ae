import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let cadre: Client;

/** Ten references to a field joined with &: each computed field is ten times the one before. */
const tenfold = (x: string) => Array(10).fill(x).join(' & ');

/** A process whose form makes an 8 KB note 800 KB (two computed fields), and a step that appends visits to a list. */
const amplifier = {
  id: 'amplifier', title: '放大登记', caseLevel: 'village',
  roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' } },
  forms: {
    reg: {
      title: '登记',
      schema: {
        type: 'object',
        properties: {
          note: { type: 'string', title: '备注', maxLength: 8000 },
          x1: { type: 'string', title: '放大一', formula: tenfold('note') },
          x2: { type: 'string', title: '放大二', formula: tenfold('x1') },
        },
      },
    },
    visit: { title: '走访', schema: { type: 'object', properties: { said: { type: 'string', title: '走访情况', maxLength: 200 } } } },
  },
  events: {
    SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre'], data: 'reg' },
    VISIT: { label: '记录走访', kind: 'other', roles: ['village_cadre'], data: 'visit' },
  },
  machine: {
    id: 'amp', initial: 'start',
    states: {
      start: {
        meta: { label: '登记', assignee: 'village_cadre', form: 'reg' },
        on: { SUBMIT: { target: 'done', actions: [{ type: 'save' }] }, VISIT: { actions: [{ type: 'append', params: { to: 'visits', stamp: true } }] } },
      },
      done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
    },
  },
};

beforeAll(async () => {
  t = await createTestApp({ stepLimits: { bytes: 512 * 1024, listRows: 3 } });
  const author = await login(t.app, '532326', 'xinxi');
  cadre = await login(t.app, '532326', 'cun');
  const saved = (await author.send('PUT', '/api/processes/amplifier/draft', amplifier)).json() as { ok: boolean };
  expect(saved, JSON.stringify(saved)).toMatchObject({ ok: true });
  expect((await author.send('POST', '/api/processes/amplifier/publish', { note: '放大' })).statusCode).toBe(200);
});
afterAll(() => t.close());

const eventBytes = (caseId: string) => t.db.run('532326', async (k) => (await sql<{ n: number; bytes: number }>`SELECT count(*)::int AS n, coalesce(sum(octet_length(body)), 0)::int AS bytes FROM case_events WHERE county_id = '532326' AND case_id = ${caseId}`.execute(k)).rows[0]!);

interface ErrorBody { error: { code: string; message: string; details: { path: string; field?: string; message: string }[] } }

describe(`what one step may store is limited before it is written (${dbKind})`, () => {
  it('an 8 KB note that computed fields make 800 KB is refused with 413, naming the field; nothing is stored', async () => {
    const { id, rev } = (await cadre.send('POST', '/api/cases', { processId: 'amplifier', orgUnitId: 'xiaokangyuan' })).json() as { id: string; rev: number };
    const before = await eventBytes(id);
    const r = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { note: 'x'.repeat(8000) } });
    expect(r.statusCode).toBe(413);
    const error = (r.json() as ErrorBody).error;
    expect(error.code).toBe('CF_STEP_TOO_LARGE');
    expect(error.message).toBe('这一步要保存的内容超过了上限，案件没有任何改变');
    expect(error.details[0]).toMatchObject({ path: '/x2', field: '放大二' });
    expect(error.details[0]!.message).toContain('超过了每一步最多保存的 512 KB');
    expect(await eventBytes(id)).toEqual(before);
    expect(((await cadre.get(`/api/cases/${id}`)).json() as { case: { rev: number } }).case.rev).toBe(rev);
    const small = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { note: 'x'.repeat(400) } });
    expect(small.statusCode).toBe(200);
  });

  it('a list grown by append holds LIST_MAX_ROWS rows: the next visit is refused, naming the list', async () => {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'amplifier', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    for (let i = 1; i <= 3; i++) expect((await cadre.send('POST', `/api/cases/${id}/events`, { type: 'VISIT', data: { said: `第 ${i} 次` } })).statusCode).toBe(200);
    const before = await eventBytes(id);
    const r = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'VISIT', data: { said: '第 4 次' } });
    expect(r.statusCode).toBe(413);
    const error = (r.json() as ErrorBody).error;
    expect(error.code).toBe('CF_STEP_TOO_LARGE');
    expect(error.details[0]).toMatchObject({ path: '/visits', field: 'visits', message: '列表「visits」最多保存 3 行，已经满了，不能再追加' });
    expect(await eventBytes(id)).toEqual(before);
  });
});
