import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESK, screenshots, shot, signedIn } from '../helpers/browser';
import { countyAdmin, type OwnPerson, ownTownship, relocationCase } from '../helpers/ownTownship';
import { idNumber, registration } from '../helpers/people';
import { dbKind } from '../helpers/testApp';
import { webServerForFile } from '../helpers/webServer';

const e2e = webServerForFile('print', 6300);

/** Sends one event over the API and expects it taken. */
async function step(who: OwnPerson, id: string, type: string, data?: unknown) {
  const res = await who.call('POST', `/api/cases/${id}/events`, { type, ...(data === undefined ? {} : { data }) });
  expect(res.status, `${type}: ${JSON.stringify(res.body)}`).toBe(200);
}

/** The page's PDF on A4, as the browser prints it, kept beside the screenshots; its number of pages. */
async function a4Pdf(page: Page, name: string): Promise<number> {
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  writeFileSync(join(screenshots, `${name}.pdf`), pdf);
  return (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
}

/** True when nothing in the printed case runs past the right edge of the page's printable width. */
const nothingCut = (page: Page) => page.evaluate(() => {
  const width = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll('.case-print table, .case-print dl')).every((el) => el.getBoundingClientRect().right <= width + 0.5 && el.scrollWidth <= el.clientWidth + 1);
});

describe(`printing a case (${dbKind})`, () => {
  it('prints on A4 with its number and the household: the 搬迁协议 alone, or the whole case with every filled form, 台账记录 within the page, history and signature lines; ID numbers masked for whoever is not on the step', async () => {
    const { cadre, reviewer, villageId } = await ownTownship(e2e.server.url, 'print');
    // A person of the county's 搬迁办, made for this test.
    const county = await (await countyAdmin(e2e.server.url)).person('print-county', '印县搬迁办', 'county_office', '532326');
    const householdId = idNumber('532326', '19650812', '047');
    const id = await relocationCase(cadre, villageId, false);
    await step(cadre, id, 'SUBMIT', { ...registration(), householder: '王秀英', idNumber: householdId, phone: '13812345678' });
    await step(reviewer, id, 'APPROVE');
    await step(county, id, 'APPROVE');
    const long = '担心搬迁后种地远、收入没有着落；老人不愿离开老屋，希望能在安置点附近安排公益性岗位，孩子上学需要转学手续，'.repeat(3);
    await step(cadre, id, 'LOG_VISIT', { date: '2026-05-08', visitors: '村支书王建国、驻村第一书记李红、乡贤赵德明', concerns: long, accounts: '搬迁前年收入约 8000 元，搬迁后务工预计年收入 26000 元，扣除物业水电后仍增收约 15000 元', willing: false });
    await step(cadre, id, 'LOG_VISIT', { date: '2026-05-15', visitors: '村支书王建国', concerns: '已无顾虑', accounts: '同上', willing: true });
    await step(cadre, id, 'SIGN', { signedOn: '2026-05-20', agreementNo: 'BQ-2026-0047' });
    const short = id.slice(0, 8).toUpperCase();

    // The cadre is on the case's step (安置分房): prints the 搬迁协议 from the case page.
    await signedIn(e2e.server.url, cadre, { width: DESK, path: `/cases/${id}` }, async (page) => {
      await page.click('details.done-form:has(summary:has-text("签订搬迁协议")) summary :text("打印")');
      await page.waitForSelector('.case-print h1:has-text("签订搬迁协议")');
      const identity = await page.locator('.print-identity').innerText();
      expect(identity).toContain(short);
      expect(identity).toContain('户主姓名');
      expect(identity).toContain('王秀英');
      expect(identity).toContain(householdId);
      const agreement = await page.locator('.case-print').innerText();
      expect(agreement).toContain('BQ-2026-0047');
      expect(agreement).toContain('2026-05-20');
      for (const line of ['户主签字', '村委会（盖章）', '乡镇人民政府（盖章）']) expect(agreement).toContain(line);
      // The agreement alone: no other form, no history.
      expect(await page.locator('.case-print h2').allInnerTexts()).toEqual(['签订搬迁协议']);
      await page.emulateMedia({ media: 'print' });
      await shot(page, 'print-agreement-1280');
      expect(await a4Pdf(page, 'print-agreement')).toBe(1);
      await page.emulateMedia({ media: 'screen' });

      // The whole case: every filled form, 台账记录, history and signature lines.
      await page.goto(`${e2e.server.url}/#/cases/${id}`);
      await page.click('a.print-case');
      await page.waitForSelector('.case-print h2:has-text("办理记录")');
      expect(await page.locator('.case-print h2').allInnerTexts()).toEqual(['摸底登记', '签订搬迁协议', '台账记录', '办理记录']);
      const whole = await page.locator('.case-print').innerText();
      for (const text of ['张桂英', '地质灾害隐患', '村支书王建国、驻村第一书记李红、乡贤赵德明', '已无顾虑', '入户动员记录（2 条）', '审核通过', '经办人签字', '审核人签字']) expect(whole).toContain(text);
      // On paper, at A4's printable width (170 mm), no table or field runs past the right edge.
      await page.setViewportSize({ width: 643, height: 900 });
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('.top').isVisible()).toBe(false);
      expect(await nothingCut(page)).toBe(true);
      await shot(page, 'print-case-a4');
      expect(await a4Pdf(page, 'print-case')).toBeGreaterThan(1);
    });

    // The township reviewer is not on the step any more: the same print shows the ID number masked.
    await signedIn(e2e.server.url, reviewer, { width: DESK, path: `/cases/${id}/print` }, async (page) => {
      await page.waitForSelector('.case-print h2:has-text("办理记录")');
      const identity = await page.locator('.print-identity').innerText();
      expect(identity).toContain('王秀英');
      expect(identity).toContain(`${householdId.slice(0, 6)}********${householdId.slice(-4)}`);
      expect(await page.locator('.case-print').innerText()).not.toContain(householdId);
      await page.emulateMedia({ media: 'print' });
      await shot(page, 'print-case-masked-1280');
    });
  });
});
