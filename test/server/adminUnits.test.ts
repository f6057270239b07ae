import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditChain } from '../../server/audit/auditChain';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let admin: Client;
const C = '532326';

type Unit = { id: string; parentId: string | null; level: string; name: string; path: string; divisionCode: string | null; closed: boolean; activeCases: number; people: number };
type ErrorBody = { error: { code: string; message: string; details: { path: string; message: string }[] } };
const error = (res: { json(): unknown }) => (res.json() as ErrorBody).error;
const units = async () => (await admin.get('/api/admin/units')).json() as Unit[];

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, C, 'guanli');
});
afterAll(() => t.close());

describe(`the county administrator's org tree (${dbKind})`, () => {
  it('adds a township and a village with their 统计用区划代码, checked', async () => {
    const town = await admin.send('POST', '/api/admin/units', { parentId: C, name: '新街镇', level: 'township', divisionCode: '532326105000', id: 'xinjie' });
    expect(town.statusCode, town.body).toBe(201);
    expect(town.json()).toMatchObject({ id: 'xinjie', parentId: C, path: `${C}/xinjie`, divisionCode: '532326105000', closed: false });
    const village = await admin.send('POST', '/api/admin/units', { parentId: 'xinjie', name: '新街村', level: 'village', divisionCode: '532326105201' });
    expect(village.statusCode).toBe(201);
    const v = village.json() as Unit;
    expect(v.path).toBe(`${C}/xinjie/${v.id}`);

    const wrongCounty = await admin.send('POST', '/api/admin/units', { parentId: 'xinjie', name: '别县村', level: 'village', divisionCode: '621226105201' });
    expect(error(wrongCounty).details).toEqual([{ path: '/divisionCode', field: '统计用区划代码', message: '「统计用区划代码」须以本县代码 532326 开头' }]);
    const twice = await admin.send('POST', '/api/admin/units', { parentId: 'xinjie', name: '重号村', level: 'village', divisionCode: '532326105201' });
    expect(error(twice).details[0]!.message).toBe('「统计用区划代码」532326105201 已用于「新街村」');
    const short = await admin.send('POST', '/api/admin/units', { parentId: 'xinjie', name: '短号村', level: 'village', divisionCode: '5323261' });
    expect(short.statusCode).toBe(400);
    const upward = await admin.send('POST', '/api/admin/units', { parentId: 'xinjie', name: '倒挂镇', level: 'township' });
    expect(error(upward).details[0]!.path).toBe('/level');
    expect((await units()).filter((u) => u.parentId === 'xinjie').map((u) => u.name)).toEqual(['新街村']);
  });

  it('a closed unit takes no new case; its running cases stay visible and workable; it cannot be deleted, only closed', async () => {
    const cadre = await login(t.app, C, 'cun');
    const running = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    expect((await units()).find((u) => u.id === 'xiaokangyuan')).toMatchObject({ activeCases: expect.any(Number) });

    const closed = await admin.send('POST', '/api/admin/units/xiaokangyuan/close');
    expect(closed.json()).toMatchObject({ id: 'xiaokangyuan', closed: true });
    const refused = await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
    expect(refused.statusCode).toBe(422);
    expect(error(refused)).toMatchObject({ code: 'CF_UNIT_CLOSED', details: [{ path: '/orgUnitId' }] });
    // Units under it are closed with it.
    expect((await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xky-site' })).statusCode).toBe(422);
    expect((await cadre.get(`/api/cases/${running.id}`)).statusCode).toBe(200);
    expect((await cadre.send('POST', `/api/cases/${running.id}/claim`, {})).statusCode).toBe(200);

    const gone = await admin.send('DELETE', '/api/admin/units/xiaokangyuan');
    expect(gone.statusCode).toBe(409);
    expect(error(gone).code).toBe('CF_UNIT_IN_USE');
    expect((await admin.send('POST', '/api/admin/units/xiaokangyuan/reopen')).json()).toMatchObject({ closed: false });
    expect((await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).statusCode).toBe(201);
  });

  it('an empty unit can be deleted', async () => {
    const u = (await admin.send('POST', '/api/admin/units', { parentId: 'jinbi', name: '临时网格', level: 'grid' })).json() as Unit;
    expect((await admin.send('DELETE', `/api/admin/units/${u.id}`)).statusCode).toBe(204);
    expect((await units()).some((x) => x.id === u.id)).toBe(false);
  });

  it('moving a village to another township moves its cases: the new township sees them, the old one no longer does', async () => {
    await admin.send('POST', '/api/admin/units', { parentId: C, name: '迁入镇', level: 'township', id: 'qianru' });
    const v = (await admin.send('POST', '/api/admin/units', { parentId: 'jinbi', name: '迁移村', level: 'village', id: 'qianyi' })).json() as Unit;
    const cadreRes = await admin.send('POST', '/api/admin/users', { username: 'qycun', name: '迁移村干部', grants: [{ role: 'village_cadre', unitId: v.id }] });
    const { oneTimePassword } = cadreRes.json() as { oneTimePassword: string };
    const cadre = await login(t.app, C, 'qycun', oneTimePassword);
    await cadre.send('PUT', '/api/me/password', { current: oneTimePassword, next: 'Qianyi-2027' });
    const c = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'qianyi' })).json() as { id: string };
    const jinbi = await login(t.app, C, 'xiang');
    expect((await jinbi.get(`/api/cases/${c.id}`)).statusCode).toBe(200);

    const cycle = await admin.send('PUT', '/api/admin/units/jinbi', { parentId: 'xiaokangyuan' });
    expect(error(cycle).details[0]!.path).toBe('/parentId');
    const moved = await admin.send('PUT', '/api/admin/units/qianyi', { parentId: 'qianru', name: '迁移村（新）' });
    expect(moved.json()).toMatchObject({ path: `${C}/qianru/qianyi`, name: '迁移村（新）', activeCases: 1 });
    expect((await jinbi.get(`/api/cases/${c.id}`)).statusCode).toBe(404);
    const row = await t.db.run(C, (k) => k.selectFrom('cases').select('org_path').where('county_id', '=', C).where('id', '=', c.id).executeTakeFirstOrThrow());
    expect(row.org_path).toBe(`${C}/qianru/qianyi`);
    // The dashboard's counters moved with it.
    const counts = await t.db.run(C, (k) => sql<{ org_path: string; n: number }>`SELECT org_path, sum(n)::int AS n FROM case_counts WHERE county_id = ${C} AND org_path LIKE ${`${C}/%/qianyi`} GROUP BY org_path`.execute(k));
    expect(counts.rows.filter((r) => r.n > 0).map((r) => r.org_path)).toEqual([`${C}/qianru/qianyi`]);
  });

  it('every change is in the admin history and in the audit chain, which still verifies and finds tampering', async () => {
    const history = (await admin.get('/api/admin/history?limit=500')).json() as { type: string; actor: string; target: { id: string }; before?: { name: string }; after?: { name: string } }[];
    expect(history.map((h) => h.type)).toEqual(expect.arrayContaining(['unit.add', 'unit.close', 'unit.reopen', 'unit.delete', 'unit.edit', 'user.add', 'user.password']));
    const edit = history.find((h) => h.type === 'unit.edit' && h.target.id === 'qianyi')!;
    expect(edit).toMatchObject({ actor: '孙丽（县信息中心·县管理员）', before: { name: '迁移村' }, after: { name: '迁移村（新）' } });

    const check = () => t.db.run(C, (k) => auditChain(k, C, {}));
    expect((await check()).ok).toBe(true);
    // Someone edits the record of a closing in the database: the chain says where.
    const closing = await t.db.run(C, (k) => k.selectFrom('case_events').select(['lane', 'seq', 'body']).where('county_id', '=', C).where('type', '=', 'admin.unit.close').executeTakeFirstOrThrow());
    await t.db.run(C, (k) => k.updateTable('case_events').set({ body: closing.body.replace('小康苑社区', '别的社区') }).where('county_id', '=', C).where('lane', '=', closing.lane).where('seq', '=', closing.seq).execute());
    const report = await check();
    expect(report.ok).toBe(false);
    expect(report.broken).toMatchObject({ lane: closing.lane, seq: Number(closing.seq), caseId: '~admin' });
    await t.db.run(C, (k) => k.updateTable('case_events').set({ body: closing.body }).where('county_id', '=', C).where('lane', '=', closing.lane).where('seq', '=', closing.seq).execute());
    expect((await check()).ok).toBe(true);
  });
});

