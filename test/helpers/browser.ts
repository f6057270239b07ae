import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { inject } from 'vitest';

const root = join(import.meta.dirname, '../..');
export const screenshots = join(root, 'test/e2e/screenshots');

/** Builds the web app if its sources changed since the last build. */
export function buildWebApp(): void {
  execFileSync(process.execPath, [join(root, 'scripts/buildWeb.mjs')], { stdio: 'inherit' });
}

const FONT_PATH = '/__test-cjk-font/';

/**
 * Gives a page a Chinese font when the browser has none (the packaged Chromium on a machine
 * without Debian's fonts): Noto Sans SC from the npm package @fontsource/noto-sans-sc, served
 * to the page as a web font under the name the app's own font list already asks for.
 */
async function withChineseFont(context: BrowserContext): Promise<void> {
  const dir = dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/400.css'));
  const css = readFileSync(join(dir, '400.css'), 'utf8').replaceAll("'Noto Sans SC'", "'WenQuanYi Micro Hei'").replaceAll('url(./files/', `url(${FONT_PATH}files/`);
  await context.route(`**${FONT_PATH}**`, (route) => {
    const name = new URL(route.request().url()).pathname.slice(FONT_PATH.length);
    return name === '400.css' ? route.fulfill({ body: css, contentType: 'text/css' }) : route.fulfill({ path: join(dir, name.replace(/\.\.+/g, '')) });
  });
  await context.addInitScript((href) => {
    document.addEventListener('DOMContentLoaded', () => {
      const link = document.createElement('link');
      link.rel = 'stylesheet';
      link.href = href;
      document.head.appendChild(link);
    });
  }, `${FONT_PATH}400.css`);
}

/** A fresh headless Chromium at a given width: Debian's, or the packaged one (see chromiumSetup.ts). */
export async function openBrowser(width: number): Promise<{ context: BrowserContext; page: Page }> {
  const browser = inject('chromium');
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'cf-chromium-')), {
    executablePath: browser.executablePath,
    env: { ...process.env, ...browser.env } as Record<string, string>,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    viewport: { width, height: width < 500 ? 780 : 900 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  if (browser.bundled) await withChineseFont(context);
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

/** Opens the app in a session made over the API (its cookie): for tests about other things than logging in. The page restores its CSRF token from /api/me. */
export async function sessionLogin(page: Page, url: string, cookie: string): Promise<void> {
  const [name, ...value] = cookie.split('=');
  await page.context().addCookies([{ name: name!, value: value.join('='), url }]);
  await page.goto(`${url}/#/tasks`);
  await page.waitForSelector('nav.bottom');
}

/** The widths the tests open the app at: a desk's screen and a phone's. */
export const DESK = 1280;
export const PHONE = 375;

/** A browser a test works in: its context (offline, cookies) and what its page threw. */
export interface OpenedBrowser {
  context: BrowserContext;
  /** Errors the page threw (pageerror), from the moment it opened. */
  errors: string[];
}

/**
 * Runs `use` in a fresh browser `width` wide, signed in as `who` (a session made over the API,
 * see sessionLogin) and on `path` of the app (`/cases/…`; the task list when not given), then
 * closes the browser, whatever happened.
 */
export async function signedIn<T>(url: string, who: { cookie: string }, options: { width: number; path?: string }, use: (page: Page, browser: OpenedBrowser) => Promise<T>): Promise<T> {
  const { context, page } = await openBrowser(options.width);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await sessionLogin(page, url, who.cookie);
    if (options.path) await page.goto(`${url}/#${options.path}`);
    return await use(page, { context, errors });
  } finally {
    await context.close();
  }
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

/**
 * Waits until the web app has kept the answers to these reads on the phone (IndexedDB `cf-reads`,
 * designer/src/offline/keep.ts), so a test may take the signal away knowing what the app holds.
 * The database is only looked into once the app has made it: opening it first would make it
 * without its store.
 */
export async function waitForKept(page: Page, paths: string[]): Promise<void> {
  await page.waitForFunction(async (keys) => {
    if (!(await indexedDB.databases()).some((d) => d.name === 'cf-reads')) return false;
    return new Promise<boolean>((resolve) => {
      const open = indexedDB.open('cf-reads');
      open.onerror = () => resolve(false);
      open.onsuccess = () => {
        const db = open.result;
        try {
          const store = db.transaction('answers').objectStore('answers');
          let found = 0;
          for (const key of keys) {
            const req = store.get(key);
            req.onsuccess = () => {
              if (req.result === undefined) resolve(false);
              else if (++found === keys.length) resolve(true);
            };
            req.onerror = () => resolve(false);
          }
          store.transaction.oncomplete = () => db.close();
        } catch {
          db.close();
          resolve(false);
        }
      };
    });
  }, paths, { polling: 200, timeout: 30_000 });
}
