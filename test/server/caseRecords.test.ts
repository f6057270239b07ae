import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber } from '../helpers/people';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let cadre: Client;
let reviewer: Client;
beforeAll(async () => {
  t = await createTestApp();
  cadre = await login(t.app, '532326', 'cun');
  reviewer = await login(t.app, '532326', 'xiang');
});
afterAll(() => t.close());

interface Records { lists: { path: string; title: string; columns: { key: string; title: string; kind: string }[]; rows: Record<string, unknown>[] }[]; computed: { label: string; value: unknown }[] }

describe(`the case page shows what actions keep: appended lists and computed values (${dbKind})`, () => {
  it('a loan shows its repayments as rows with their columns, and the outstanding balance by its label', async () => {
    const { id } = (await cadre.send('POST', '/api/cases', { processId: 'micro-loan', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const step = async (who: Client, type: string, data?: object) => expect((await who.send('POST', `/api/cases/${id}/events`, { type, data })).statusCode).toBe(200);
    await step(cadre, 'SUBMIT', { borrower: '周春福', idNumber: idNumber('532326', '19800101', '031'), amount: 30000, termMonths: 36, purpose: '养殖' });
    await step(reviewer, 'APPROVE');
    await step(cadre, 'ISSUE', { issuedOn: '2026-03-05', amount: 30000, dueOn: '2029-03-04' });
    await step(cadre, 'REPAY', { paidOn: '2027-03-01', amount: 10000.1 });
    await step(cadre, 'REPAY', { paidOn: '2028-03-01', amount: 0.2, note: '零头' });
    const records = ((await cadre.get(`/api/cases/${id}`)).json() as { records: Records }).records;
    expect(records.computed).toEqual([
      { path: 'loan.balance', label: '尚欠本金（元）', value: 19999.7 },
      { path: 'loan.repaidCount', label: '已还款笔数', value: 2 },
      { path: 'loan.lastPaidOn', label: '最近还款日期', value: '2028-03-01' },
    ]);
    const repayments = records.lists.find((l) => l.path === 'repayments')!;
    expect(repayments.title).toBe('还款登记');
    expect(repayments.columns.map((c) => [c.title, c.kind])).toEqual([['还款日期', 'date'], ['还款金额（元）', 'money'], ['备注', 'text'], ['登记时间', 'datetime'], ['登记人', 'text']]);
    expect(repayments.rows.map((r) => [r.paidOn, r.amount, r.note ?? null])).toEqual([['2027-03-01', 10000.1, null], ['2028-03-01', 0.2, '零头']]);

    // The ledger carries them too: computed values as columns, each list on a sheet of its own, one row per entry.
    const file = await cadre.get('/api/cases/export?processId=micro-loan&format=xlsx');
    expect(file.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.rawPayload as unknown as ArrayBuffer);
    const main = book.worksheets[0]!;
    expect(main.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(main.autoFilter).toBeTruthy();
    const headers = (main.getRow(1).values as unknown[]).slice(1);
    expect(headers).toEqual(expect.arrayContaining(['尚欠本金（元）', '放款登记·到期日']));
    const mine = main.getRows(2, main.rowCount - 1)!.find((r) => r.getCell(1).value === id)!;
    expect(mine.getCell(headers.indexOf('尚欠本金（元）') + 1).value).toBe(19999.7);
    expect(mine.getCell(headers.indexOf('放款登记·到期日') + 1).value).toEqual(new Date('2029-03-04T00:00:00Z'));
    const sheet = book.getWorksheet('还款登记')!;
    expect((sheet.getRow(1).values as unknown[]).slice(1, 6)).toEqual(['案件编号', '名称', '第几条', '还款日期', '还款金额（元）']);
    const entries = sheet.getRows(2, sheet.rowCount - 1)!.filter((r) => r.getCell(1).value === id);
    expect(entries.map((r) => [r.getCell(3).value, r.getCell(4).value, r.getCell(5).value])).toEqual([[1, new Date('2027-03-01T00:00:00Z'), 10000.1], [2, new Date('2028-03-01T00:00:00Z'), 0.2]]);
    expect(entries[0]!.getCell(5).numFmt).toBe('0.00');
  });
});
