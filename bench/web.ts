// What a cadre downloads to open a case page, and the time to a usable form on a weak
// mobile link (Chromium throttled to 1.6 Mbps down / 150 ms RTT), against the floor for the
// same bytes on that link (bytes / bandwidth + the round trips), measured in the same run.
// Run: npm run bench:web
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { httpLogin, startServer } from '../test/helpers/serverProcess';

const root = join(import.meta.dirname, '..');
execFileSync(process.execPath, [join(root, 'scripts/buildWeb.mjs')], { stdio: 'inherit' });
const dataDir = mkdtempSync(join(tmpdir(), 'cf-bench-web-'));
const server = await startServer({ DATA_DIR: dataDir, SEED_DEMO: '0' }, 5900);
const DOWN = 1.6e6 / 8;
const RTT = 150;
try {
  const api = await httpLogin(server.url, '532326', 'cun');
  const id = (await api.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).body.id as string;
  const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'cf-chromium-')), {
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 375, height: 780 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(`${server.url}/#/login`);
  await page.selectOption('select[name=county]', '532326');
  await page.fill('input[name=username]', 'cun');
  await page.fill('input[name=password]', 'demo1234');
  await page.click('button[type=submit]');
  await page.waitForSelector('nav.bottom');
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
} finally {
  await server.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
}
