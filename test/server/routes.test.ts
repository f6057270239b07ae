import { buildApp } from '../../server/app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../server/errors';
import { createTestApp, dbKind, dropSchema, login, type Client, type TestApp } from '../helpers/testApp';
import { template } from '../helpers/definitions';
import { registration } from '../helpers/people';

let t: TestApp;
let author: Client;
let cadre: Client;
let township: Client;
let supervisor: Client;

beforeAll(async () => {
  t = await createTestApp();
  author = await login(t.app, '532326', 'xinxi');
  cadre = await login(t.app, '532326', 'cun');
  township = await login(t.app, '532326', 'xiang');
  supervisor = await login(t.app, '532326', 'jiandu');
});
afterAll(() => t.close());

describe(`the rest of the API (${dbKind})`, () => {
  it('GET /health answers ok, naming the database it reaches and that it takes writes', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health' })).json()).toEqual({
      ok: true,
      database: { kind: dbKind, host: dbKind === 'postgres' ? new URL(process.env.DATABASE_URL!).host : 'memory', writable: true },
    });
  });

  it('GET /api/me names the user, county and grants', async () => {
    const me = (await township.get('/api/me')).json();
    expect(me).toMatchObject({ username: 'xiang', county: { code: '532326', name: '大姚县' }, grants: [{ role: 'township_reviewer', unitId: 'jinbi', unitName: '金碧镇', level: 'township' }] });
  });

  it('GET /api/org-units shows the caller\'s subtree only', async () => {
    const units = (await township.get('/api/org-units')).json() as { id: string }[];
    expect(units.map((u) => u.id)).toEqual(['jinbi', 'jinbi-dongshan', 'dongshan-branch', 'xiaokangyuan', 'xky-site', 'xky-committee', 'xky-branch', 'xky-station', 'xky-b1', 'xky-b2', 'xky-b3']);
    expect(units.map((u) => u.id)).not.toContain('tanhua');
    const all = (await supervisor.get('/api/org-units')).json() as { id: string }[];
    expect(all.map((u) => u.id)).toContain('tanhua');
  });

  it('lists processes and returns one definition', async () => {
    const list = (await cadre.get('/api/processes')).json() as { id: string; version: number }[];
    expect(list.map((p) => p.id)).toEqual(['branch-standard', 'dividend', 'dividend-receipt', 'micro-loan', 'relocation']);
    const one = (await cadre.get('/api/processes/relocation')).json() as { version: number; definition: { title: string } };
    expect(one).toMatchObject({ version: 1, definition: { title: '易地扶贫搬迁动员' } });
    expect((await cadre.get('/api/processes/nope')).statusCode).toBe(404);
  });

  it('checks a definition without saving; lets only the author save and publish; refuses a draft with problems', async () => {
    const def = template('relocation');
    def.title = '易地扶贫搬迁动员（礼县试点）';
    expect((await cadre.send('POST', '/api/processes/relocation/check', def)).statusCode).toBe(403);
    const checked = (await author.send('POST', '/api/processes/relocation/check', def)).json();
    expect(checked).toMatchObject({ ok: true, problems: [] });
    const broken = { ...def, machine: { ...def.machine, initial: 'nowhere' } };
    const bad = (await author.send('POST', '/api/processes/relocation/check', broken)).json() as { ok: boolean; problems: { code: string; path: string }[] };
    expect(bad.problems).toContainEqual(expect.objectContaining({ code: 'initial-invalid', path: '/machine/initial' }));
    expect((await cadre.send('PUT', '/api/processes/relocation/draft', def)).statusCode).toBe(403);
    expect((await author.send('PUT', '/api/processes/relocation/draft', broken)).statusCode).toBe(200);
    const refused = await author.send('POST', '/api/processes/relocation/publish', {});
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('CF_DEFINITION_INVALID');
    expect((await cadre.get('/api/processes/relocation')).json().version).toBe(1);
    await author.send('PUT', '/api/processes/relocation/draft', def);
    const published = await author.send('POST', '/api/processes/relocation/publish', { note: '试点' });
    expect(published.json()).toMatchObject({ id: 'relocation', version: 2, warnings: expect.any(Array) });
    expect((await cadre.get('/api/processes/relocation')).json()).toMatchObject({ version: 2, definition: { title: '易地扶贫搬迁动员（礼县试点）' } });
  });

  it('keeps running cases on their version after a new one is published', async () => {
    const c = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string; processVersion: number };
    const def = template('relocation');
    def.description = '第三版';
    await author.send('PUT', '/api/processes/relocation/draft', def);
    await author.send('POST', '/api/processes/relocation/publish', {});
    const after = (await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: registration() })).json() as { processVersion: number };
    expect(after.processVersion).toBe(c.processVersion);
  });

  it('GET /api/dashboard counts by unit and state for the caller\'s subtree', async () => {
    for (let i = 0; i < 2; i++) await cadre.send('POST', '/api/cases', { processId: 'dividend', orgUnitId: 'xiaokangyuan' });
    const dash = (await township.get('/api/dashboard?processId=dividend')).json() as { total: number; rows: { unitId: string; unitName: string; state: string; count: number }[] };
    expect(dash.rows).toContainEqual(expect.objectContaining({ unitId: 'xiaokangyuan', unitName: '小康苑社区', state: 'planning', count: 2 }));
    const county = (await supervisor.get('/api/dashboard?processId=dividend')).json() as { rows: { unitId: string; count: number }[] };
    expect(county.rows).toContainEqual(expect.objectContaining({ unitId: 'jinbi', count: 2 }));
    const other = await login(t.app, '532326', 'xiang2');
    expect(((await other.get('/api/dashboard?processId=dividend')).json() as { total: number }).total).toBe(0);
  });

  it('a process whose machine has no id: its case shows the current step, its dashboard keeps the process order', async () => {
    const def = template('relocation');
    def.id = 'relocation-plain';
    delete def.machine.id;
    expect((await author.send('PUT', '/api/processes/relocation-plain/draft', def)).statusCode).toBe(200);
    expect((await author.send('POST', '/api/processes/relocation-plain/publish', {})).statusCode).toBe(200);
    const a = (await cadre.send('POST', '/api/cases', { processId: 'relocation-plain', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const b = (await cadre.send('POST', '/api/cases', { processId: 'relocation-plain', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await cadre.send('POST', `/api/cases/${b.id}/events`, { type: 'SUBMIT', data: registration() });
    const shown = (await cadre.get(`/api/cases/${a.id}`)).json() as { progress: { label: string; state: string }[] };
    expect(shown.progress.slice(0, 2)).toEqual([{ label: '摸底登记', state: 'current' }, { label: '乡镇审核', state: 'todo' }]);
    const dash = (await township.get('/api/dashboard?processId=relocation-plain')).json() as { columns: { state: string; label: string }[] };
    expect(dash.columns.map((c) => c.label)).toEqual(['摸底登记', '乡镇审核']);
  });

  it('GET /api/dashboard gives the step columns in the process\'s order, with totals and shares', async () => {
    const a = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
    await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
    await cadre.send('POST', `/api/cases/${a.id}/events`, { type: 'SUBMIT', data: registration() });
    const b = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await cadre.send('POST', `/api/cases/${b.id}/events`, { type: 'SUBMIT', data: registration() });
    expect((await township.send('POST', `/api/cases/${b.id}/events`, { type: 'APPROVE' })).statusCode).toBe(200);
    const dash = (await township.get('/api/dashboard?processId=relocation')).json() as { total: number; columns: { state: string; label: string; count: number; percent: number }[] };
    const labels = dash.columns.map((c) => c.label);
    // Registration, township review, county approval: the process's order (alphabetically countyReview would come first).
    expect(dash.columns.map((c) => c.state).slice(0, 3)).toEqual(['registering', 'townshipReview', 'countyReview']);
    expect(labels.slice(0, 3)).toEqual(['摸底登记', '乡镇审核', '县搬迁办审批']);
    const reg = dash.columns.find((c) => c.label === '摸底登记')!;
    expect(reg.percent).toBeCloseTo((reg.count / dash.total) * 100, 0);
    expect(dash.columns.reduce((n, c) => n + c.count, 0)).toBe(dash.total);
    // A date range counts the cases started in it (Beijing days): today's, none from tomorrow on; the drill-down list agrees.
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const tomorrow = new Date(Date.now() + 32 * 3_600_000).toISOString().slice(0, 10);
    const ranged = (await township.get(`/api/dashboard?processId=relocation&from=${today}&to=${today}`)).json() as { total: number };
    expect(ranged.total).toBeGreaterThanOrEqual(4);
    expect(ranged.total).toBeLessThanOrEqual(dash.total);
    expect(((await township.get(`/api/dashboard?processId=relocation&from=${tomorrow}`)).json() as { total: number }).total).toBe(0);
    const listed = (await township.get(`/api/cases?processId=relocation&createdFrom=${today}&createdTo=${today}&pageSize=1`)).json() as { total: number };
    expect(listed.total).toBe(ranged.total);
    expect((await township.get('/api/dashboard?processId=relocation&from=2026-13-40')).statusCode).toBe(400);
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/session', '/api/cases', '/api/cases/{id}/events', '/api/tasks', '/api/dashboard', '/api/audit/verify', '/api/cases/export', '/api/cases/import']) expect(Object.keys(doc.paths)).toContain(path);
    expect((await t.app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
  });

  it('documents every error code in the catalogue with a Chinese message', () => {
    for (const [code, e] of Object.entries(errorCatalogue)) {
      expect(code).toMatch(/^CF_[A-Z_]+$/);
      expect(e.message).toMatch(/[\u4e00-\u9fff]/);
    }
  });
});

describe(`health when the database is down (${dbKind})`, () => {
  it('answers 503', async () => {
    const down = await createTestApp();
    await down.db.close();
    const res = await down.app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    await down.app.close();
    if (down.config.databaseUrl) await dropSchema(down.config.databaseUrl, down.config.dbSchema);
  });

  it('answers 503 within seconds when the database does not answer at all (a pool with no free connection)', async () => {
    const hung = await buildApp({ ...t.db, ping: () => new Promise<boolean>(() => undefined) }, t.config, { logger: false });
    try {
      const res = await hung.inject({ method: 'GET', url: '/health' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ ok: false, error: '数据库不可达' });
    } finally {
      await hung.close();
    }
  });
});

describe(`dashboard counters (${dbKind})`, () => {
  it('agree with the case rows after starts, steps, returns and closes', async () => {
    const app = await createTestApp();
    try {
      const cadre = await login(app.app, '532326', 'cun');
      const reviewer = await login(app.app, '532326', 'xiang');
      for (let i = 0; i < 4; i++) {
        const c = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
        if (i > 0) await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: registration() });
        if (i > 1) await reviewer.send('POST', `/api/cases/${c.id}/events`, { type: 'RETURN', data: { reason: '补充材料' } });
      }
      // Each case counts in its lane's row: the counters are the sum over lanes.
      const fromCounters = await app.db.run('*', (k) => k.selectFrom('case_counts').select(['process_id', 'org_path', 'state', 'status', (eb) => eb.fn.sum<number>('n').as('n')])
        .groupBy(['process_id', 'org_path', 'state', 'status']).having((eb) => eb.fn.sum('n'), '<>', 0).orderBy(['process_id', 'org_path', 'state', 'status']).execute());
      const fromRows = await app.db.run('*', (k) => k.selectFrom('cases').select(['process_id', 'org_path', 'state', 'status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy(['process_id', 'org_path', 'state', 'status']).orderBy(['process_id', 'org_path', 'state', 'status']).execute());
      expect(fromCounters.map((r) => ({ ...r, n: Number(r.n) }))).toEqual(fromRows.map((r) => ({ ...r, n: Number(r.n) })));
      const dash = (await reviewer.get('/api/dashboard?processId=relocation')).json() as { rows: { state: string; count: number }[] };
      expect(dash.rows.find((r) => r.state === 'registering')!.count).toBe(3);
      expect(dash.rows.find((r) => r.state === 'townshipReview')!.count).toBe(1);
    } finally {
      await app.close();
    }
  });
});
