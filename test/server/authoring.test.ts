import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { registration } from '../helpers/people';

let t: TestApp;
let author: Client;
let cadre: Client;

beforeAll(async () => {
  t = await createTestApp();
  author = await login(t.app, '532326', 'xinxi');
  cadre = await login(t.app, '532326', 'cun');
});
afterAll(() => t.close());

interface LibraryEntry { id: string; title: string; extends: string | null; draft: { updatedAt: string } | null; versions: { version: number; activeCases: number; closedCases: number; note: string }[] }

describe(`authoring API (${dbKind})`, () => {
  it('the library lists every process with the template it extends and live cases per version; authors only', async () => {
    expect((await cadre.get('/api/library')).statusCode).toBe(403);
    const started = await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xky-b1', data: { register: registration() } });
    expect(started.statusCode).toBe(201);
    const lib = (await author.get('/api/library')).json() as LibraryEntry[];
    expect(lib.map((p) => p.id)).toEqual(['branch-standard', 'dividend', 'dividend-receipt', 'micro-loan', 'relocation']);
    const relocation = lib.find((p) => p.id === 'relocation')!;
    expect(relocation).toMatchObject({ extends: 'relocation', draft: null, versions: [{ version: 1, activeCases: 1, closedCases: 0 }] });
  });

  it('a brand-new process: saved as a draft, read back, published as version 1, discarded drafts are gone', async () => {
    const def = {
      id: 'job-apply', title: '公益性岗位申请', caseLevel: 'village',
      roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' } },
      forms: { apply: { title: '申请', schema: { type: 'object', properties: { name: { type: 'string', title: '姓名' } } } } },
      events: { SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre'], data: 'step' } },
      machine: { id: 'job', initial: 'filling', states: { filling: { meta: { label: '填写', form: 'apply', assignee: 'village_cadre' }, on: { SUBMIT: { target: 'done', actions: [{ type: 'save' }] } } }, done: { type: 'final', meta: { label: '完成', outcome: 'completed' } } } },
    };
    expect((await author.get('/api/processes/job-apply/draft')).statusCode).toBe(404);
    expect((await author.send('PUT', '/api/processes/job-apply/draft', def)).json()).toMatchObject({ ok: true });
    expect((await author.get('/api/processes/job-apply/draft')).json()).toMatchObject({ id: 'job-apply', body: def });
    let lib = (await author.get('/api/library')).json() as LibraryEntry[];
    expect(lib.find((p) => p.id === 'job-apply')).toMatchObject({ title: '公益性岗位申请', extends: null, versions: [] });
    expect((await author.send('POST', '/api/processes/job-apply/publish', { note: '首版' })).json()).toEqual({ id: 'job-apply', version: 1, warnings: [] });
    lib = (await author.get('/api/library')).json() as LibraryEntry[];
    expect(lib.find((p) => p.id === 'job-apply')).toMatchObject({ draft: null, versions: [{ version: 1, note: '首版', activeCases: 0 }] });
    await author.send('PUT', '/api/processes/job-apply/draft', { ...def, title: '改' });
    expect((await author.send('DELETE', '/api/processes/job-apply/draft')).statusCode).toBe(200);
    expect((await author.get('/api/processes/job-apply/draft')).statusCode).toBe(404);
  });

  it('two authors on one draft: the second save made from an old revision is refused (409) and changes nothing', async () => {
    const other = await login(t.app, '532326', 'xinxi');
    const base = { extends: 'relocation', patch: { title: '易地搬迁（甲）' } };
    const first = await author.send('PUT', '/api/processes/relocation/draft', base, { 'if-match': '0' });
    expect(first.json()).toMatchObject({ ok: true, rev: 1 });
    expect((await other.send('PUT', '/api/processes/relocation/draft', { extends: 'relocation', patch: { title: '乙' } }, { 'if-match': '1' })).json()).toMatchObject({ rev: 2 });
    const late = await author.send('PUT', '/api/processes/relocation/draft', { extends: 'relocation', patch: { title: '甲改' } }, { 'if-match': '1' });
    expect(late.statusCode).toBe(409);
    expect(late.json()).toMatchObject({ error: { code: 'CF_DRAFT_STALE', message: expect.stringContaining('其他管理员') } });
    expect((await author.get('/api/processes/relocation/draft')).json()).toMatchObject({ rev: 2, body: { patch: { title: '乙' } } });
    expect((await author.send('DELETE', '/api/processes/relocation/draft')).statusCode).toBe(200);
  });

  it('a county variation is kept as its patch: the version records what it extends, the server runs the merge', async () => {
    const variation = { extends: 'dividend-receipt', patch: { title: '分红签收（大姚）', forms: { receipt: { schema: { properties: { phone: { type: 'string', title: '联系电话', format: 'cn-mobile' } } } } } } };
    await author.send('PUT', '/api/processes/dividend-receipt/draft', variation);
    expect((await author.get('/api/processes/dividend-receipt/draft')).json()).toMatchObject({ body: variation });
    expect((await author.send('POST', '/api/processes/dividend-receipt/publish', {})).json()).toEqual({ id: 'dividend-receipt', version: 2, warnings: [] });
    const one = (await author.get('/api/processes/dividend-receipt')).json() as { definition: { title: string; forms: { receipt: { schema: { properties: Record<string, unknown> } } } } };
    expect(one.definition.title).toBe('分红签收（大姚）');
    expect(Object.keys(one.definition.forms.receipt.schema.properties)).toEqual(['received', 'signedOn', 'note', 'phone']);
    const lib = (await author.get('/api/library')).json() as LibraryEntry[];
    expect(lib.find((p) => p.id === 'dividend-receipt')).toMatchObject({ title: '分红签收（大姚）', extends: 'dividend-receipt' });
  });

  it('warns, naming the role by its label, when a step needs a role no user of the county holds; and when a spawned process does not exist', async () => {
    const def = {
      id: 'grid-visit', title: '网格走访', caseLevel: 'village',
      roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' }, grid_leader: { label: '网格长', level: 'grid', kind: 'cadre' } },
      forms: { visit: { title: '走访', schema: { type: 'object', properties: { note: { type: 'string', title: '情况' } } } } },
      events: { SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre', 'grid_leader'], data: 'step' } },
      machine: { id: 'gv', initial: 'start', states: {
        start: { meta: { label: '登记', form: 'visit', assignee: 'village_cadre' }, on: { SUBMIT: 'visiting' } },
        visiting: { meta: { label: '网格长走访', form: 'visit', assignee: 'grid_leader' }, on: { SUBMIT: { target: 'done', actions: [{ type: 'save' }] } } },
        done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
      } },
    };
    const saved = (await author.send('PUT', '/api/processes/grid-visit/draft', def)).json() as { ok: boolean; warnings: { code: string; path: string; message: string }[] };
    expect(saved.ok).toBe(true);
    expect(saved.warnings).toContainEqual(expect.objectContaining({ code: 'role-unheld', path: '/machine/states/visiting/meta/assignee', message: expect.stringContaining('「网格长」(grid_leader)') }));
    const published = (await author.send('POST', '/api/processes/grid-visit/publish', {})).json() as { version: number; warnings: { code: string; message: string }[] };
    expect(published.version).toBe(1);
    expect(published.warnings.find((w) => w.code === 'role-unheld')?.message).toContain('「网格长走访」(visiting)');

    const spawning = structuredClone(def) as typeof def & { machine: { states: { visiting: { on: { SUBMIT: { actions: unknown[] } } } } } };
    spawning.machine.states.visiting.on.SUBMIT.actions = [{ type: 'spawn', params: { from: 'visit.members', process: 'grid-followup' } }];
    const refused = await author.send('POST', '/api/processes/grid-visit/check', spawning);
    expect((refused.json() as { problems: { code: string; path: string }[] }).problems).toContainEqual(expect.objectContaining({ code: 'spawn-process-unknown', path: '/machine/states/visiting/on/SUBMIT/actions/0/params/process' }));
  });

  it('names the roles the county\'s users hold, for new processes', async () => {
    const roles = (await author.get('/api/county-roles')).json() as { role: string; level: string; label: string; holders: number }[];
    expect(roles).toContainEqual(expect.objectContaining({ role: 'township_reviewer', level: 'township', label: expect.stringMatching(/乡|镇/) }));
    expect(roles.find((r) => r.role === 'township_reviewer')!.holders).toBeGreaterThanOrEqual(2);
    expect(roles.some((r) => r.role === 'author')).toBe(false);
  });

  it('lists the shared templates with their definitions', async () => {
    const list = (await cadre.get('/api/templates')).json() as { id: string; definition: { id: string } }[];
    expect(list.map((x) => x.id)).toEqual(['branch-standard', 'dividend', 'dividend-receipt', 'micro-loan', 'relocation']);
    expect(list.every((x) => x.definition.id === x.id)).toBe(true);
  });
});
