import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { seriousViolations } from '../helpers/axe';
import { openBrowser, sessionLogin, shot } from '../helpers/browser';
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
    const cadre = await openBrowser(375);
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
    const desk = await openBrowser(1280);
    try {
      const supervisor = await httpLogin(e2e.server.url, '532326', 'jiandu');
      await sessionLogin(desk.page, e2e.server.url, supervisor.cookie);
      await visit(desk.page, '#/dashboard', 'table.grid');
      expect(await seriousViolations(desk.page)).toEqual([]);
    } finally {
      await desk.context.close();
    }
  });

  it('in the designer: the library, and the form, flow and publish tabs of a process', async () => {
    const desk = await openBrowser(1280);
    try {
      const author = await httpLogin(e2e.server.url, '532326', 'xinxi');
      await sessionLogin(desk.page, e2e.server.url, author.cookie);
      await visit(desk.page, '#/author', '.library');
      expect(await seriousViolations(desk.page)).toEqual([]);
      await desk.page.click('.library a[href="#/author/relocation"]');
      await desk.page.waitForSelector('.palette');
      expect(await seriousViolations(desk.page)).toEqual([]);
      await desk.page.click('button[role=tab]:has-text("流程图")');
      await desk.page.waitForSelector('.react-flow__node');
      await shot(desk.page, 'a11y-designer-1280');
      expect(await seriousViolations(desk.page)).toEqual([]);
      await desk.page.click('button[role=tab]:has-text("发布")');
      await desk.page.waitForSelector('.publish');
      expect(await seriousViolations(desk.page)).toEqual([]);
    } finally {
      await desk.context.close();
    }
  });

  it('switched to English, the words of the app are English and only what the county wrote stays Chinese', async () => {
    const cadre = await openBrowser(375);
    try {
      const api = await httpLogin(e2e.server.url, '532326', 'cun');
      await sessionLogin(cadre.page, e2e.server.url, api.cookie);
      await cadre.page.click('.top button:has-text("English")');
      await cadre.page.waitForSelector('nav.bottom a:has-text("Tasks")');
      await visit(cadre.page, '#/tasks', '.list .card');
      // The app's own words: navigation, tabs, headings, buttons, field hints — not case titles, villages or process names.
      const chrome = await cadre.page.evaluate(() => [
        ...Array.from(document.querySelectorAll<HTMLElement>('nav.bottom a, .inbox-tabs a, h2, button, .top .link')).map((e) => e.innerText),
        ...Array.from(document.querySelectorAll<HTMLInputElement>('input[placeholder]')).map((e) => e.placeholder),
      ]);
      expect(chrome.length).toBeGreaterThan(5);
      expect(chrome.filter((text) => /[\u4e00-\u9fff]/.test(text.replace('中文', '')))).toEqual([]);
      expect(await seriousViolations(cadre.page)).toEqual([]);
      await shot(cadre.page, 'inbox-en-375');
    } finally {
      await cadre.context.close();
    }
  });
});
