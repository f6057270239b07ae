import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBrowser, sessionLogin, shot } from '../helpers/browser';
import { definitionsDir } from '../helpers/definitions';
import { ownTownship } from '../helpers/ownTownship';
import { httpLogin } from '../helpers/serverProcess';
import { dbKind } from '../helpers/testApp';
import { webServerForFile } from '../helpers/webServer';

const e2e = webServerForFile('rows', 7500);

describe(`退回这一条: a reviewer returns one entry of a points ledger, the cadre sees which (${dbKind})`, () => {
  it('the reviewer picks the entry by name; the cadre sees it marked with the reason, corrects it from what it held, and sees it marked corrected', async () => {
    const author = await httpLogin(e2e.server.url, '532326', 'xinxi');
    const points = JSON.parse(readFileSync(join(definitionsDir, 'examples', 'household-points.json'), 'utf8')) as object;
    expect((await author.call('PUT', '/api/processes/household-points/draft', points)).status).toBe(200);
    expect((await author.call('POST', '/api/processes/household-points/publish', {})).status).toBe(200);
    const { cadre, reviewer, villageId } = await ownTownship(e2e.server.url, 'points');
    const id = (await cadre.call('POST', '/api/cases', { processId: 'household-points', orgUnitId: villageId })).body.id as string;
    for (const [type, data] of [
      ['REGISTER', { name: '周春福' }],
      ['EARN', { date: '2026-02-27', kind: '志愿服务', points: 5 }],
      ['EARN', { date: '2026-02-28', kind: '环境整治', points: 30, note: '清理河道' }],
      ['EARN', { date: '2026-03-01', kind: '志愿服务', points: 8 }],
      ['SUBMIT', undefined],
    ] as const) expect((await cadre.call('POST', `/api/cases/${id}/events`, data ? { type, data } : { type })).status).toBe(200);

    const desk = await openBrowser(1280);
    const phone = await openBrowser(375);
    const thrown: string[] = [];
    for (const { page } of [desk, phone]) page.on('pageerror', (e) => thrown.push(e.message));
    try {
      // The reviewer picks the entry from the case's rows, by name, not by typing a number.
      await sessionLogin(desk.page, e2e.server.url, reviewer.cookie);
      await desk.page.goto(`${e2e.server.url}/#/cases/${id}`);
      await desk.page.click('button:has-text("退回这一条")');
      const picker = desk.page.locator('#root_row');
      await picker.waitFor();
      expect(await picker.locator('option').allInnerTexts()).toEqual(expect.arrayContaining(['第 1 条：2026-02-27 · 志愿服务 · 5', '第 2 条：2026-02-28 · 环境整治 · 30', '第 3 条：2026-03-01 · 志愿服务 · 8']));
      await picker.selectOption({ label: '第 2 条：2026-02-28 · 环境整治 · 30' });
      await desk.page.fill('#root_reason', '清理河道应记 3 分');
      await shot(desk.page, 'return-row-picker-1280');
      await desk.page.click('button[type=submit]:has-text("退回这一条")');
      await desk.page.waitForSelector('text=已退回这一条');

      // The cadre sees which entry came back and why: said at the top, and the row marked in the list.
      await sessionLogin(phone.page, e2e.server.url, cadre.cookie);
      await phone.page.goto(`${e2e.server.url}/#/cases/${id}`);
      await phone.page.waitForSelector('.banner.picked-row:has-text("退回这一条：积分记录第 2 条")');
      const marked = phone.page.locator('.records tr.picked');
      expect(await marked.count()).toBe(1);
      expect(await marked.innerText()).toMatch(/^2\s+2026-02-28\s+环境整治\s+30\s+清理河道/);
      expect(await phone.page.locator('.records tr.picked + tr.pick-note').innerText()).toBe('退回这一条：清理河道应记 3 分');
      await shot(phone.page, 'returned-row-375');

      // Correcting it starts from what the entry held.
      await phone.page.click('button:has-text("更正这一条")');
      await phone.page.locator('#root_points').waitFor();
      expect(await phone.page.inputValue('#root_points')).toBe('30');
      expect(await phone.page.inputValue('#root_note')).toBe('清理河道');
      await phone.page.fill('#root_points', '3');
      await phone.page.click('button[type=submit]:has-text("更正这一条")');
      await phone.page.waitForSelector('text=已更正这一条');
      await expect.poll(() => phone.page.locator('.records tr').nth(2).innerText()).toMatch(/^2\s*已更正\s+2026-02-28\s+环境整治\s+3\s/);
      expect(await phone.page.locator('.records tr.picked, .records tr.pick-note').count()).toBe(0);
      expect(await phone.page.locator('.records dl.computed').innerText()).toMatch(/总积分\s+16/);
      expect(thrown).toEqual([]);
    } finally {
      await desk.context.close();
      await phone.context.close();
    }
  });
});
