import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app';
import { loadConfig } from '../../server/config';
import { type Db, openDb } from '../../server/db/open';
import { buildWebApp, openBrowser, shot } from '../helpers/browser';
import { httpLogin } from '../helpers/serverProcess';
import { dbKind, dropSchema } from '../helpers/testApp';

const root = join(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'cf-golive-'));
const schema = `t_golive_${process.pid}`;
const env: Record<string, string> = {
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL, DB_SCHEMA: schema } : { DATA_DIR: dataDir }),
  SEED_DEMO: '0', FILES_DIR: join(dataDir, 'files'), AUDIT_KEY_FILE: join(dataDir, 'audit/key.pem'), AUDIT_CHECKPOINT_DIR: join(dataDir, 'audit/cp'), SCRYPT_LOG_N: '10',
};
const cli = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/countyflow.mjs'), ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });

/** Two servers on the one database, each with its own memory of sessions (as two processes behind a load balancer). */
const servers: { app: FastifyInstance; url: string }[] = [];
let db: Db;
let adminPassword = '';
let authorPassword = '';
beforeAll(async () => {
  buildWebApp();
  // An empty database: the operator creates the county, its administrator and an author from the command line.
  expect(cli('county', 'add', '532331', '南华县').status).toBe(0);
  const added = cli('user', 'add', '532331', 'nhadmin', '张丽（南华县信息中心）', '--admin');
  expect(added.status, added.stderr).toBe(0);
  adminPassword = /一次性密码：(\S+)/.exec(added.stdout)![1]!;
  const author = cli('user', 'add', '532331', 'nhauthor', '王强（南华县信息中心）', '--role', 'author', '--unit', '532331');
  expect(author.status, author.stderr).toBe(0);
  authorPassword = /一次性密码：(\S+)/.exec(author.stdout)![1]!;
  // The embedded database has one owner, so both servers run in this process; each is a whole app with its own session cache.
  process.env.SCRYPT_LOG_N = env.SCRYPT_LOG_N;
  const config = loadConfig({ ...process.env, ...env });
  db = await openDb(config);
  for (const own of [db, { ...db }]) {
    const app = await buildApp(own, config, { logger: false });
    servers.push({ app, url: await app.listen({ port: 0, host: '127.0.0.1' }) });
  }
}, 240_000);
afterAll(async () => {
  for (const s of servers) await s.app.close();
  await db?.close();
  if (process.env.DATABASE_URL) await dropSchema(process.env.DATABASE_URL, schema);
  rmSync(dataDir, { recursive: true, force: true });
});
const serverA = () => servers[0]!.url;
const serverB = () => servers[1]!.url;

/** A request handled in the county: 30 working days for the township, so from December its deadline falls in a year whose holidays are not yet known. */
const request = {
  id: 'golive-request', title: '群众诉求办理', caseLevel: 'village',
  roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' }, township_reviewer: { label: '乡镇审核人', level: 'township', kind: 'reviewer' } },
  delays: { handleTime: { duration: 'P30D', workingDays: true, label: '30 个工作日' } },
  forms: { apply: { title: '诉求登记', schema: { type: 'object', required: ['matter'], properties: { matter: { type: 'string', title: '诉求事项', minLength: 2, maxLength: 50 } } } } },
  events: { SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre'], data: 'step' }, APPROVE: { label: '办结', kind: 'approve', roles: ['township_reviewer'] } },
  machine: {
    id: 'golive', initial: 'registering',
    states: {
      registering: { meta: { label: '登记', form: 'apply', assignee: 'village_cadre' }, on: { SUBMIT: { target: 'handling', actions: [{ type: 'save' }] } } },
      handling: { meta: { label: '乡镇办理', assignee: 'township_reviewer', sla: 'handleTime' }, on: { APPROVE: 'done' } },
      done: { type: 'final', meta: { label: '办结', outcome: 'completed' } },
    },
  },
};

/** Signs in over HTTP with a one-time password and sets one's own. */
async function firstHttpSignIn(url: string, username: string, oneTime: string, next: string) {
  const person = await httpLogin(url, '532331', username, oneTime);
  expect((await person.call('PUT', '/api/me/password', { current: oneTime, next })).status).toBe(204);
  return person;
}

type CaseReply = { case: { dueAt: string; dueApproximate: boolean }; claimedBy: string | null; canClaim: boolean };
const beijingYear = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).getUTCFullYear();

