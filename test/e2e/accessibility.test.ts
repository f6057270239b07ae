import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { DESK, openBrowser, PHONE, sessionLogin, shot, signedIn } from '../helpers/browser';
import { dbKind } from '../helpers/testApp';
import { httpLogin } from '../helpers/serverProcess';
import { webServerForFile } from '../helpers/webServer';

const e2e = webServerForFile('a11y', 5900);

/** Opens a page of the app and waits for what shows it is drawn. */
async function visit(page: Page, hash: string, ready: string) {
  await page.goto(`${e2e.server.url}/${hash}`);
  await page.waitForSelector(ready);
}

describe(`accessibility: axe-core finds no critical or serious problem (${dbKind})`, () => {
  it('on the login page, the inbox and a case page on a phone', async () => {
    const cadre = await openBrowser(PHONE);
    try {
      await visit(cadre.page, '#/login', 'button[type=submit]');
      expect(await seriousViolations(cadre.page)).toEqual([]);
      const api = await httpLogin(e2e.server.url, '532326', 'cun');
      const started = await api.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
      await sessionLogin(cadre.page, e2e.server.url, api.cookie);
      await visit(cadre.page, '#/tasks', '.list .card');
      expect(await seriousViolations(cadre.page)).toEqual([]);
      await visit(cadre.page, `#/cases/${started.body.id as string}`, '#root_householder');
      // With the mistakes shown, as a cadre sees them after a failed submit.
      await cadre.page.click('button[type=submit]');
      await cadre.page.waitForSelector('.form-mistakes');
      await shot(cadre.page, 'a11y-case-375');
      expect(await seriousViolations(cadre.page)).toEqual([]);
    } finally {
      await cadre.context.close();
    }
  });

  it('on the dashboard on a desk', async () => {
    const supervisor = await httpLogin(e2e.server.url, '532326', 'jiandu');
    await signedIn(e2e.server.url, supervisor, { width: DESK }, async (page) => {
      await visit(page, '#/dashboard', 'table.grid');
      expect(await seriousViolations(page)).toEqual([]);
    });
  });

  it('in the designer: the library, and the form, flow and publish tabs of a process', async () => {
    const author = await httpLogin(e2e.server.url, '532326', 'xinxi');
    await signedIn(e2e.server.url, author, { width: DESK }, async (page) => {
      await visit(page, '#/author', '.library');
      expect(await seriousViolations(page)).toEqual([]);
      await page.click('.library a[href="#/author/relocation"]');
      await page.waitForSelector('.palette');
      expect(await seriousViolations(page)).toEqual([]);
      await page.click('button[role=tab]:has-text("流程图")');
      await page.waitForSelector('.react-flow__node');
      await shot(page, 'a11y-designer-1280');
      expect(await seriousViolations(page)).toEqual([]);
      await page.click('button[role=tab]:has-text("发布")');
      await page.waitForSelector('.publish');
      expect(await seriousViolations(page)).toEqual([]);
    });
  });

  it('switched to English, the words of the app are English and only what the county wrote stays Chinese', async () => {
    const api = await httpLogin(e2e.server.url, '532326', 'cun');
    await signedIn(e2e.server.url, api, { width: PHONE }, async (page) => {
      await page.click('.top button:has-text("English")');
      await page.waitForSelector('nav.bottom a:has-text("Tasks")');
      await visit(page, '#/tasks', '.list .card');
      // The app's own words: navigation, tabs, headings, buttons, field hints — not case titles, villages or process names.
      const chrome = await page.evaluate(() => [
        ...Array.from(document.querySelectorAll<HTMLElement>('nav.bottom a, .inbox-tabs a, h2, button, .top .link')).map((e) => e.innerText),
        ...Array.from(document.querySelectorAll<HTMLInputElement>('input[placeholder]')).map((e) => e.placeholder),
      ]);
      expect(chrome.length).toBeGreaterThan(5);
      expect(chrome.filter((text) => /[\u4e00-\u9fff]/.test(text.replace('中文', '')))).toEqual([]);
      expect(await seriousViolations(page)).toEqual([]);
      await shot(page, 'inbox-en-375');
    });
  });
});
