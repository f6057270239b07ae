import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let author: Client;
let cadre: Client;

/** Ten references to a field joined with &: each computed field is ten times the one before. */
const tenfold = (x: string) => Array(10).fill(x).join(' & ');

/** A process whose form amplifies what a cadre types (computed fields built on each other) and takes numbers with no maximum. */
const amplifier = {
  id: 'fault-trap', title: '故障陷阱', caseLevel: 'village',
  roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' } },
  forms: {
    reg: {
      title: '登记',
      schema: {
        type: 'object',
        properties: {
          note: { type: 'string', title: '备注', maxLength: 2000 },
          count: { type: 'number', title: '人数' },
          twice: { type: 'number', title: '两倍人数', formula: 'count * 2' },
          x1: { type: 'string', title: '放大一', formula: tenfold('note') },
          x2: { type: 'string', title: '放大二', formula: tenfold('x1') },
          x3: { type: 'string', title: '放大三', formula: tenfold('x2') },
        },
      },
    },
    short: {
      title: '补记',
      schema: {
        type: 'object',
        properties: {
          note: { type: 'string', title: '备注', maxLength: 2000 },
          x1: { type: 'string', title: '放大一', formula: tenfold('note') },
          x2: { type: 'string', title: '放大二', formula: tenfold('x1') },
        },
      },
    },
  },
  events: {
    SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre'], data: 'step' },
    NOTE: { label: '补记', kind: 'other', roles: ['village_cadre'], data: 'short' },
  },
  machine: {
    id: 'trap', initial: 'start',
    states: {
      start: {
        meta: { label: '登记', assignee: 'village_cadre', form: 'reg' },
        on: {
          SUBMIT: { target: 'done', actions: [{ type: 'save' }] },
          NOTE: { guard: { type: 'formula', params: { expr: `LEN(${tenfold('submitted.x2')}) > 0` } }, target: 'done' },
        },
      },
      done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
    },
  },
};

beforeAll(async () => {
  t = await createTestApp();
  author = await login(t.app, '532326', 'xinxi');
  cadre = await login(t.app, '532326', 'cun');
  const saved = (await author.send('PUT', '/api/processes/fault-trap/draft', amplifier)).json() as { ok: boolean };
  expect(saved, JSON.stringify(saved)).toMatchObject({ ok: true });
  expect((await author.send('POST', '/api/processes/fault-trap/publish', { note: '放大' })).statusCode).toBe(200);
});
afterAll(() => t.close());

const events = () => t.db.run('532326', async (k) => Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM case_events WHERE county_id = '532326'`.execute(k)).rows[0]!.n));

interface ErrorBody { error: { code: string; message: string; details: { path: string; field?: string; message: string }[] } }

describe(`a fault inside a definition's evaluation is refused, never a 500 (${dbKind})`, () => {
  it('a number field given 1e308 with no maximum: 400 naming the field, nothing stored', async () => {
    const { id, rev } = (await cadre.send('POST', '/api/cases', { processId: 'fault-trap', orgUnitId: 'xiaokangyuan' })).json() as { id: string; rev: number };
    const before = await events();
    const r = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { count: 1e308 } });
    expect(r.statusCode).toBe(400);
    const error = (r.json() as ErrorBody).error;
    expect(error.code).toBe('CF_INVALID_DATA');
    expect(error.details[0]).toMatchObject({ path: '/count', field: '人数', message: '「人数」不能大于 1000000000000000' });
    expect(await events()).toBe(before);
    expect(((await cadre.get(`/api/cases/${id}`)).json() as { case: { rev: number } }).case.rev).toBe(rev);
  });

  it('a computed field that would build a text past the engine\'s limit: 422 naming the field, nothing stored', async () => {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'fault-trap', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const before = await events();
    const r = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { note: '长'.repeat(2000) } });
    expect(r.statusCode).toBe(422);
    const error = (r.json() as ErrorBody).error;
    expect(error.code).toBe('CF_DEFINITION_RUNAWAY');
    expect(error.message).toContain('计算字段「放大三」的公式得到的文字超过 1000000 个字');
    expect(error.details[0]).toMatchObject({ path: '/x3', field: '放大三' });
    expect(await events()).toBe(before);
  });

  it('a guard\'s formula that would build such a text: 422 naming the step', async () => {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'fault-trap', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const r = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'NOTE', data: { note: 'x'.repeat(2000) } });
    expect(r.statusCode).toBe(422);
    const error = (r.json() as ErrorBody).error;
    expect(error.code).toBe('CF_DEFINITION_RUNAWAY');
    expect(error.message).toContain('在「登记」(trap.start)公式得到的文字超过');
  });

  it('the same form with a short note is accepted', async () => {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'fault-trap', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const r = await cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { note: '甲', count: 3 } });
    expect(r.statusCode).toBe(200);
    expect((r.json() as { data: { reg: { twice: number; x3: string } } }).data.reg).toMatchObject({ twice: 6, x3: '甲'.repeat(1000) });
  });
});
