import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell } from '../../server/ledger/csvCell';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { idNumber, registration } from '../helpers/people';
import { template } from '../helpers/definitions';

let t: TestApp;
let cadre: Client;
let township: Client;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

beforeAll(async () => {
  t = await createTestApp();
  cadre = await login(t.app, '532326', 'cun');
  township = await login(t.app, '532326', 'xiang2');
});
afterAll(() => t.close());

async function roster(rows: unknown[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('名册');
  sheet.addRow(['组织单位', '户主姓名', '户主身份证号', '建档立卡贫困户', '现住房情况']);
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const upload = (who: Client, file: Buffer, dryRun: boolean, processId = 'relocation') =>
  t.app.inject({ method: 'POST', url: `/api/cases/import?processId=${processId}&dryRun=${dryRun ? 1 : 0}`, cookies: { cf_session: who.cookie }, headers: { 'x-csrf-token': who.csrf, 'content-type': XLSX }, payload: file });

const countCases = async () => Number((await t.db.run('*', (k) => k.selectFrom('cases').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow())).n);

describe(`ledgers (${dbKind})`, () => {
  it('dry-runs a roster: every row problem listed, nothing created', async () => {
    const before = await countCases();
    const file = await roster([
      ['小康苑社区', '李明华', idNumber(), '是', '土木结构危房'],
      ['不存在的村', '王五', idNumber('532326', '19900101', '777'), '否', '砖木结构'],
      ['昙华村', '张三', '123', '是', '草房'],
    ]);
    const res = await upload(cadre, file, true);
    expect(res.statusCode).toBe(200);
    const report = res.json() as { rows: number; created: number; errors: { row: number; column: string; message: string }[] };
    expect(report.rows).toBe(3);
    expect(report.created).toBe(0);
    expect(report.errors).toEqual(expect.arrayContaining([
      { row: 3, column: '组织单位', message: '找不到单位「不存在的村」' },
      { row: 4, column: '组织单位', message: '无权在「昙华村」发起案件' },
      expect.objectContaining({ row: 4, column: '户主身份证号', message: expect.stringContaining('身份证号') }),
      expect.objectContaining({ row: 4, column: '现住房情况', message: '「现住房情况」请从给出的选项中选择' }),
    ]));
    expect(report.errors.some((e) => e.row === 2)).toBe(false);
    expect(await countCases()).toBe(before);
    expect((await upload(cadre, file, false)).statusCode).toBe(422);
    expect(await countCases()).toBe(before);
  });

  it('imports a clean roster: one case per row, prefilled', async () => {
    const file = await roster([
      ['小康苑社区', '赵大山', idNumber('532326', '19700505', '101'), '是', '土木结构危房'],
      ['xiaokangyuan', '钱小花', idNumber('532326', '19750505', '102'), '否', '砖木结构'],
    ]);
    const res = await upload(cadre, file, false);
    expect(res.json()).toMatchObject({ rows: 2, created: 2, errors: [] });
    const list = (await cadre.get('/api/cases?processId=relocation&q=赵大山')).json() as { items: { data: { register: { registeredPoor: boolean } } }[] };
    expect(list.items[0]!.data.register.registeredPoor).toBe(true);
  });

  it('a process with a uniqueness key: the same roster imported twice creates each household once, and a third start is refused', async () => {
    const author = await login(t.app, '532326', 'xinxi');
    const def = template('relocation');
    def.id = 'relocation-once';
    def.uniqueKey = '=register.idNumber';
    expect((await author.send('PUT', '/api/processes/relocation-once/draft', def)).statusCode).toBe(200);
    expect((await author.send('POST', '/api/processes/relocation-once/publish', {})).statusCode).toBe(200);
    const households = [
      ['小康苑社区', '孙立本', idNumber('532326', '19680303', '201'), '是', '土木结构危房'],
      ['小康苑社区', '周桂芳', idNumber('532326', '19720404', '202'), '否', '砖木结构'],
    ];
    const first = await upload(cadre, await roster(households), false, 'relocation-once');
    expect(first.json()).toMatchObject({ rows: 2, created: 2, errors: [] });
    const again = await roster([...households, ['小康苑社区', '吴新民', idNumber('532326', '19800606', '203'), '是', '土木结构危房']]);
    const dry = (await upload(cadre, again, true, 'relocation-once')).json() as { created: number; errors: { row: number; message: string }[] };
    expect(dry.errors.map((e) => e.row)).toEqual([2, 3]);
    const second = await upload(cadre, again, false, 'relocation-once');
    expect(second.statusCode).toBe(422);
    const report = second.json() as { created: number; errors: { row: number; message: string }[] };
    expect(report.created).toBe(0);
    expect(report.errors).toEqual([
      expect.objectContaining({ row: 2, message: expect.stringContaining('已有相同的案件「孙立本') }),
      expect.objectContaining({ row: 3, message: expect.stringContaining('已有相同的案件「周桂芳') }),
    ]);
    const listed = (await cadre.get('/api/cases?processId=relocation-once')).json() as { total: number };
    expect(listed.total).toBe(2);
    const third = await cadre.send('POST', '/api/cases', { processId: 'relocation-once', orgUnitId: 'xiaokangyuan', data: { register: { idNumber: households[0]![2] } } });
    expect(third.statusCode).toBe(409);
    expect(third.json().error.code).toBe('CF_DUPLICATE_CASE');
    const newcomer = ['小康苑社区', '郑小军', idNumber('532326', '19900909', '204'), '否', '砖木结构'];
    const inOneRoster = (await upload(cadre, await roster([newcomer, newcomer]), true, 'relocation-once')).json() as { errors: { row: number; message: string }[] };
    expect(inOneRoster.errors).toEqual([expect.objectContaining({ row: 3, message: expect.stringContaining('郑小军') })]);
  });

  it('exports the ledger as csv and xlsx with Chinese headers, only what the caller may see', async () => {
    const c = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: registration() });
    const csv = await cadre.get('/api/cases/export?processId=relocation&format=csv');
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').split('\r\n');
    // The first row names who exported it; the header is the second.
    expect(lines[0]).toMatch(/^导出人：李文华（小康苑社区）（cun）,导出时间：/);
    expect(lines[1]).toContain('摸底登记·户主姓名');
    expect(lines.some((l) => l.startsWith(c.id) && l.includes('李明华') && l.includes('乡镇审核'))).toBe(true);
    const other = await township.get('/api/cases/export?processId=relocation&format=csv');
    expect(other.body).not.toContain(c.id);
    const xlsx = await cadre.get('/api/cases/export?processId=relocation&format=xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).value).toBe('案件编号');
    const ids: unknown[] = [];
    sheet.eachRow((row, n) => n > 1 && ids.push(row.getCell(1).value));
    expect(ids).toContain(c.id);
  });

  it('an export holds what the dashboard shows: its date range, unit and step (a date range was refused with 400)', async () => {
    const ids: string[] = [];
    for (const day of ['2026-01-10', '2026-02-10', '2026-03-10']) {
      const c = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
      await t.db.run('532326', (k) => k.updateTable('cases').set({ created_at: new Date(`${day}T04:00:00Z`) }).where('id', '=', c.id).execute());
      ids.push(c.id);
    }
    const exported = async (query: string) => {
      const res = await cadre.get(`/api/cases/export?processId=relocation&format=csv&${query}`);
      expect(res.statusCode, query).toBe(200);
      return ids.filter((id) => res.body.includes(id));
    };
    expect(await exported('createdFrom=2026-02-01&createdTo=2026-02-28')).toEqual([ids[1]]);
    expect(await exported('createdFrom=2026-02-01')).toEqual([ids[1], ids[2]]);
    expect(await exported('createdTo=2026-01-31&state=registering')).toEqual([ids[0]]);
    expect(await exported('orgUnitId=xiaokangyuan&createdFrom=2026-01-01&createdTo=2026-03-31')).toEqual(ids);
    // Another unit's cases are not this unit's; a unit the caller cannot see gives nothing, never more.
    expect(await exported('orgUnitId=tanhua')).toEqual([]);
    const bad = await cadre.get('/api/cases/export?processId=relocation&format=csv&createdFrom=2026-02-30');
    expect(bad.statusCode).toBe(400);
  });

  it('no cell a cadre typed runs as a formula in Excel or WPS: csv cells are neutralised, numbers stay numbers, xlsx keeps text as text', async () => {
    const typed = { householder: '=1+1', members: [{ name: '@SUM(A1)', idNumber: idNumber(), relation: '户主' }, { name: '+cmd|\' /C calc\'!A0', idNumber: idNumber('532326', '19820315', '002'), relation: '配偶' }] };
    const c = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: { ...registration(), ...typed } })).statusCode).toBe(200);

    const csv = (await cadre.get('/api/cases/export?processId=relocation&format=csv')).body.replace(/^\uFEFF/, '').split('\r\n');
    const cells = (line: string) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'));
    const header = cells(csv[1]!);
    const row = cells(csv.find((l) => l.startsWith(c.id))!);
    const at = (title: string) => row[header.indexOf(title)];
    expect(at('摸底登记·户主姓名')).toBe("'=1+1");
    // A number the product writes (家庭人数, computed) stays a number.
    expect(at('摸底登记·家庭人数')).toBe('2');
    // Every cell of the export: none starts as a formula would.
    expect(csv.filter(Boolean).flatMap(cells).filter((v) => /^[=+\-@\t\r]/.test(v))).toEqual([]);

    const xlsx = await cadre.get('/api/cases/export?processId=relocation&format=xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const sheet = book.worksheets[0]!;
    const titles = sheet.getRow(1).values as unknown[];
    const typedCells: { type: number; value: unknown }[] = [];
    sheet.eachRow((r) => r.getCell(1).value === c.id && typedCells.push(r.getCell(titles.indexOf('摸底登记·户主姓名'))));
    expect(typedCells.map((cell) => [cell.type, cell.value])).toEqual([[ExcelJS.ValueType.String, '=1+1']]);
    // Household members are rows of their own sheet, typed text kept as text.
    const members: { type: number; value: unknown }[] = [];
    book.getWorksheet('摸底登记·家庭成员')!.eachRow((r) => r.getCell(1).value === c.id && members.push(r.getCell(4)));
    expect(members.map((cell) => [cell.type, cell.value])).toEqual([[ExcelJS.ValueType.String, '@SUM(A1)'], [ExcelJS.ValueType.String, "+cmd|' /C calc'!A0"]]);
    let formulas = 0;
    book.eachSheet((s) => s.eachRow((r) => r.eachCell((cell) => void (cell.type === ExcelJS.ValueType.Formula && formulas++))));
    expect(formulas).toBe(0);
  });

  it('the xlsx a supervisor opens: times and dates are dates, money in yuan with its unit, 退回原因 filled, rosters on sheets of their own keyed by case number', async () => {
    const reviewer = await login(t.app, '532326', 'xiang');
    const load = async (query: string, who = cadre) => {
      const res = await who.get(`/api/cases/export?${query}`);
      expect(res.statusCode).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      return book;
    };
    const headersOf = (sheet: ExcelJS.Worksheet) => (sheet.getRow(1).values as unknown[]).slice(1);
    const rowsOf = (sheet: ExcelJS.Worksheet, id: string) => sheet.getRows(2, Math.max(1, sheet.rowCount - 1))!.filter((r) => r.getCell(1).value === id);

    // A relocation returned by the township: its reason is kept under `returned`, and the ledger says it.
    const c = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: registration() })).statusCode).toBe(200);
    expect((await reviewer.send('POST', `/api/cases/${c.id}/events`, { type: 'RETURN', data: { reason: '配偶身份证号与户口簿不符', field: '家庭成员' } })).statusCode).toBe(200);
    const relocation = await load('processId=relocation&format=xlsx');
    const main = relocation.worksheets[0]!;
    const headers = headersOf(main);
    const [row] = rowsOf(main, c.id);
    const cell = (title: string) => row!.getCell(headers.indexOf(title) + 1);
    expect(cell('退回修改·退回原因').value).toBe('配偶身份证号与户口簿不符');
    expect(cell('退回修改·需修改的项目').value).toBe('家庭成员');
    // 发起时间 is a date Excel can sort and filter by, shown in Beijing time.
    expect(cell('发起时间').value).toBeInstanceOf(Date);
    expect(cell('发起时间').numFmt).toBe('yyyy-mm-dd hh:mm');
    expect(cell('摸底登记·建档立卡贫困户').value).toBe('是');
    // The household roster is not squeezed into one cell: a sheet of its own, one member a row.
    expect(headers).not.toContain('摸底登记·家庭成员');
    const members = relocation.getWorksheet('摸底登记·家庭成员')!;
    expect(headersOf(members)).toEqual(['案件编号', '名称', '第几条', '姓名', '身份证号', '与户主关系']);
    expect(rowsOf(members, c.id).map((r) => [r.getCell(2).value, r.getCell(3).value, r.getCell(4).value, r.getCell(6).value])).toEqual([['李明华', 1, '李明华', '户主'], ['李明华', 2, '张桂英', '配偶']]);
    // Returned to 摸底登记, the cadre's step: the cadre sees ID numbers in full.
    expect(rowsOf(members, c.id)[1]!.getCell(5).value).toBe(idNumber('532326', '19820315', '002'));

    // A dividend plan: 3000 元 shared over two households; each household's share (kept in fen) in yuan with two decimals.
    const d = (await cadre.send('POST', '/api/cases', { processId: 'dividend', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const plan = { project: '光伏电站收益', source: '租金', amount: 3000, households: [{ name: '赵大山', idNumber: idNumber('532326', '19700505', '301'), people: 4, shares: 1 }, { name: '钱小花', idNumber: idNumber('532326', '19750505', '302'), people: 3, shares: 1 }] };
    expect((await cadre.send('POST', `/api/cases/${d.id}/events`, { type: 'SUBMIT', data: plan })).statusCode).toBe(200);
    expect((await cadre.send('POST', `/api/cases/${d.id}/events`, { type: 'RECORD_MEETING', data: { heldOn: '2026-04-02', attendees: 35, approved: true } })).statusCode).toBe(200);
    const dividend = await load('processId=dividend&format=xlsx');
    const planSheet = dividend.worksheets[0]!;
    const [planRow] = rowsOf(planSheet, d.id);
    const planHeaders = headersOf(planSheet);
    expect(planRow!.getCell(planHeaders.indexOf('分红方案·可分配金额（元）') + 1).value).toBe(3000);
    expect(planRow!.getCell(planHeaders.indexOf('分红方案·可分配金额（元）') + 1).numFmt).toBe('0.00');
    expect(planRow!.getCell(planHeaders.indexOf('村民代表会议表决·会议日期') + 1).value).toEqual(new Date('2026-04-02T00:00:00Z'));
    const roster = dividend.getWorksheet('分红方案·股东名册')!;
    expect(headersOf(roster)).toEqual(['案件编号', '名称', '第几条', '户主姓名', '身份证号', '家庭人口', '份额（股）', '分得金额（元）']);
    const shares = rowsOf(roster, d.id);
    expect(shares.map((r) => [r.getCell(4).value, r.getCell(8).value, r.getCell(8).numFmt])).toEqual([['赵大山', 1500, '0.00'], ['钱小花', 1500, '0.00']]);
    expect(shares[0]!.getCell(5).value).toBe(plan.households[0]!.idNumber);
    // The county's supervisor is not on the step (公示): ID numbers in the roster sheet are masked, as everywhere else.
    const masked = rowsOf((await load('processId=dividend&format=xlsx', await login(t.app, '532326', 'jiandu'))).getWorksheet('分红方案·股东名册')!, d.id);
    expect(masked.map((r) => r.getCell(5).value)).toEqual(plan.households.map((h) => `${h.idNumber.slice(0, 6)}********${h.idNumber.slice(-4)}`));

    // The CSV is one table and says so: the lists are named in its first row, money has two decimals.
    const csv = (await cadre.get('/api/cases/export?processId=dividend&format=csv')).body.replace(/^\uFEFF/, '').split('\r\n');
    expect(csv[0]).toMatch(/分红方案·股东名册、公示异议、异议处理每条一行，见 xlsx 导出中同名的工作表/);
    expect(csv.find((l) => l.startsWith(d.id))).toContain(',3000.00,');
  });

  it('writes numbers as numbers and neutralises text that starts like a formula', () => {
    expect([-2.5, 0, 1e3].map(csvCell)).toEqual(['-2.5', '0', '1000']);
    expect(['-2+3', '=HYPERLINK("x")', '@A1', '+1', '\tx', '\rx', '李明华', '1-2'].map(csvCell)).toEqual(["'-2+3", '"\'=HYPERLINK(""x"")"', "'@A1", "'+1", "'\tx", '"\'\rx"', '李明华', '1-2']);
    expect(csvCell(null)).toBe('');
  });
});
