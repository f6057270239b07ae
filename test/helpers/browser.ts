import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

const root = join(import.meta.dirname, '../..');
export const screenshots = join(root, 'test/e2e/screenshots');

/** Builds the web app if its sources changed since the last build. */
export function buildWebApp(): void {
  execFileSync(process.execPath, [join(root, 'scripts/buildWeb.mjs')], { stdio: 'inherit' });
}

/** A fresh headless Chromium (Debian's) at a given width. */
export async function openBrowser(width: number): Promise<{ context: BrowserContext; page: Page }> {
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'cf-chromium-')), {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width, height: width < 500 ? 780 : 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(15_000);
  return { context, page };
}

/** Saves a screenshot for people to look at (CI artifact, not committed). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshots, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}

/** Logs in through the login page. */
export async function uiLogin(page: Page, url: string, county: string, username: string): Promise<void> {
  await page.goto(`${url}/#/login`);
  await page.selectOption('select[name=county]', county);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', 'demo1234');
  await page.click('button[type=submit]');
  await page.waitForSelector('nav.bottom');
}