type HistoryEntry = { seq: number; type: string; target: { kind: string; id: string; name: string }; after?: { grants?: string[] }; grantNames?: Record<string, string> };

describe(`the admin history a page at a time (${dbKind})`, () => {
  it('after a 202-person roster import, paging back finds the org-tree change before it; a filter shows only the org tree', async () => {
    const unit = (await admin.send('POST', '/api/admin/units', { parentId: 'jinbi', name: '分页前的村', level: 'village', id: 'fenye' })).json() as Unit;
    const csv = `\uFEFF姓名,手机号,单位,角色\n${Array.from({ length: 202 }, (_, i) => `名册${i},1380000${String(i).padStart(4, '0')},小康苑社区,村干部`).join('\n')}\n`;
    const imported = await admin.send('POST', '/api/admin/users/import?dryRun=0', Buffer.from(csv, 'utf8'), { 'content-type': 'text/csv' });
    expect(imported.statusCode, imported.body).toBe(200);

    const page = async (query: string) => {
      const res = await admin.get(`/api/admin/history?${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as HistoryEntry[];
    };
    const first = await page('limit=200');
    expect(first).toHaveLength(200);
    expect(first.some((e) => e.target.id === unit.id)).toBe(false);

    // 加载更多: each next page starts below the last entry's place in the chain, until the oldest.
    const all = [...first];
    for (let next = await page(`limit=200&beforeSeq=${first.at(-1)!.seq}`); next.length; next = await page(`limit=200&beforeSeq=${all.at(-1)!.seq}`)) all.push(...next);
    const seqs = all.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(new Set(seqs).size).toBe(all.length);
    expect(all.filter((e) => e.type === 'user.add' && e.target.name.startsWith('名册'))).toHaveLength(202);
    expect(all.find((e) => e.target.id === unit.id)).toMatchObject({ type: 'unit.add', target: { kind: 'unit', name: '分页前的村' } });
    // The oldest entry is the first thing the county's administrator did (the earlier tests' first unit).
    expect(all.at(-1)).toMatchObject({ type: 'unit.add', target: { id: 'xinjie' } });

    const units = await page('kind=unit&limit=10');
    expect(units[0]).toMatchObject({ type: 'unit.add', target: { id: unit.id } });
    expect(units.every((e) => e.type.startsWith('unit.'))).toBe(true);
    expect((await page('kind=calendar')).every((e) => e.type.startsWith('calendar.'))).toBe(true);
  });

  it('a role in the history reads 角色名@单位名, while the record stays as stored', async () => {
    // The newest change to a person: the roster's last row, 村干部 at 小康苑社区 (the role's label as 人员 lists it).
    const [added] = (await admin.get('/api/admin/history?kind=user&limit=1')).json() as HistoryEntry[];
    expect(added!.after!.grants).toEqual(['village_cadre@xiaokangyuan']);
    expect(added!.grantNames).toEqual({ 'village_cadre@xiaokangyuan': '村委会经办人@小康苑社区' });
  });

  it('bad paging input is refused in words naming the field; good input is taken', async () => {
    expect((await admin.get('/api/admin/history?kind=unit&beforeSeq=9007199254740991')).statusCode).toBe(200);
    expect((await admin.get('/api/personal-access?beforeSeq=1')).json()).toEqual([]);
    for (const [query, field] of [['beforeSeq=abc', 'beforeSeq'], ['beforeSeq=0', 'beforeSeq'], ['kind=people', 'kind'], ['limit=0', 'limit']] as const) {
      const res = await admin.get(`/api/admin/history?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(error(res)).toMatchObject({ code: 'CF_VALIDATION', details: [{ message: expect.stringContaining(`「${field}」`) as string }] });
    }
    const personal = await admin.get('/api/personal-access?beforeSeq=x');
    expect(personal.statusCode).toBe(400);
    expect(error(personal).details[0]!.message).toContain('「beforeSeq」');
  });
});
