import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { fireDueTimers } from '../../server/timers/fireDueTimers';
import { idNumber, registration } from '../helpers/people';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let cadre: Client;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await createTestApp();
  cadre = await login(t.app, '532326', 'cun');
});
afterAll(() => t.close());

/** Scrapes /metrics as Prometheus would from the server's own machine. */
const scrape = async (app: FastifyInstance = t.app) => {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode, res.body).toBe(200);
  return res.body;
};

/** The value of one series in a scrape (0 when absent). */
const value = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
};

describe(`/metrics (${dbKind})`, () => {
  it('counts requests under their route pattern, and steps by process, event and outcome', async () => {
    const before = await scrape();
    const started = await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
    expect(started.statusCode, started.body).toBe(201);
    const id = (started.json() as { id: string }).id;
    expect((await cadre.get(`/api/cases/${id}`)).statusCode).toBe(200);
    expect((await cadre.send('POST', `/api/cases/${id}/events`, { type: 'NO_SUCH_EVENT' })).statusCode).toBe(422);
    const after = await scrape();
    expect(after).toContain('# TYPE cf_http_request_duration_seconds histogram');
    const caseReads = 'cf_http_request_duration_seconds_count{method="GET",route="/api/cases/:id",status="200"}';
    expect(value(after, caseReads) - value(before, caseReads)).toBe(1);
    expect(after).not.toContain(id);
    const starts = 'cf_steps_total{process="relocation",event="start",outcome="accepted"}';
    expect(value(after, starts) - value(before, starts)).toBe(1);
    // An event the process does not have is counted, but its name is not a label anyone can invent.
    expect(value(after, 'cf_steps_total{process="relocation",event="other",outcome="CF_UNKNOWN_EVENT"}')).toBeGreaterThanOrEqual(1);
    expect(after).not.toContain('NO_SUCH_EVENT');
  });

  it('counts the steps the field app made without signal and sent later, and those that arrived over an hour late', async () => {
    const late = 'cf_offline_late_total{process="relocation"}';
    const offline = 'cf_offline_delay_seconds_count{process="relocation"}';
    const withinHour = 'cf_offline_delay_seconds_bucket{le="3600",process="relocation"}';
    const newCase = async () => ((await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string }).id;
    const submit = (id: string, headers: Record<string, string>) => cadre.send('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: registration() }, headers);
    const before = await scrape();

    // Made three hours ago in a village without signal, sent when the cadre came back.
    const first = await newCase();
    const queued = { 'idempotency-key': `offline-${first}`, 'x-queued-at': new Date(Date.now() - 3 * 3_600_000).toISOString() };
    expect((await submit(first, queued)).statusCode).toBe(200);
    // The phone did not hear the answer and sent it again: the same step, counted once.
    expect((await submit(first, queued)).headers['idempotent-replayed']).toBe('true');
    // Made five minutes ago; and one sent at once, with signal.
    expect((await submit(await newCase(), { 'x-queued-at': new Date(Date.now() - 5 * 60_000).toISOString() })).statusCode).toBe(200);
    expect((await submit(await newCase(), {})).statusCode).toBe(200);

    const after = await scrape();
    expect(value(after, offline) - value(before, offline)).toBe(2);
    expect(value(after, late) - value(before, late)).toBe(1);
    expect(value(after, withinHour) - value(before, withinHour)).toBe(1);

    for (const bad of ['yesterday', '2026-13-45T99:99:99Z']) {
      const refused = await submit(await newCase(), { 'x-queued-at': bad });
      expect(refused.statusCode).toBe(400);
      expect(refused.json()).toMatchObject({ error: { code: 'CF_VALIDATION', details: [{ path: '/x-queued-at', field: 'x-queued-at', message: expect.stringContaining('「x-queued-at」') }] } });
    }
    expect(value(await scrape(), offline)).toBe(value(after, offline));
  });

  it('counts a case started without signal and sent later by the outbox with the late steps, once however often it is sent', async () => {
    const late = 'cf_offline_late_total{process="relocation"}';
    const offline = 'cf_offline_delay_seconds_count{process="relocation"}';
    const replayedStarts = 'cf_steps_total{process="relocation",event="start",outcome="replayed"}';
    const start = (headers: Record<string, string>) => cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' }, headers);
    const before = await scrape();

    // Started two hours ago in a village without signal; the phone did not hear the answer and sent it again.
    const queued = { 'idempotency-key': `offline-start-${Date.now()}`, 'x-queued-at': new Date(Date.now() - 2 * 3_600_000).toISOString() };
    const first = await start(queued);
    expect(first.statusCode, first.body).toBe(201);
    const again = await start(queued);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((again.json() as { id: string }).id).toBe((first.json() as { id: string }).id);
    // Started ten minutes ago; and one started with signal.
    expect((await start({ 'x-queued-at': new Date(Date.now() - 10 * 60_000).toISOString() })).statusCode).toBe(201);
    expect((await start({})).statusCode).toBe(201);

    const after = await scrape();
    expect(value(after, offline) - value(before, offline)).toBe(2);
    expect(value(after, late) - value(before, late)).toBe(1);
    expect(value(after, replayedStarts) - value(before, replayedStarts)).toBe(1);

    const refused = await start({ 'x-queued-at': '2026-13-45T99:99:99Z' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: { code: 'CF_VALIDATION', details: [{ path: '/x-queued-at', field: 'x-queued-at', message: expect.stringContaining('「x-queued-at」') }] } });
    expect(value(await scrape(), offline)).toBe(value(after, offline));
  });

  it('counts the cases a roster import starts, once it is committed', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('名册');
    sheet.addRow(['组织单位', '户主姓名', '户主身份证号', '建档立卡贫困户', '现住房情况']);
    sheet.addRow(['小康苑社区', '孙指标', idNumber('532326', '19700606', '301'), '是', '土木结构危房']);
    sheet.addRow(['小康苑社区', '李指标', idNumber('532326', '19700707', '302'), '否', '砖木结构']);
    const file = Buffer.from(await book.xlsx.writeBuffer());
    const upload = (dryRun: 0 | 1) => t.app.inject({ method: 'POST', url: `/api/cases/import?processId=relocation&dryRun=${dryRun}`, cookies: { cf_session: cadre.cookie }, headers: { 'x-csrf-token': cadre.csrf, 'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }, payload: file });
    const imports = 'cf_steps_total{process="relocation",event="import",outcome="accepted"}';
    const before = value(await scrape(), imports);
    expect((await upload(1)).json()).toMatchObject({ created: 0, errors: [] });
    expect(value(await scrape(), imports)).toBe(before);
    expect((await upload(0)).json()).toMatchObject({ created: 2, errors: [] });
    expect(value(await scrape(), imports) - before).toBe(2);
  });

  it('counts timers fired and how late they were, and shows the outbox and the pool', async () => {
    const c = (await cadre.send('POST', '/api/cases', { processId: 'dividend', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const households = [{ name: '农户甲', idNumber: idNumber('532326', '19650101', '201'), shares: 2 }];
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: { project: '光伏电站收益', source: '股金', amount: 1000, households } })).statusCode).toBe(200);
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'RECORD_MEETING', data: { heldOn: '2026-06-02', attendees: 31, approved: true } })).statusCode).toBe(200);
    const before = await scrape();
    expect(await fireDueTimers(t.db, new Date(Date.now() + 7 * DAY + 60_000))).toBeGreaterThanOrEqual(1);
    const after = await scrape();
    expect(value(after, 'cf_timers_fired_total{outcome="fired"}') - value(before, 'cf_timers_fired_total{outcome="fired"}')).toBeGreaterThanOrEqual(1);
    // Fired a minute past a seven-day deadline: the lag is counted in the 300 s bucket, not the 30 s one.
    expect(value(after, 'cf_timer_lag_seconds_bucket{le="300"}') - value(after, 'cf_timer_lag_seconds_bucket{le="30"}')).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/^cf_timers_due \d+$/m);
    expect(after).toMatch(/^cf_delivery_backlog 0$/m);
    expect(after).toMatch(/^cf_db_up 1$/m);
    expect(value(after, 'cf_db_pool_connections{state="max"}')).toBeGreaterThanOrEqual(1);
    expect(after).toContain('process_resident_memory_bytes');
  });

  it('refuses other addresses (403) unless they are allowed, and a wrong token (401)', async () => {
    const from = (app: FastifyInstance, remoteAddress: string, authorization?: string) =>
      app.inject({ method: 'GET', url: '/metrics', remoteAddress, ...(authorization ? { headers: { authorization } } : {}) });
    const refused = await from(t.app, '203.0.113.9');
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: { code: 'CF_METRICS_FORBIDDEN', message: '该地址无权读取监控指标（只允许 METRICS_ALLOW 中的地址，默认仅本机）', details: [] } });
    expect((await from(t.app, '::ffff:127.0.0.1')).statusCode).toBe(200);

    const guarded = await buildApp(t.db, { ...t.config, metricsToken: 'prometheus-secret-1', metricsAllow: ['10.0.0.0/8'] }, { logger: false });
    try {
      const wrong = await from(guarded, '203.0.113.9', 'Bearer guess');
      expect(wrong.statusCode).toBe(401);
      expect((wrong.json() as { error: { code: string; message: string } }).error).toMatchObject({ code: 'CF_METRICS_TOKEN', message: '读取监控指标需要有效的令牌（Authorization: Bearer，见 METRICS_TOKEN）' });
      expect((await from(guarded, '203.0.113.9', 'Bearer prometheus-secret-1')).statusCode).toBe(200);
      expect((await from(guarded, '10.20.30.40')).statusCode).toBe(200);
      // The default (loopback) no longer holds once the list is set.
      expect((await from(guarded, '127.0.0.1')).statusCode).toBe(401);
    } finally {
      await guarded.close();
    }
  });
});

describe(`liveness and readiness (${dbKind})`, () => {
  it('are answered separately: live needs only the process, ready needs the database and every migration', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).json()).toEqual({ ok: true });
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ ok: true });

    // The same server whose database has gone away: alive (do not restart it), not ready (send it nothing).
    const down = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const lost = await buildApp({ ...t.db, run: () => Promise.reject(down), ping: async () => false }, t.config, { logger: false });
    try {
      expect((await lost.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
      const notReady = await lost.inject({ method: 'GET', url: '/health/ready' });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json()).toEqual({ ok: false, error: '数据库不可达' });
      expect((await lost.inject({ method: 'GET', url: '/health' })).statusCode).toBe(503);
      // Its own metrics (a second registry in this process) still answer, and say the database is down.
      expect(await scrape(lost)).toMatch(/^cf_db_up 0$/m);
    } finally {
      await lost.close();
    }
  });
});