/** Signs in on the login page with a one-time password and sets a password of one's own. */
async function firstSignIn(page: Page, username: string, oneTime: string, next: string) {
  await page.goto(`${serverA()}/#/login`);
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

/** The county's roster: 200 cadres of one village and two township reviewers. */
async function rosterFile(): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('人员名册');
  sheet.addRow(['姓名', '手机号', '单位', '角色']);
  sheet.addRow(['杨审核', '13600000001', '龙川镇', '乡镇审核人']);
  sheet.addRow(['李审核', '13600000002', '龙川镇', '乡镇审核人']);
  for (let i = 0; i < 200; i++) sheet.addRow([`村干部${i + 1}`, `1370000${String(i).padStart(4, '0')}`, '大村', '村干部']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe(`a new county goes live in the browser (${dbKind})`, () => {
  it('the administrator changes the one-time password, builds the org tree, imports 200 people; a cadre signs in and takes a step; a reviewer holding it is deactivated and refused on the other server; next year is loaded and the deadline is exact', async () => {
    // The county's information centre publishes a process of its own.
    const author = await firstHttpSignIn(serverA(), 'nhauthor', authorPassword, 'Nanhua-Author-2027');
    expect((await author.call('PUT', `/api/processes/${request.id}/draft`, request)).body).toMatchObject({ ok: true });
    expect((await author.call('POST', `/api/processes/${request.id}/publish`, {})).status).toBe(200);

    const { context, page } = await openBrowser(1280);
    const phone = await openBrowser(390);
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

      // The roster: checked (nothing written), imported, then the same file again changes nothing.
      await page.click('.inbox-tabs >> text=人员');
      await page.click('button:has-text("导入名册")');
      await page.setInputFiles('input[type=file]', { name: '人员名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: await rosterFile() });
      await page.click('button:has-text("检查名册")');
      await page.waitForSelector('text=检查结果：新增 202，改动 0，不变 0，拒绝 0');
      await shot(page, 'golive-import-checked');
      await page.click('button:has-text("确认导入")');
      await page.waitForSelector('text=已导入：新增 202');
      const link = page.locator('a[download]');
      const passwords = await page.evaluate(async (href) => (await fetch(href)).text(), (await link.getAttribute('href'))!);
      const row = (name: string) => passwords.split('\r\n').find((l) => l.startsWith(`${name},`))!.split(',') as [string, string, string];
      const [, cadreUsername, cadreOneTime] = row('村干部1');
      const [, reviewerUsername, reviewerOneTime] = row('杨审核');
      const [, colleagueUsername, colleagueOneTime] = row('李审核');
      await page.click('button:has-text("检查名册")');
      await page.waitForSelector('text=检查结果：新增 0，改动 0，不变 202，拒绝 0');
      await page.click('button:has-text("确认导入")');
      await page.waitForSelector('text=已导入：新增 0，改动 0，不变 202，拒绝 0');
      await expect.poll(() => page.locator('a[download]').count()).toBe(0);

      // One imported cadre signs in on a phone, sets a password, and submits a request: a step taken.
      await firstSignIn(phone.page, cadreUsername, cadreOneTime, 'Dacun-Cadre-2027');
      await phone.page.click('nav.bottom >> text=发起');
      await phone.page.waitForSelector(`select[name=processId] option[value=${request.id}]`, { state: 'attached' });
      await phone.page.selectOption('select[name=processId]', request.id);
      await phone.page.waitForSelector('select[name=orgUnitId] option:has-text("大村")', { state: 'attached' });
      await phone.page.click('button.primary:has-text("发起案件")');
      await phone.page.fill('#root_matter', '村道路灯损坏，夜间出行不便');
      await phone.page.click('button[type=submit]');
      await phone.page.waitForSelector('text=已提交');
      await phone.page.waitForSelector('.progress li.current:has-text("乡镇办理")');
      const caseId = /#\/cases\/([^/?]+)/.exec(phone.page.url())![1]!;
      await shot(phone.page, 'golive-cadre-submitted');

      // The reviewer signs in on the other server and claims the step.
      const reviewer = await firstHttpSignIn(serverB(), reviewerUsername, reviewerOneTime, 'Longchuan-Review-2027');
      expect((await reviewer.call('POST', `/api/cases/${caseId}/claim`, {})).status).toBe(200);
      const colleague = await firstHttpSignIn(serverB(), colleagueUsername, colleagueOneTime, 'Longchuan-Li-2027');
      expect((await colleague.call('GET', `/api/cases/${caseId}`)).body).toMatchObject({ claimedBy: '杨审核', canClaim: false });

      // The reviewer leaves: deactivated on this server; the other refuses the session within a second.
      await page.fill('input[type=search]', reviewerUsername);
      await page.click('button:has-text("查找")');
      await expect.poll(() => page.locator('table.people-table tbody tr').count()).toBe(1);
      const deactivated = page.waitForResponse((r) => r.url().endsWith('/deactivate'));
      await page.click('table.people-table button:has-text("停用")');
      expect((await deactivated).status()).toBe(200);
      await expect.poll(async () => (await reviewer.call('GET', '/api/me')).status, { interval: 20, timeout: 1_000 }).toBe(401);
      await page.waitForSelector('text=已停用 杨审核：退出 1 处登录，1 个认领的环节已退回公共待办。');
      await shot(page, 'golive-deactivated');
      // The step is back in the township's pool: the colleague may take it.
      expect((await colleague.call('GET', `/api/cases/${caseId}`)).body).toMatchObject({ claimedBy: null, canClaim: true });

      // Next year's holidays: the deadline was an estimate until the State Council's list is loaded.
      const before = (await colleague.call('GET', `/api/cases/${caseId}`)).body as unknown as CaseReply;
      expect(before.case.dueApproximate).toBe(true);
      await phone.page.reload();
      await phone.page.waitForSelector('text=期限按普通周末估算');
      const year = beijingYear(before.case.dueAt);
      const status = (await colleague.call('GET', '/api/calendar/status')).body as { remind: boolean; nextYear: number };
      await page.click('.inbox-tabs >> text=节假日日历');
      if (status.remind) await page.waitForSelector(`.calendar-reminder:has-text("${status.nextYear} 年的法定节假日安排还没有载入")`);
      // The Saturday worked before 国庆 (a 调休 day).
      const workday = [...Array(7).keys()].map((d) => new Date(Date.UTC(year, 8, 26 + d))).find((d) => d.getUTCDay() === 6)!.toISOString().slice(0, 10);
      await page.fill('input[name=year]', String(year));
      await page.fill('textarea[name=holidays]', `${year}-01-01 元旦\n${year}-05-03 劳动节\n${year}-10-01 国庆节\n${year}-10-04`);
      await page.fill('textarea[name=workdays]', workday);
      await page.click('button:has-text("检查并载入")');
      await page.waitForSelector(`text=已载入 ${year} 年；1 件在办案件的估算期限已按新日历重算。`);
      await page.waitForSelector('.calendar-reminder', { state: 'detached' });
      await shot(page, 'golive-calendar');
      const after = (await colleague.call('GET', `/api/cases/${caseId}`)).body as unknown as CaseReply;
      expect(after.case.dueApproximate).toBe(false);
      await phone.page.reload();
      await phone.page.waitForSelector('.progress li.current:has-text("乡镇办理")');
      expect(await phone.page.locator('text=期限按普通周末估算').count()).toBe(0);

      await page.click('.inbox-tabs >> text=管理记录');
      await page.waitForSelector('table.admin-history');
      const history = await page.locator('table.admin-history').innerText();
      for (const what of ['新增人员', '停用人员', '载入节假日', '本人修改密码']) expect(history).toContain(what);
      // Each change in the administrator's words: the record's fields named in Chinese.
      for (const field of ['在用：是 → 否', '放假日：', '调休上班日：', '手机号：1370000']) expect(history).toContain(field);
      await shot(page, 'golive-history');

      // Usable on a phone: each tab's name on one line, every row a card as wide as the screen, each value named.
      await page.setViewportSize({ width: 390, height: 780 });
      const oneLineTabs = () => page.locator('.inbox-tabs a').evaluateAll((tabs) => tabs.map((tab) => {
        const range = document.createRange();
        range.selectNodeContents(tab);
        return range.getClientRects().length;
      }));
      const overflowing = () => page.evaluate(() => Array.from(document.querySelectorAll('.admin .table-scroll')).filter((el) => el.scrollWidth > el.clientWidth).length);
      await expect.poll(oneLineTabs).toEqual([1, 1, 1, 1]);
      expect(await overflowing()).toBe(0);
      await page.click('.inbox-tabs >> text=人员');
      await page.waitForSelector('table.people-table');
      expect(await overflowing()).toBe(0);
      const username = page.locator('table.people-table td[data-label="用户名"]', { hasText: 'nhadmin' });
      expect(await username.evaluate((td) => getComputedStyle(td, '::before').content)).toBe('"用户名："');
      await shot(page, 'golive-people-phone');
      await page.click('.inbox-tabs >> text=组织机构');
      await page.waitForSelector('table.unit-tree');
      expect(await overflowing()).toBe(0);
      await shot(page, 'golive-units-phone');
    } finally {
      await phone.context.close();
      await context.close();
    }
  }, 240_000);
});
