import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, openBrowser, shot, uiLogin } from '../helpers/browser';
import { dbKind, dropSchema } from '../helpers/testApp';
import { idNumber } from '../helpers/people';
import { type ServerProcess, startServer } from '../helpers/serverProcess';

const pgUrl = process.env.DATABASE_URL;
const schema = `t_e2e_${process.pid}`;
const dataDir = mkdtempSync(join(tmpdir(), 'cf-e2e-'));
let server: ServerProcess;

beforeAll(async () => {
  buildWebApp();
  server = await startServer({ SEED_DEMO: '0', ...(pgUrl ? { DATABASE_URL: pgUrl, DB_SCHEMA: schema } : { DATA_DIR: dataDir }) }, 5200 + (process.pid % 500));
}, 180_000);
afterAll(async () => {
  await server?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  if (pgUrl) await dropSchema(pgUrl, schema);
});

/** Starts a relocation case from the start page and waits for its form. */
async function startRelocation(page: Page) {
  await page.click('nav.bottom >> text=发起');
  await page.waitForSelector('select[name=processId] option[value=relocation]', { state: 'attached' });
  await page.selectOption('select[name=processId]', 'relocation');
  await page.waitForSelector('select[name=orgUnitId] option[value=xiaokangyuan]', { state: 'attached' });
  await page.click('button.primary:has-text("发起案件")');
  await page.waitForSelector('#root_householder').catch(async (e) => {
    await shot(page, 'failed-start');
    throw new Error(`${e}\n${await page.locator('main').innerText()}`);
  });
  return page.url().split('#/cases/')[1]!;
}

/** Fills the registration form (the household head's ID number as given). */
async function fillRegistration(page: Page, headId: string) {
  await page.fill('#root_householder', '李明华');
  await page.fill('#root_idNumber', headId);
  // The one member the form requires is already there (minItems: 1).
  await page.fill('#root_members_0_name', '李明华');
  await page.fill('#root_members_0_idNumber', idNumber());
  await page.selectOption('#root_members_0_relation', '户主');
  await page.check('#root_registeredPoor');
  await page.selectOption('#root_dwelling', '土木结构危房');
  await page.check('text=地质灾害隐患');
}

const dashboardCell = async (page: Page, url: string) => {
  await page.goto(`${url}/#/dashboard`);
  await page.reload();
  await page.waitForSelector('table.grid');
  await page.waitForTimeout(500);
  return page.locator('table.grid').innerText();
};

describe(`a cadre, a reviewer and a supervisor in the browser (${dbKind})`, () => {
  it('registration with a mistake → Chinese error on the field → fixed → returned with a reason → resubmitted → approved → dashboard moves', async () => {
    const cadre = await openBrowser(375);
    const reviewer = await openBrowser(1280);
    const supervisor = await openBrowser(1280);
    try {
      await uiLogin(cadre.page, server.url, '532326', 'cun');
      await shot(cadre.page, 'tasks-375');
      await startRelocation(cadre.page);
      const wrong = idNumber().slice(0, 17) + (idNumber().endsWith('0') ? '1' : '0');
      await fillRegistration(cadre.page, wrong);
      await cadre.page.click('button[type=submit]');
      await expect.poll(() => cadre.page.locator('.error-detail').allInnerTexts()).toContain('不是有效的 18 位居民身份证号（出生日期或校验位不对）');
      await shot(cadre.page, 'case-error-375');
      await cadre.page.fill('#root_idNumber', idNumber());
      await cadre.page.click('button[type=submit]');
      await cadre.page.waitForSelector('text=已提交');
      await cadre.page.waitForSelector('text=乡镇审核');

      await uiLogin(reviewer.page, server.url, '532326', 'xiang');
      await shot(reviewer.page, 'tasks-1280');
      await reviewer.page.click('text=李明华');
      await reviewer.page.click('button:has-text("退回修改")');
      await reviewer.page.fill('#root_reason', '户主身份证号与户口本不一致，请核对');
      await reviewer.page.fill('#root_field', '户主身份证号');
      await reviewer.page.click('button[type=submit]:has-text("退回修改")');
      await reviewer.page.waitForSelector('text=已退回修改');
      await shot(reviewer.page, 'case-returned-1280');

      await cadre.page.reload();
      await cadre.page.waitForSelector('text=⚠ 退回原因：户主身份证号与户口本不一致，请核对');
      await shot(cadre.page, 'case-return-reason-375');
      await cadre.page.click('button[type=submit]');
      await cadre.page.waitForSelector('text=已提交');

      await uiLogin(supervisor.page, server.url, '532326', 'jiandu');
      const before = await dashboardCell(supervisor.page, server.url);
      expect(before).not.toContain('县搬迁办审批');
      await reviewer.page.goto(`${server.url}/#/tasks`);
      await reviewer.page.click('text=李明华');
      await reviewer.page.click('button:has-text("审核通过")');
      await reviewer.page.waitForSelector('text=已审核通过');
      const after = await dashboardCell(supervisor.page, server.url);
      expect(after).toContain('县搬迁办审批');
      expect(after).toMatch(/金碧镇\s+1/);
      await shot(supervisor.page, 'dashboard-1280');
    } finally {
      await Promise.all([cadre.context.close(), reviewer.context.close(), supervisor.context.close()]);
    }
  });

  it('a submission made while offline is kept, said so plainly, and sent once when the network returns', async () => {
    const cadre = await openBrowser(375);
    try {
      await uiLogin(cadre.page, server.url, '532326', 'cun');
      const id = await startRelocation(cadre.page);
      await fillRegistration(cadre.page, idNumber());
      await cadre.context.setOffline(true);
      await cadre.page.click('button[type=submit]');
      await cadre.page.waitForSelector('text=网络不通：已保存在本机，网络恢复后自动提交。');
      await shot(cadre.page, 'offline-375');
      await cadre.context.setOffline(false);
      await expect.poll(() => cadre.page.locator('text=条待发送').count(), { timeout: 15_000 }).toBe(0);
      const history = await cadre.page.evaluate(async (caseId) => (await fetch(`/api/cases/${caseId}/history`)).json(), id);
      expect((history as { label: string }[]).map((h) => h.label)).toEqual(['发起', '提交']);
    } finally {
      await cadre.context.close();
    }
  });
});

describe(`rights in the browser (${dbKind})`, () => {
  it('a reviewer of another township never sees the case: not in the inbox, the case list, the dashboard, nor by its address', async () => {
    const api = await (await import('../helpers/serverProcess')).httpLogin(server.url, '532326', 'cun');
    const id = (await api.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).body.id as string;
    const other = await openBrowser(375);
    try {
      await uiLogin(other.page, server.url, '532326', 'xiang2');
      await other.page.waitForSelector('h2:has-text("待办（0）")');
      expect(await other.page.locator('main').innerText()).not.toContain('小康苑');
      await other.page.goto(`${server.url}/#/tasks?all=1`);
      await other.page.waitForSelector('h2:has-text("案件（0）")');
      expect(await other.page.locator('.list').innerText()).toBe('');
      await other.page.goto(`${server.url}/#/dashboard`);
      await other.page.waitForSelector('table.grid');
      await other.page.waitForTimeout(400);
      expect(await other.page.locator('table.grid').innerText()).not.toContain('金碧镇');
      await other.page.goto(`${server.url}/#/cases/${id}`);
      await other.page.waitForSelector('text=找不到该记录，或您无权查看');
      await shot(other.page, 'other-township-375');
    } finally {
      await other.context.close();
    }
  });
});
