import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, openBrowser, shot } from '../helpers/browser';
import { freePort, type ServerProcess, startServer } from '../helpers/serverProcess';
import { dbKind, dropSchema } from '../helpers/testApp';

const root = join(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'cf-golive-'));
const schema = `t_golive_${process.pid}`;
const env: Record<string, string> = {
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL, DB_SCHEMA: schema } : { DATA_DIR: dataDir }),
  SEED_DEMO: '0', FILES_DIR: join(dataDir, 'files'), AUDIT_KEY_FILE: join(dataDir, 'audit/key.pem'), AUDIT_CHECKPOINT_DIR: join(dataDir, 'audit/cp'), SCRYPT_LOG_N: '10',
};
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/countyflow.mjs'), ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });

let server: ServerProcess;
let adminPassword = '';
beforeAll(async () => {
  buildWebApp();
  // An empty database: the operator creates the county and its administrator from the command line.
  expect(cli('county', 'add', '532331', '南华县').status).toBe(0);
  const added = cli('user', 'add', '532331', 'nhadmin', '张丽（南华县信息中心）', '--admin');
  expect(added.status, added.stderr).toBe(0);
  adminPassword = /一次性密码：(\S+)/.exec(added.stdout)![1]!;
  server = await startServer(env, await freePort());
}, 240_000);
afterAll(async () => {
  await server?.kill('SIGTERM');
  if (process.env.DATABASE_URL) await dropSchema(process.env.DATABASE_URL, schema);
  rmSync(dataDir, { recursive: true, force: true });
});

/** Signs in on the login page with a one-time password and sets a password of one's own. */
async function firstSignIn(page: Page, username: string, oneTime: string, next: string) {
  await page.goto(`${server.url}/#/login`);
  await page.selectOption('select[name=county]', '532331');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', oneTime);
  await page.click('button[type=submit]');
  await page.waitForSelector('text=请先设置您自己的密码');
  await page.fill('input[name=current]', oneTime);
  await page.fill('input[name=next]', next);
  await page.fill('input[name=again]', next);
  await page.click('button:has-text("修改密码")');
  await page.waitForSelector('nav.bottom');
}

/** Adds a unit under the row of `parent` in the org tree. */
async function addUnit(page: Page, parent: string, name: string, level: string, code?: string) {
  await page.locator('table.unit-tree tr', { hasText: parent }).first().locator('button:has-text("添加下级")').click();
  await page.fill('input[name=unitName]', name);
  await page.selectOption('select[name=level]', level);
  if (code) await page.fill('input[name=divisionCode]', code);
  await page.click('form.unit-form button[type=submit]');
  await page.waitForSelector(`text=已添加：${name}`);
}

/** The county's roster: 200 cadres of one village and a township reviewer. */
async function rosterFile(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('人员名册');
  sheet.addRow(['姓名', '手机号', '单位', '角色']);
  sheet.addRow(['杨审核', '13600000001', '龙川镇', '乡镇审核人']);
  for (let i = 0; i < 200; i++) sheet.addRow([`村干部${i + 1}`, `1370000${String(i).padStart(4, '0')}`, '大村', '村干部']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe(`a new county goes live in the browser (${dbKind})`, () => {
  it('the administrator changes the one-time password, builds the org tree, imports 200 people; a cadre signs in and starts a case; a reviewer is deactivated; 2027 is loaded', async () => {
    const { context, page } = await openBrowser(1280);
    try {
      await firstSignIn(page, 'nhadmin', adminPassword, 'Nanhua-Admin-2027');
      await page.click('nav.bottom >> text=管理');
      await page.waitForSelector('text=新增人员');

      await page.click('.inbox-tabs >> text=组织机构');
      await page.waitForSelector('table.unit-tree');
      await addUnit(page, '南华县', '龙川镇', 'township', '532331101000');
      await addUnit(page, '龙川镇', '大村', 'village', '532331101201');
      await addUnit(page, '大村', '一组', 'grid');
      await expect.poll(() => page.locator('table.unit-tree tbody tr').count()).toBe(4);
      await shot(page, 'golive-org-tree');

      await page.click('.inbox-tabs >> text=人员');
      await page.click('button:has-text("导入名册")');
      await page.setInputFiles('input[type=file]', { name: '人员名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await rosterFile() });
      await page.click('button:has-text("检查名册")');
      await page.waitForSelector('text=检查结果：新增 201，改动 0，不变 0，拒绝 0');
      await shot(page, 'golive-import-checked');
      await page.click('button:has-text("确认导入")');
      await page.waitForSelector('text=已导入：新增 201');
      const link = page.locator('a[download]');
      const passwords = await page.evaluate(async (href) => (await fetch(href)).text(), (await link.getAttribute('href'))!);
      const cadreLine = passwords.split('\r\n').find((l) => l.startsWith('村干部1,'))!;
      const [, cadreUsername, cadreOneTime] = cadreLine.split(',');
      const reviewerLine = passwords.split('\r\n').find((l) => l.startsWith('杨审核,'))!;
      // The same roster again: nothing new, nothing changed.
      await page.click('button:has-text("检查名册")');
      await page.waitForSelector('text=检查结果：新增 0，改动 0，不变 201，拒绝 0');

      // One imported cadre signs in on a phone, sets a password, and starts a case at the village.
      const phone = await openBrowser(390);
      try {
        await firstSignIn(phone.page, cadreUsername!, cadreOneTime!, 'Dacun-Cadre-2027');
        await phone.page.click('nav.bottom >> text=发起');
        await phone.page.waitForSelector('select[name=processId] option[value=relocation]', { state: 'attached' });
        await phone.page.selectOption('select[name=processId]', 'relocation');
        await phone.page.waitForSelector('select[name=orgUnitId] option:has-text("大村")', { state: 'attached' });
        await phone.page.click('button.primary:has-text("发起案件")');
        await phone.page.waitForSelector('#root_householder');
        await shot(phone.page, 'golive-cadre-first-case');
      } finally {
        await phone.context.close();
      }

      // The reviewer leaves: deactivated, their sessions end.
      const reviewerUsername = reviewerLine.split(',')[1]!;
      await page.fill('input[type=search]', reviewerUsername);
      await page.click('button:has-text("查找")');
      await expect.poll(() => page.locator('table.people-table tbody tr').count()).toBe(1);
      await page.click('table.people-table button:has-text("停用")');
      await page.waitForSelector('text=已停用 杨审核');
      await shot(page, 'golive-deactivated');

      await page.click('.inbox-tabs >> text=节假日日历');
      await page.fill('input[name=year]', '2027');
      await page.fill('textarea[name=holidays]', '2027-01-01 元旦\n2027-02-05 春节\n2027-02-08\n2027-02-09\n2027-02-10\n2027-02-11');
      await page.fill('textarea[name=workdays]', '2027-02-14');
      await page.click('button:has-text("检查并载入")');
      await page.waitForSelector('text=已载入 2027 年');
      // The reminder that 2027 was missing goes away (it shows from 1 November).
      await page.waitForSelector('.calendar-reminder', { state: 'detached' });
      await shot(page, 'golive-calendar');

      await page.click('.inbox-tabs >> text=管理记录');
      await page.waitForSelector('table.admin-history');
      const history = await page.locator('table.admin-history').innerText();
      for (const what of ['新增人员', '停用人员', '载入节假日', '本人修改密码']) expect(history).toContain(what);
      await shot(page, 'golive-history');
    } finally {
      await context.close();
    }
  }, 240_000);
});
