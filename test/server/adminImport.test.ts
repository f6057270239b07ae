import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let admin: Client;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Report = { dryRun: boolean; rows: { row: number; status: string; username?: string; message: string }[]; counts: Record<string, number>; passwords: { username: string; oneTimePassword: string }[] };

/** The county's roster as an xlsx file, as an office would keep it. */
async function roster(rows: (string | number)[][], headers = ['姓名', '手机号', '单位', '角色']): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('人员');
  sheet.addRow(headers);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const upload = async (file: Buffer, dryRun: boolean, type = XLSX) => {
  const res = await admin.send('POST', `/api/admin/users/import?dryRun=${dryRun ? 1 : 0}`, file, { 'content-type': type });
  return { status: res.statusCode, report: res.json() as Report };
};
const people = async () => (await admin.get('/api/admin/users?limit=500')).json() as { username: string; name: string; grants: { role: string; unitId: string }[] }[];

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, '532326', 'guanli');
});
afterAll(() => t.close());

describe(`importing people from the county's roster (${dbKind})`, () => {
  it('200 people: a dry run lists each row and writes nothing; the import writes them; the same file again changes nothing', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => [`村干部${i}`, `1390000${String(i).padStart(4, '0')}`, i % 2 ? '小康苑社区' : 'xiaokangyuan', '村干部']);
    const file = await roster(rows);
    const before = (await people()).length;

    const dry = await upload(file, true);
    expect(dry.status).toBe(200);
    expect(dry.report.counts).toEqual({ new: 200, changed: 0, unchanged: 0, refused: 0 });
    expect(dry.report.rows[0]).toMatchObject({ row: 2, status: 'new', username: '13900000000' });
    expect(dry.report.passwords).toEqual([]);
    expect((await people()).length).toBe(before);

    const real = await upload(file, false);
    expect(real.report.counts.new).toBe(200);
    expect(real.report.passwords).toHaveLength(200);
    expect((await people()).length).toBe(before + 200);
    // An imported cadre signs in with the one-time password and must change it.
    const first = real.report.passwords[0]!;
    const cadre = await login(t.app, '532326', first.username, first.oneTimePassword);
    expect((await cadre.get('/api/me')).json()).toMatchObject({ mustChangePassword: true, grants: [{ role: 'village_cadre', unitId: 'xiaokangyuan' }] });

    const again = await upload(file, false);
    expect(again.report.counts).toEqual({ new: 0, changed: 0, unchanged: 200, refused: 0 });
    expect(again.report.passwords).toEqual([]);
    expect((await people()).length).toBe(before + 200);
  });

  it('each refused row says why, with its row number; a real import with a refused row writes nothing', async () => {
    const file = await roster([
      ['张三', '13811112222', '小康苑社区', '村干部'],
      ['', '13811113333', '小康苑社区', '村干部'],
      ['李四', '1381111', '小康苑社区', '村干部'],
      ['王五', '13811114444', '不存在的村', '村干部'],
      ['赵六', '13811115555', '小康苑社区', '炊事员'],
    ]);
    const dry = await upload(file, true);
    expect(dry.report.rows.map((r) => [r.row, r.status, r.message])).toEqual([
      [2, 'new', '新增'],
      [3, 'refused', '「姓名」必须填写'],
      [4, 'refused', '「手机号」1381111 不是 11 位手机号'],
      [5, 'refused', '找不到单位「不存在的村」'],
      [6, 'refused', '不认识的角色：炊事员'],
    ]);
    const real = await upload(file, false);
    expect(real.status).toBe(422);
    expect((await people()).some((p) => p.name === '张三')).toBe(false);
  });

  it('a changed row says what changes; a person on two rows gets both roles; csv works as xlsx does', async () => {
    const csv = Buffer.from('\uFEFF姓名,手机号,单位,角色\n杨建国,13700001111,金碧镇,乡镇审核人\n杨建国,13700001111,小康苑社区,村干部\n', 'utf8');
    const first = await upload(csv, false, 'text/csv');
    expect(first.status).toBe(200);
    expect(first.report.counts).toEqual({ new: 2, changed: 0, unchanged: 0, refused: 0 });
    const yang = (await people()).find((p) => p.username === '13700001111')!;
    expect(yang.grants.map((g) => `${g.role}@${g.unitId}`).sort()).toEqual(['township_reviewer@jinbi', 'village_cadre@xiaokangyuan']);
    const renamed = Buffer.from('姓名,手机号,单位,角色\n杨建华,13700001111,金碧镇,乡镇审核人\n', 'utf8');
    const dry = await upload(renamed, true, 'text/csv');
    expect(dry.report.rows).toEqual([{ row: 2, status: 'changed', username: '13700001111', name: '杨建华', message: '姓名 杨建国 → 杨建华' }]);
  });

  it('a file that is neither xlsx nor csv, or lacks a column, is refused in words', async () => {
    const missing = await upload(await roster([['张三', '小康苑社区']], ['姓名', '单位']), true);
    expect(missing.report.rows[0]!.message).toContain('缺少列：角色、手机号');
    const garbage = await admin.send('POST', '/api/admin/users/import?dryRun=1', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 1, 2]), { 'content-type': XLSX });
    expect(garbage.statusCode).toBe(400);
    expect((garbage.json() as { error: { message: string } }).error.message).toContain('无法读取该文件');
  });
});
