import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fireDueTimers } from '../../server/timers/fireDueTimers';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let author: Client;
let cadre: Client;
const logLines: string[] = [];

// A guard that always holds: the checker cannot know, so this cycle gets published; the budget must hold at run time.
const alwaysTrue = { type: 'matches', params: { schema: { type: 'object' } } };
const looping = {
  id: 'loop-trap', title: '循环陷阱', caseLevel: 'village',
  roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' } },
  forms: {},
  events: { GO: { label: '提交', kind: 'submit', roles: ['village_cadre'] } },
  machine: {
    id: 'trap', initial: 'start',
    states: {
      start: { meta: { label: '登记', assignee: 'village_cadre' }, on: { GO: 'checkA' } },
      checkA: { meta: { label: '甲核对' }, always: { target: 'checkB', guard: alwaysTrue } },
      checkB: { meta: { label: '乙核对' }, always: [{ target: 'checkA', guard: alwaysTrue }, { target: 'done' }] },
      done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
    },
  },
};

beforeAll(async () => {
  t = await createTestApp({}, { logStream: { write: (line) => void logLines.push(line) } });
  author = await login(t.app, '532326', 'xinxi');
  cadre = await login(t.app, '532326', 'cun');
});
afterAll(() => t.close());

describe(`a published definition that loops (${dbKind})`, () => {
  it('refuses the event within a second with CF_DEFINITION_RUNAWAY, keeps the case as it was, logs the fault, and /health keeps answering', async () => {
    expect((await author.send('PUT', '/api/processes/loop-trap/draft', looping)).json()).toMatchObject({ ok: true });
    expect((await author.send('POST', '/api/processes/loop-trap/publish', { note: '有循环' })).statusCode).toBe(200);
    const started = await cadre.send('POST', '/api/cases', { processId: 'loop-trap', orgUnitId: 'xiaokangyuan' });
    expect(started.statusCode).toBe(201);
    const { id, rev, state } = started.json() as { id: string; rev: number; state: string };

    const t0 = performance.now();
    const [event, health] = await Promise.all([cadre.send('POST', `/api/cases/${id}/events`, { type: 'GO' }), t.app.inject({ method: 'GET', url: '/health' })]);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(health.statusCode).toBe(200);
    expect(event.statusCode).toBe(422);
    const error = (event.json() as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('CF_DEFINITION_RUNAWAY');
    expect(error.message).toContain('「甲核对」(trap.checkA)');
    expect(error.message).toContain('案件没有任何改变');

    const after = (await cadre.get(`/api/cases/${id}`)).json() as { case: { rev: number; state: string } };
    expect(after.case).toMatchObject({ rev, state });
    const fault = logLines.map((l) => JSON.parse(l) as { msg: string; fault?: { processId: string; version: number } }).find((l) => l.msg === 'CF_DEFINITION_RUNAWAY');
    expect(fault?.fault).toMatchObject({ processId: 'loop-trap', version: 1 });
    expect((await t.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('a timer that sets the loop off is dropped with the fault logged; the case stays where it was', async () => {
    const timed = structuredClone(looping) as typeof looping & { id: string; machine: { states: Record<string, unknown> } };
    timed.id = 'loop-timer';
    timed.machine.states.start = { meta: { label: '登记', assignee: 'village_cadre' }, on: { GO: 'waiting' } };
    timed.machine.states.waiting = { meta: { label: '等待复核' }, after: { PT1H: 'checkA' } };
    expect((await author.send('PUT', '/api/processes/loop-timer/draft', timed)).json()).toMatchObject({ ok: true });
    expect((await author.send('POST', '/api/processes/loop-timer/publish', {})).statusCode).toBe(200);
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'loop-timer', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const waiting = (await cadre.send('POST', `/api/cases/${id}/events`, { type: 'GO' })).json() as { rev: number; state: string };
    expect(waiting.state).toBe('waiting');

    const logged: { msg: string; extra?: { reason?: string; fault?: { processId: string; version: number } } }[] = [];
    const fired = await fireDueTimers(t.db, new Date(Date.now() + 2 * 3600_000), 50, (msg, extra) => logged.push({ msg, extra: extra as never }));
    expect(fired).toBe(0);
    const dropped = logged.find((l) => l.extra?.reason === 'CF_DEFINITION_RUNAWAY');
    expect(dropped?.extra?.fault).toMatchObject({ processId: 'loop-timer', version: 1 });
    const after = (await cadre.get(`/api/cases/${id}`)).json() as { case: { rev: number; state: string } };
    expect(after.case).toMatchObject({ rev: waiting.rev, state: 'waiting' });
  });
});
