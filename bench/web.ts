// What a cadre downloads to open a case page, and the time to a usable form on a weak
// mobile link (Chromium throttled to 1.6 Mbps down / 150 ms RTT), against the floor for the
// same bytes on that link (bytes / bandwidth + the round trips), measured in the same run.
// Service workers are blocked for that measurement: the app's own precache would otherwise
// serve the chunks and the cache would not be cold. Then, with the service worker on: the
// time to open the app with no network at all, against opening it online from the same cache.
// Run: npm run bench:web
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { httpLogin, startServer } from '../test/helpers/serverProcess';

const root = join(import.meta.dirname, '..');
execFileSync(process.execPath, [join(root, 'scripts/buildWeb.mjs')], { stdio: 'inherit' });
const dataDir = mkdtempSync(join(tmpdir(), 'cf-bench-web-'));
const server = await startServer({ DATA_DIR: dataDir, SEED_DEMO: 'counties' }, 5900);
const DOWN = 1.6e6 / 8;
const RTT = 150;
try {
  const api = await httpLogin(server.url, '532326', 'cun');
  const id = (await api.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).body.id as string;
  const browser = (serviceWorkers: 'allow' | 'block') => chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'cf-chromium-')), {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 375, height: 780 },
    serviceWorkers,
  });
  const logIn = async (page: Page) => {
    await page.goto(`${server.url}/#/login`);
    await page.selectOption('select[name=county]', '532326');
    await page.fill('input[name=username]', 'cun');
    await page.fill('input[name=password]', 'demo1234');
    await page.click('button[type=submit]');
    await page.waitForSelector('nav.bottom');
  };
  const context = await browser('block');
  const page = context.pages()[0] ?? (await context.newPage());
  await logIn(page);
  // A cold cache, then the weak link: open the case page directly, as from a notification.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.clearBrowserCache');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: RTT, downloadThroughput: DOWN, uploadThroughput: 0.75e6 / 8 });
  const assets = new Map<string, number>();
  cdp.on('Network.loadingFinished', (e: { requestId: string; encodedDataLength: number }) => assets.set(e.requestId, e.encodedDataLength));
  const types = new Map<string, string>();
  cdp.on('Network.responseReceived', (e: { requestId: string; type: string }) => types.set(e.requestId, e.type));
  const t0 = Date.now();
  await page.goto(`${server.url}/#/cases/${id}`);
  await page.waitForSelector('#root_householder');
  const usable = Date.now() - t0;
  let code = 0;
  let all = 0;
  for (const [rid, bytes] of assets) {
    all += bytes;
    if (types.get(rid) === 'Script' || types.get(rid) === 'Stylesheet') code += bytes;
  }
  const requests = assets.size;
  const floor = (all / DOWN) * 1000 + RTT * 3;
  await context.close();
  console.log(`\ncase page on a cold cache, 375 px, Chromium throttled to 1.6 Mbps / ${RTT} ms RTT`);
  console.log(`  JavaScript + CSS transferred (compressed): ${(code / 1024).toFixed(0)} KB   (aim ≤ 250 KB)`);
  console.log(`  everything transferred: ${(all / 1024).toFixed(0)} KB in ${requests} requests`);
  console.log(`  time to a usable form: ${(usable / 1000).toFixed(2)} s   (aim ≤ 3 s)`);
  console.log(`  floor for the same bytes on this link: ${(floor / 1000).toFixed(2)} s → ${(usable / floor).toFixed(2)} × floor`);

  // With the service worker: one online visit installs it and keeps the inbox; then the app opens with no network.
  const phone = await browser('allow');
  const app = phone.pages()[0] ?? (await phone.newPage());
  await logIn(app);
  await app.waitForSelector('.list .card');
  await app.evaluate(async () => { await navigator.serviceWorker.ready; });
  await app.reload();
  await app.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const open = async () => {
    const t = Date.now();
    await app.goto(`${server.url}/#/tasks`);
    await app.reload();
    await app.waitForSelector('.list .card');
    return Date.now() - t;
  };
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const online: number[] = [];
  const offline: number[] = [];
  for (let i = 0; i < 5; i++) online.push(await open());
  await phone.setOffline(true);
  for (let i = 0; i < 5; i++) offline.push(await open());
  await phone.close();
  console.log(`\nopening the inbox from the service worker's cache (median of 5)`);
  console.log(`  online (shell from the cache, inbox from the server): ${median(online)} ms`);
  console.log(`  offline (shell and inbox from the phone):              ${median(offline)} ms → ${(median(offline) / median(online)).toFixed(2)} × online`);

  // The dashboard's chart chunk against all of ECharts minified in this run (what the dashboard used to load).
  const gz = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).length;
  const assetsDir = join(root, 'designer/dist/assets');
  const chart = readdirSync(assetsDir).find((f) => /^barChart-.*\.js$/.test(f))!;
  const chartBytes = gz(readFileSync(join(assetsDir, chart)));
  const whole = await build({ stdin: { contents: "import * as echarts from 'echarts'; globalThis.echarts = echarts;", resolveDir: root }, bundle: true, minify: true, write: false, format: 'esm' });
  const wholeBytes = gz(whole.outputFiles[0]!.contents);
  console.log(`\nthe dashboard's chart library (gzip)`);
  console.log(`  what it loads (${chart}): ${(chartBytes / 1024).toFixed(0)} KiB; all of ECharts: ${(wholeBytes / 1024).toFixed(0)} KiB → ${(chartBytes / wholeBytes).toFixed(2)} × all`);
} finally {
  await server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
