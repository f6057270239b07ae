import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { openBrowser, sessionLogin, shot, uiLogin, waitForKept } from '../helpers/browser';
import { dbKind } from '../helpers/testApp';
import { webServerForFile } from '../helpers/webServer';
import { idNumber, registration } from '../helpers/people';
import { cameraPhoto, fillRegistration } from '../helpers/relocationForm';
import ExcelJS from 'exceljs';
import { httpLogin } from '../helpers/serverProcess';

const e2e = webServerForFile('cadre', 5200);

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

/** One API session per demo user for the whole file: logins are rate-limited per account (10 a minute). */
const sessions = new Map<string, ReturnType<typeof httpLogin>>();
const apiAs = (username: string) => {
  if (!sessions.has(username)) sessions.set(username, httpLogin(e2e.server.url, '532326', username));
  return sessions.get(username)!;
};

/** How many relocation steps and starts the server counted as made without signal and sent later (/metrics, read from this machine). */
const offlineCount = async () => {
  const text = await (await fetch(`${e2e.server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('cf_offline_delay_seconds_count{process="relocation"} '));
  return line ? Number(line.split(' ')[1]) : 0;
};

const dashboardCell = async (page: Page, url: string) => {
  await page.goto(`${url}/#/dashboard`);
  await page.reload();
  await page.waitForSelector('table.grid');
  // The stacked bar chart draws once its library (only the parts it uses) has loaded.
  await page.waitForSelector('.chart canvas');
  return page.locator('table.grid').innerText();
};

describe(`a cadre, a reviewer and a supervisor in the browser (${dbKind})`, () => {
  it('registration with a mistake → Chinese error on the field → fixed → returned with a reason → resubmitted → approved → dashboard moves', async () => {
    const cadre = await openBrowser(375);
    const reviewer = await openBrowser(1280);
    const supervisor = await openBrowser(1280);
    try {
      await uiLogin(cadre.page, e2e.server.url, '532326', 'cun');
      await shot(cadre.page, 'tasks-375');
      await startRelocation(cadre.page);
      const wrong = idNumber().slice(0, 17) + (idNumber().endsWith('0') ? '1' : '0');
      await fillRegistration(cadre.page, wrong);
      await cadre.page.click('button[type=submit]');
      await expect.poll(() => cadre.page.locator('.error-detail').allInnerTexts()).toContain('不是有效的 18 位居民身份证号（出生日期或校验位不对）');
      // The form guides: how many mistakes remain, the cursor in the first, a digit keyboard for ID numbers, where the case stands, the draft kept.
      expect(await cadre.page.locator('.form-mistakes').innerText()).toContain('还有 1 处需要填写或修改');
      expect(await cadre.page.evaluate(() => document.activeElement?.id)).toBe('root_idNumber');
      expect(await cadre.page.locator('#root_idNumber').getAttribute('inputmode')).toBe('numeric');
      expect(await cadre.page.locator('.progress li.current').innerText()).toContain('摸底登记');
      expect(await cadre.page.locator('.progress li').allInnerTexts()).toEqual(expect.arrayContaining(['乡镇审核', '县搬迁办审批']));
      expect(await cadre.page.locator('.draft-saved').innerText()).toContain('草稿已保存');
      await shot(cadre.page, 'case-error-375');
      await cadre.page.fill('#root_idNumber', idNumber());
      await cadre.page.click('button[type=submit]');
      await cadre.page.waitForSelector('text=已提交');
      await cadre.page.waitForSelector('text=乡镇审核');

      await uiLogin(reviewer.page, e2e.server.url, '532326', 'xiang');
      await shot(reviewer.page, 'tasks-1280');
      await reviewer.page.click('text=李明华');
      await reviewer.page.click('button:has-text("退回修改")');
      await reviewer.page.fill('#root_reason', '户主身份证号与户口本不一致，请核对');
      // Which field: picked from the case's own fields, not typed.
      expect(await reviewer.page.locator('#root_field option').allInnerTexts()).toEqual(expect.arrayContaining(['户主姓名', '户主身份证号', '家庭成员']));
      await reviewer.page.selectOption('#root_field', '户主身份证号');
      await reviewer.page.click('button[type=submit]:has-text("退回修改")');
      await reviewer.page.waitForSelector('text=已退回修改');
      await shot(reviewer.page, 'case-returned-1280');

      // The cadre resubmits from a second tab: the session's CSRF token comes back with /api/me, so it may write.
      const tab = await cadre.context.newPage();
      // The message centre tells the cadre: a badge in the header, the return with its reason; opening it opens the case.
      await tab.goto(`${e2e.server.url}/#/messages`);
      await tab.waitForSelector('.top .unread-badge');
      await tab.waitForSelector('.message.unread:has-text("退回给您：李明华")');
      expect(await tab.locator('.message.unread').first().innerText()).toContain('退回：户主身份证号与户口本不一致，请核对');
      await shot(tab, 'messages-375');
      await tab.click('.message.unread:has-text("退回给您：李明华")');
      await tab.waitForSelector('text=⚠ 退回原因：户主身份证号与户口本不一致，请核对');
      await shot(tab, 'case-return-reason-375');
      await tab.click('button[type=submit]');
      await tab.waitForSelector('text=已提交');

      await uiLogin(supervisor.page, e2e.server.url, '532326', 'jiandu');
      const before = await dashboardCell(supervisor.page, e2e.server.url);
      expect(before).not.toContain('县搬迁办审批');
      await reviewer.page.goto(`${e2e.server.url}/#/tasks`);
      await reviewer.page.click('text=李明华');
      await reviewer.page.fill('#decision-comment', '同意，材料齐全');
      await reviewer.page.click('button:has-text("审核通过")');
      await reviewer.page.waitForSelector('text=已审核通过');
      // 办理记录 shows what each reviewer wrote with the decision.
      await expect.poll(() => reviewer.page.locator('.timeline').innerText()).toMatch(/退回修改\s*意见：户主身份证号与户口本不一致，请核对[\s\S]*审核通过\s*意见：同意，材料齐全/);
      const after = await dashboardCell(supervisor.page, e2e.server.url);
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
      await uiLogin(cadre.page, e2e.server.url, '532326', 'cun');
      const id = await startRelocation(cadre.page);
      await fillRegistration(cadre.page, idNumber());
      await cadre.context.setOffline(true);
      await cadre.page.click('button[type=submit]');
      await cadre.page.waitForSelector('text=网络不通：已保存在本机，网络恢复后自动提交。');
      // A second tap queues nothing: the button waits with the submission.
      expect(await cadre.page.locator('button[type=submit]').isDisabled()).toBe(true);
      await shot(cadre.page, 'offline-375');
      // The outbox says where each submission stands.
      await cadre.page.click('a.banner:has-text("条待发送")');
      await cadre.page.waitForSelector('.outbox-item.waiting:has-text("等待网络")');
      expect(await cadre.page.locator('.outbox-item').count()).toBe(1);
      await cadre.context.setOffline(false);
      await cadre.page.waitForSelector('.outbox-item.sent:has-text("已发送")', { timeout: 15_000 });
      expect(await cadre.page.locator('text=条待发送').count()).toBe(0);
      await shot(cadre.page, 'outbox-sent-375');
      const history = await cadre.page.evaluate(async (caseId) => (await fetch(`/api/cases/${caseId}/history`)).json(), id);
      expect((history as { label: string }[]).map((h) => h.label)).toEqual(['发起', '提交']);
      // Back on the case: no stale 网络不通, the case as it now is.
      await cadre.page.goto(`${e2e.server.url}/#/cases/${id}`);
      await cadre.page.waitForSelector('.progress li.current:has-text("乡镇审核")');
      expect(await cadre.page.locator('text=网络不通').count()).toBe(0);
    } finally {
      await cadre.context.close();
    }
  });
});

describe(`without signal (${dbKind})`, () => {
  it('after one visit with signal the app opens with none: the inbox and its cases from the phone, a form filled and queued, sent when the signal returns', async () => {
    const api = await apiAs('cun');
    const id = (await api.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).body.id as string;
    const cadre = await openBrowser(375);
    try {
      await sessionLogin(cadre.page, e2e.server.url, api.cookie);
      await cadre.page.waitForSelector(`.card[href="#/cases/${id}"]`);
      // The service worker is in charge and the inbox's cases have been read ahead.
      expect(await cadre.page.evaluate(async () => Boolean((await navigator.serviceWorker.ready).active))).toBe(true);
      await cadre.page.reload();
      await cadre.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      await cadre.page.waitForSelector(`.card[href="#/cases/${id}"]`);
      await waitForKept(cadre.page, [`/api/cases/${id}`, `/api/cases/${id}/history`]);

      await cadre.context.setOffline(true);
      await cadre.page.reload();
      await cadre.page.waitForSelector('h2:has-text("待办（")');
      await cadre.page.waitForSelector('text=没有网络：显示的是本机保存的内容');
      expect(cadre.page.url()).not.toContain('#/login');
      await shot(cadre.page, 'offline-inbox-375');
      await cadre.page.click(`.card[href="#/cases/${id}"]`);
      await cadre.page.waitForSelector('#root_householder');
      await fillRegistration(cadre.page, idNumber());
      await cadre.page.click('button[type=submit]');
      await cadre.page.waitForSelector('text=网络不通：已保存在本机，网络恢复后自动提交。');
      await shot(cadre.page, 'offline-case-375');

      await cadre.context.setOffline(false);
      await cadre.page.evaluate(() => window.dispatchEvent(new Event('online')));
      await cadre.page.waitForSelector('text=网络已恢复，离线时的提交已发送。', { timeout: 15_000 });
      await cadre.page.waitForSelector('.progress li.current:has-text("乡镇审核")');
      const history = (await api.call('GET', `/api/cases/${id}/history`)).body as unknown as { label: string }[];
      expect(history.map((h) => h.label)).toEqual(['发起', '提交']);
    } finally {
      await cadre.context.close();
    }
  });
});

describe(`a case started without signal (${dbKind})`, () => {
  it('is started on the phone from the kept process, its first form filled and queued; the server starts it and takes the form when the signal returns', async () => {
    const api = await apiAs('cun');
    const cadre = await openBrowser(375);
    try {
      await sessionLogin(cadre.page, e2e.server.url, api.cookie);
      await cadre.page.waitForFunction(async () => Boolean((await navigator.serviceWorker.ready).active));
      // One visit to the start page with signal keeps the processes a cadre may start.
      await cadre.page.click('nav.bottom >> text=发起');
      await cadre.page.waitForSelector('select[name=processId] option[value=relocation]', { state: 'attached' });
      await waitForKept(cadre.page, ['/api/processes', '/api/org-units', '/api/processes/relocation']);
      await cadre.context.setOffline(true);
      await cadre.page.reload();
      await cadre.page.waitForSelector('select[name=processId] option[value=relocation]', { state: 'attached' });
      await cadre.page.selectOption('select[name=processId]', 'relocation');
      await cadre.page.click('button.primary:has-text("发起案件")');
      await cadre.page.waitForSelector('text=离线发起，联网后自动提交');
      await cadre.page.waitForSelector('#root_householder');
      await fillRegistration(cadre.page, idNumber());
      await cadre.page.click('button[type=submit]');
      await cadre.page.waitForSelector('text=网络不通：已保存在本机，网络恢复后自动提交。');
      await shot(cadre.page, 'offline-start-375');
      const offlineBefore = await offlineCount();
      await cadre.context.setOffline(false);
      await cadre.page.evaluate(() => window.dispatchEvent(new Event('online')));
      // The server started it: the page is the real case now, past its first step.
      await cadre.page.waitForURL(/#\/cases\/[0-9a-f]{8}-/, { timeout: 20_000 });
      await cadre.page.waitForSelector('.progress li.current:has-text("乡镇审核")', { timeout: 20_000 });
      const id = cadre.page.url().split('#/cases/')[1]!;
      const history = (await api.call('GET', `/api/cases/${id}/history`)).body as unknown as { label: string }[];
      expect(history.map((h) => h.label)).toEqual(['发起', '提交']);
      // Both were done without signal: the operator's metrics count the start as well as the form (X-Queued-At).
      expect(await offlineCount() - offlineBefore).toBe(2);
    } finally {
      await cadre.context.close();
    }
  });
});

describe(`photos (${dbKind})`, () => {
  it('a photo taken on the phone is shrunk, uploaded with its progress, shown as a picture; one taken without signal waits in the outbox with its case', async () => {
    const api = await apiAs('cun');
    const cadre = await openBrowser(375);
    try {
      await sessionLogin(cadre.page, e2e.server.url, api.cookie);
      const id = await startRelocation(cadre.page);
      await fillRegistration(cadre.page, idNumber());
      const photo = await cameraPhoto(cadre.page);
      expect(photo.length).toBeGreaterThan(1_000_000);
      await cadre.page.setInputFiles('#root_dwellingPhoto', { name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: photo });
      await cadre.page.waitForSelector('.upload-value img.thumb');
      const ref = (await cadre.page.locator('.upload-value .muted').innerText());
      expect(ref).toMatch(/IMG_2041\.jpg（\d+ KB）/);
      expect(Number(/（(\d+) KB）/.exec(ref)![1])).toBeLessThanOrEqual(300);
      // The form shows the server's thumbnail (at most 320 px); it opens the stored photo, at most 1600 px on its
      // longer side (this noisy one had to go smaller to fit 300 KB).
      const thumbWidth = await cadre.page.locator('.upload-value img.thumb').evaluate(async (img: HTMLImageElement) => (await img.decode(), img.naturalWidth));
      expect(thumbWidth).toBe(320);
      const full = await cadre.page.locator('.upload-value a:has(img.thumb)').getAttribute('href');
      const width = await cadre.page.evaluate(async (url) => (await createImageBitmap(await (await fetch(url!)).blob())).width, full);
      expect(width).toBeLessThanOrEqual(1600);
      expect(width).toBeGreaterThanOrEqual(800);
      await shot(cadre.page, 'photo-375');
      await cadre.page.click('button[type=submit]');
      await cadre.page.waitForSelector('text=已提交');
      const stored = (await api.call('GET', `/api/cases/${id}`)).body as { case: { data: { register: { dwellingPhoto: { id: string; sha256: string; type: string } } } } };
      expect(stored.case.data.register.dwellingPhoto).toMatchObject({ type: 'image/jpeg', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(stored.case.data.register.dwellingPhoto.id).not.toMatch(/^local-/);

      // Without signal: the photo stays on the phone and goes with the submission.
      const second = await startRelocation(cadre.page);
      await fillRegistration(cadre.page, idNumber());
      await cadre.context.setOffline(true);
      await cadre.page.setInputFiles('#root_dwellingPhoto', { name: 'IMG_2042.jpg', mimeType: 'image/jpeg', buffer: photo });
      await cadre.page.waitForSelector('text=没有网络：照片已存在本机，提交时一起发送');
      await cadre.page.waitForSelector('.upload-value img.thumb');
      await cadre.page.click('button[type=submit]');
      await cadre.page.waitForSelector('text=网络不通：已保存在本机，网络恢复后自动提交。');
      await cadre.context.setOffline(false);
      await cadre.page.evaluate(() => window.dispatchEvent(new Event('online')));
      await cadre.page.waitForSelector('text=网络已恢复，离线时的提交已发送。', { timeout: 20_000 });
      const sent = (await api.call('GET', `/api/cases/${second}`)).body as { case: { state: string; data: { register: { dwellingPhoto: { id: string; name: string } } } } };
      expect(sent.case.state).toBe('townshipReview');
      expect(sent.case.data.register.dwellingPhoto.name).toBe('IMG_2042.jpg');
      expect(sent.case.data.register.dwellingPhoto.id).not.toMatch(/^local-/);
      const file = await cadre.page.evaluate(async (fileId) => (await fetch(`/api/files/${fileId}`)).status, sent.case.data.register.dwellingPhoto.id);
      expect(file).toBe(200);
    } finally {
      await cadre.context.close();
    }
  });
});

describe(`a field day without signal (${dbKind})`, () => {
  it('online once, then offline throughout: three inbox cases and a new one filled with photos and double-tapped; back online each arrives once, the photo is kept once by its hash, a case changed meanwhile is refused plainly, and the banner clears', async () => {
    const api = await apiAs('cun');
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await api.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).body.id as string);
    const [first, , changed] = made as [string, string, string];
    const cadre = await openBrowser(375);
    try {
      // The one visit with signal: the app, the inbox with its cases read ahead, the start page.
      await sessionLogin(cadre.page, e2e.server.url, api.cookie);
      await cadre.page.waitForFunction(async () => Boolean((await navigator.serviceWorker.ready).active));
      await cadre.page.reload();
      await cadre.page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      for (const id of made) {
        await cadre.page.goto(`${e2e.server.url}/#/cases/${id}`);
        await cadre.page.waitForSelector('#root_householder');
      }
      // The inbox says when the phone holds all of it (every page, each case read ahead).
      await cadre.page.click('nav.bottom >> text=待办');
      await expect.poll(() => cadre.page.locator('.kept-offline').textContent(), { timeout: 30_000 }).toMatch(/^已存到本机：\d+ 件待办/);
      const keptTasks = Number(/(\d+) 件/.exec((await cadre.page.locator('.kept-offline').textContent())!)![1]);
      await cadre.page.click('nav.bottom >> text=发起');
      await cadre.page.waitForSelector('select[name=processId] option[value=relocation]', { state: 'attached' });
      await waitForKept(cadre.page, ['/api/processes', '/api/org-units', '/api/processes/relocation']);

      await cadre.context.setOffline(true);
      await cadre.page.goto(`${e2e.server.url}/#/tasks`);
      await cadre.page.reload();
      await cadre.page.waitForSelector('text=没有网络：显示的是本机保存的内容');
      // Without signal the inbox lists every task, not only its first page.
      await expect.poll(() => cadre.page.locator('.list .card').count()).toBe(keptTasks);
      const photo = await cameraPhoto(cadre.page);
      for (const id of made) {
        await cadre.page.click('nav.bottom >> text=待办');
        await cadre.page.click(`.card[href="#/cases/${id}"]`);
        await cadre.page.waitForSelector('#root_householder');
        await fillRegistration(cadre.page, idNumber());
        if (id === first) {
          await cadre.page.setInputFiles('#root_dwellingPhoto', { name: 'IMG_3001.jpg', mimeType: 'image/jpeg', buffer: photo });
          await cadre.page.waitForSelector('text=没有网络：照片已存在本机，提交时一起发送');
        }
        // A double tap: the second finds the button already waiting with the first.
        await cadre.page.dblclick('button[type=submit]');
        await cadre.page.waitForSelector('text=网络不通：已保存在本机，网络恢复后自动提交。');
      }
      const newOne = await startRelocation(cadre.page);
      expect(newOne).toMatch(/^local-/);
      await fillRegistration(cadre.page, idNumber());
      await cadre.page.setInputFiles('#root_dwellingPhoto', { name: 'IMG_3001.jpg', mimeType: 'image/jpeg', buffer: photo });
      await cadre.page.waitForSelector('text=没有网络：照片已存在本机，提交时一起发送');
      await cadre.page.dblclick('button[type=submit]');
      await cadre.page.waitForSelector('text=网络不通：已保存在本机，网络恢复后自动提交。');
      await cadre.page.click('a.banner:has-text("条待发送")');
      await cadre.page.waitForSelector('.outbox-item');
      // One waiting item per case (the start of the new one, then its form), none doubled by the taps.
      expect(await cadre.page.locator('.outbox-item.waiting').count()).toBe(5);
      await shot(cadre.page, 'field-day-outbox-375');

      // Meanwhile the case was registered from another device.
      expect((await api.call('POST', `/api/cases/${changed}/events`, { type: 'SUBMIT', data: registration() }, { 'if-match': '1' })).status).toBe(200);

      await cadre.context.setOffline(false);
      await cadre.page.evaluate(() => window.dispatchEvent(new Event('online')));
      await expect.poll(() => cadre.page.locator('.outbox-item.waiting').count(), { timeout: 30_000 }).toBe(0);
      expect(await cadre.page.locator('.outbox-item.sent').count()).toBe(4);
      const refused = cadre.page.locator('.outbox-item.refused');
      expect(await refused.count()).toBe(1);
      expect(await refused.innerText()).toContain('案件已被他人处理');
      expect(await refused.innerText()).toContain('案件现在：乡镇审核');
      // Every item is named as the cadre knows it: by the household its form named and the case's short number (the case started on the phone too, once the server started it), not by the process or a local number.
      const titles = await cadre.page.locator('.outbox-item a.title').allInnerTexts();
      expect(titles).toHaveLength(5);
      for (const title of titles) expect(title).toMatch(/^李明华 编号 [0-9A-F]{8}$/);
      expect(await cadre.page.locator('text=条待发送').count()).toBe(0);
      await shot(cadre.page, 'field-day-synced-375');

      const historyOf = async (id: string) => ((await api.call('GET', `/api/cases/${id}/history`)).body as unknown as { label: string }[]).map((h) => h.label);
      for (const id of made) expect(await historyOf(id)).toEqual(['发起', '提交']);
      // The case started on the phone: among the cadre's latest, the one with this photo.
      const latest = ((await api.call('GET', '/api/cases?mine=started&pageSize=10')).body as { items: { id: string }[] }).items.filter((c) => !made.includes(c.id));
      const photoOf = async (id: string) => ((await api.call('GET', `/api/cases/${id}`)).body as { case: { data: { register: { dwellingPhoto?: { id: string; name: string; sha256: string } } } } }).case.data.register.dwellingPhoto;
      const withPhoto = [];
      for (const c of latest) if ((await photoOf(c.id))?.name === 'IMG_3001.jpg') withPhoto.push(c.id);
      expect(withPhoto.length).toBe(1);
      expect(await historyOf(withPhoto[0]!)).toEqual(['发起', '提交']);
      const [a, b] = [await photoOf(first), await photoOf(withPhoto[0]!)];
      expect(a!.sha256).toBe(b!.sha256);
      expect(a!.id).not.toBe(b!.id);
      expect(existsSync(join(e2e.dataDir, 'files', 'content', a!.sha256.slice(0, 2), a!.sha256))).toBe(true);
      expect(readdirSync(join(e2e.dataDir, 'files', 'content', a!.sha256.slice(0, 2))).filter((f) => f.startsWith(a!.sha256.slice(0, 12)) && !f.includes('.'))).toEqual([a!.sha256]);
    } finally {
      await cadre.context.close();
    }
  });
});

describe(`the form on the smallest phone (${dbKind})`, () => {
  it('at 320 px the household members table fits: the fields of every row are inside the screen, wide enough to type in, the page never scrolls sideways', async () => {
    const api = await apiAs('cun');
    const cadre = await openBrowser(320);
    try {
      await sessionLogin(cadre.page, e2e.server.url, api.cookie);
      await startRelocation(cadre.page);
      await fillRegistration(cadre.page, idNumber());
      await cadre.page.click('button.add:has-text("添加一项")');
      await cadre.page.fill('#root_members_1_name', '王秀英');
      await cadre.page.fill('#root_members_1_idNumber', idNumber('532326', '19800303', '222'));
      await cadre.page.selectOption('#root_members_1_relation', '配偶');
      await expect.poll(() => cadre.page.inputValue('#root_memberCount')).toBe('2');
      const fits = await cadre.page.evaluate(() => {
        const boxes = Array.from(document.querySelectorAll<HTMLElement>('[id^="root_members_"]:is(input, select)')).map((el) => {
          const r = el.getBoundingClientRect();
          return { id: el.id, left: r.left, right: r.right, width: r.width, height: r.height };
        });
        return { pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth, boxes };
      });
      await shot(cadre.page, 'members-320');
      expect(fits.pageWidth).toBeLessThanOrEqual(fits.viewport);
      expect(fits.boxes.map((b) => b.id)).toEqual(expect.arrayContaining(['root_members_0_name', 'root_members_1_name', 'root_members_1_idNumber', 'root_members_1_relation']));
      for (const b of fits.boxes) {
        expect(b.left, b.id).toBeGreaterThanOrEqual(0);
        expect(b.right, b.id).toBeLessThanOrEqual(fits.viewport);
        expect(b.width, b.id).toBeGreaterThanOrEqual(200);
        expect(b.height, b.id).toBeGreaterThanOrEqual(36);
      }
    } finally {
      await cadre.context.close();
    }
  });
});

describe(`the inbox in the browser (${dbKind})`, () => {
  it('shows every case by scrolling, tells them apart (village, number, what is asked, 已退回), has tabs, and is a sortable table on a desk', async () => {
    const api = await apiAs('cun');
    const made: string[] = [];
    for (let i = 0; i < 55; i++) made.push((await api.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).body.id as string);
    // One of them comes back from the township review.
    const township = await apiAs('xiang');
    expect((await api.call('POST', `/api/cases/${made[1]}/events`, { type: 'SUBMIT', data: registration() }, { 'if-match': '1' })).status).toBe(200);
    expect((await township.call('POST', `/api/cases/${made[1]}/events`, { type: 'RETURN', data: { reason: '户主身份证号有误', field: '户主身份证号' } }, { 'if-match': '2' })).status).toBe(200);
    const cadre = await openBrowser(375);
    const desk = await openBrowser(1280);
    try {
      await sessionLogin(cadre.page, e2e.server.url, api.cookie);
      const heading = await cadre.page.locator('h2:has-text("待办（")').innerText();
      const total = Number(/待办（(\d+)）/.exec(heading)?.[1]);
      expect(total).toBeGreaterThanOrEqual(55);
      await expect.poll(() => cadre.page.locator('.list .card').count()).toBe(50);
      // Scrolling to the end brings the rest, until all are shown.
      await expect.poll(async () => {
        await cadre.page.locator('.list-end').scrollIntoViewIfNeeded();
        return cadre.page.locator('.list .card').count();
      }, { timeout: 20_000 }).toBe(total);
      await cadre.page.waitForSelector(`text=已显示全部 ${total} 件`);
      // Meanwhile the phone kept all of them for a day without signal, not only the first page.
      await expect.poll(() => cadre.page.locator('.kept-offline').textContent(), { timeout: 30_000 }).toMatch(/^已存到本机：\d+ 件待办/);
      expect(Number(/(\d+) 件/.exec((await cadre.page.locator('.kept-offline').textContent())!)![1])).toBeGreaterThan(50);
      const card = cadre.page.locator(`.card[href="#/cases/${made[0]}"]`);
      expect(await card.innerText()).toMatch(new RegExp(`小康苑社区[\\s\\S]*待您办理：摸底登记[\\s\\S]*编号 ${made[0]!.slice(0, 8).toUpperCase()}`));
      expect(await cadre.page.locator(`.card[href="#/cases/${made[1]}"] .flag.returned`).innerText()).toBe('已退回');
      expect(await cadre.page.locator(`.card[href="#/cases/${made[2]}"] .flag.returned`).count()).toBe(0);
      await shot(cadre.page, 'inbox-375');
      await cadre.page.click('.inbox-tabs >> text=我发起的');
      await cadre.page.waitForSelector('h2:has-text("我发起的（")');
      await expect.poll(() => cadre.page.locator(`.card[href="#/cases/${made[54]}"]`).count()).toBe(1);

      await sessionLogin(desk.page, e2e.server.url, api.cookie);
      await desk.page.waitForSelector('table.case-table');
      expect(await desk.page.locator('table.case-table thead').innerText()).toMatch(/名称[\s\S]*编号[\s\S]*单位[\s\S]*期限/);
      await desk.page.click('table.case-table th button:has-text("名称")');
      await desk.page.waitForSelector('th[aria-sort=ascending]');
      await shot(desk.page, 'inbox-1280');
    } finally {
      await Promise.all([cadre.context.close(), desk.context.close()]);
    }
  });
});

describe(`rights in the browser (${dbKind})`, () => {
  it('a reviewer of another township never sees the case: not in the inbox, the case list, the dashboard, nor by its address', async () => {
    const api = await apiAs('cun');
    const id = (await api.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).body.id as string;
    const other = await openBrowser(375);
    try {
      await uiLogin(other.page, e2e.server.url, '532326', 'xiang2');
      await other.page.waitForSelector('h2:has-text("待办（0）")');
      expect(await other.page.locator('main').innerText()).not.toContain('小康苑');
      await other.page.goto(`${e2e.server.url}/#/tasks?all=1`);
      await other.page.waitForSelector('h2:has-text("案件（0）")');
      expect(await other.page.locator('.list').innerText()).toBe('');
      await other.page.goto(`${e2e.server.url}/#/dashboard`);
      await other.page.waitForSelector('table.grid');
      // The counts have arrived (the total shows with them), so the grid holds what this reviewer may see.
      await other.page.waitForSelector('p.summary');
      expect(await other.page.locator('table.grid').innerText()).not.toContain('金碧镇');
      await other.page.goto(`${e2e.server.url}/#/cases/${id}`);
      await other.page.waitForSelector('text=找不到该记录，或您无权查看');
      await shot(other.page, 'other-township-375');
    } finally {
      await other.context.close();
    }
  });
});


/** A relocation case brought to 思想动员 over the API (registered, approved by township and county). */
async function caseInMobilising(): Promise<string> {
  const [cun, xiang, banqian] = await Promise.all([apiAs('cun'), apiAs('xiang'), apiAs('banqian')]);
  let c = (await cun.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).body as { id: string; rev: number };
  for (const [who, type, data] of [[cun, 'SUBMIT', registration()], [xiang, 'APPROVE'], [banqian, 'APPROVE']] as const) {
    const r = await who.call('POST', `/api/cases/${c.id}/events`, { type, ...(data ? { data } : {}) }, { 'if-match': String(c.rev) });
    expect(r.status).toBe(200);
    c = r.body as typeof c;
  }
  return c.id;
}

describe(`the case page's harder moments (${dbKind})`, () => {
  it('a loan: the balance shows in the records, and an over-repayment is refused in the words its author wrote', async () => {
    const [cun, xiang] = await Promise.all([apiAs('cun'), apiAs('xiang')]);
    const c = (await cun.call('POST', '/api/cases', { processId: 'micro-loan', orgUnitId: 'xiaokangyuan' })).body as { id: string };
    for (const [who, type, data] of [
      [cun, 'SUBMIT', { borrower: '周春福', idNumber: idNumber('532326', '19800101', '047'), amount: 30000, termMonths: 36, purpose: '养殖' }],
      [xiang, 'APPROVE'],
      [cun, 'ISSUE', { issuedOn: '2026-03-05', amount: 30000, dueOn: '2029-03-04' }],
      [cun, 'REPAY', { paidOn: '2027-03-01', amount: 10000.1 }],
    ] as const) expect((await who.call('POST', `/api/cases/${c.id}/events`, { type, ...(data ? { data } : {}) })).status).toBe(200);
    const phone = await openBrowser(375);
    try {
      await uiLogin(phone.page, e2e.server.url, '532326', 'cun');
      await phone.page.goto(`${e2e.server.url}/#/cases/${c.id}`);
      await phone.page.waitForSelector('.records');
      expect(await phone.page.locator('.records').innerText()).toMatch(/尚欠本金（元）\s*19999\.90[\s\S]*还款登记（1 条）[\s\S]*10000\.10/);
      await phone.page.fill('#root_paidOn', '2027-06-01');
      await phone.page.fill('#root_amount', '20000');
      await phone.page.click('button[type=submit]');
      await phone.page.waitForSelector('text=还款金额超过了尚欠本金，请核对后再登记');
      await shot(phone.page, 'loan-over-repayment-375');
      expect(await phone.page.inputValue('#root_amount')).toBe('20000');
    } finally {
      await phone.context.close();
    }
  });

  it('two phones on one case: the second submission gets 409, is told plainly, keeps what was typed, and goes through when sent again', async () => {
    const id = await caseInMobilising();
    const a = await openBrowser(375);
    const b = await openBrowser(375);
    try {
      for (const p of [a.page, b.page]) {
        await uiLogin(p, e2e.server.url, '532326', 'cun');
        await p.goto(`${e2e.server.url}/#/cases/${id}`);
        await p.waitForSelector('#root_visitors');
      }
      await a.page.fill('#root_date', '2026-11-20');
      await a.page.fill('#root_visitors', '村支书王刚、乡贤李老师');
      await a.page.fill('#root_concerns', '担心搬迁后没有收入');
      await a.page.click('button[type=submit]');
      await a.page.waitForSelector('text=已记录入户动员');

      await b.page.fill('#root_date', '2026-11-21');
      await b.page.fill('#root_visitors', '驻村工作队张队长');
      await b.page.fill('#root_concerns', '老人不愿离开老屋');
      await b.page.click('button[type=submit]');
      await b.page.waitForSelector('text=案件已被他人处理，下面是最新情况；您填写的内容已保留，可重新提交。');
      expect(await b.page.inputValue('#root_visitors')).toBe('驻村工作队张队长');
      expect(await b.page.inputValue('#root_concerns')).toBe('老人不愿离开老屋');
      await shot(b.page, 'case-409-375');
      await b.page.click('button[type=submit]');
      await b.page.waitForSelector('text=已记录入户动员');
      const api = await apiAs('cun');
      const visits = ((await api.call('GET', `/api/cases/${id}`)).body as { case: { data: { visits: { visitors: string }[] } } }).case.data.visits;
      expect(visits.map((v) => v.visitors)).toEqual(['村支书王刚、乡贤李老师', '驻村工作队张队长']);
    } finally {
      await Promise.all([a.context.close(), b.context.close()]);
    }
  });

  it('a signed agreement prints on A4 with its signature lines, and only that form', async () => {
    const id = await caseInMobilising();
    const api = await apiAs('cun');
    const c = (await api.call('GET', `/api/cases/${id}`)).body as { case: { rev: number } };
    const visit = await api.call('POST', `/api/cases/${id}/events`, { type: 'LOG_VISIT', data: { date: '2026-11-20', visitors: '村支书王刚', concerns: '无' } }, { 'if-match': String(c.case.rev) });
    const signed = await api.call('POST', `/api/cases/${id}/events`, { type: 'SIGN', data: { signedOn: '2026-11-22', agreementNo: 'DY-2026-0042' } }, { 'if-match': String((visit.body as { rev: number }).rev) });
    expect(signed.status).toBe(200);
    const { page, context } = await openBrowser(1280);
    try {
      await uiLogin(page, e2e.server.url, '532326', 'cun');
      await page.goto(`${e2e.server.url}/#/cases/${id}`);
      // 打印 opens the printed agreement: that form alone, on A4, under the case's number and the household.
      await page.click('details.done-form:has-text("签订搬迁协议") summary :text("打印")');
      await page.waitForSelector('.case-print h1:has-text("签订搬迁协议")');
      await page.emulateMedia({ media: 'print' });
      const sheet = page.locator('.case-print');
      expect(await sheet.innerText()).toMatch(/户主签字：＿+[\s\S]*村委会（盖章）：＿+[\s\S]*乡镇人民政府（盖章）：＿+/);
      expect(await sheet.locator('.print-fields dd').allInnerTexts()).toEqual(expect.arrayContaining(['2026-11-22', 'DY-2026-0042', `${id.slice(0, 8).toUpperCase()} ${id}`]));
      expect(await sheet.locator('h2').allInnerTexts()).toEqual(['签订搬迁协议']);
      expect(await page.locator('nav.bottom').isVisible()).toBe(false);
      expect(await page.locator('.print-toolbar').isVisible()).toBe(false);
      await shot(page, 'case-print-agreement');
    } finally {
      await context.close();
    }
  });

  it('a roster import shows every row problem in Chinese before anything is created, then creates the cases', async () => {
    const book = (rows: unknown[][]) => {
      const wb = new ExcelJS.Workbook();
      const sheet = wb.addWorksheet('名册');
      sheet.addRow(['组织单位', '户主姓名', '户主身份证号', '建档立卡贫困户', '现住房情况']);
      for (const r of rows) sheet.addRow(r);
      return wb.xlsx.writeBuffer();
    };
    const good = ['小康苑社区', '孙有福', idNumber('532326', '19660606', '201'), '是', '土木结构危房'];
    const bad = await book([good, ['小康苑社区', '周二妹', '12345', '否', '草房']]);
    const fixed = await book([good, ['小康苑社区', '周二妹', idNumber('532326', '19700707', '202'), '否', '砖木结构']]);
    const { page, context } = await openBrowser(1280);
    try {
      await uiLogin(page, e2e.server.url, '532326', 'cun');
      await page.click('nav.bottom >> text=发起');
      await page.waitForSelector('select[name=processId] option[value=relocation]', { state: 'attached' });
      await page.selectOption('select[name=processId]', 'relocation');
      await page.setInputFiles('input[type=file]', { name: '名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(bad) });
      await page.click('button:has-text("检查名册（不创建）")');
      await page.waitForSelector('text=共 2 行，发现');
      const report = await page.locator('section:has-text("导入名册") table').innerText();
      expect(report).toMatch(/3\s+户主身份证号\s+.*身份证号/);
      expect(report).toContain('「现住房情况」请从给出的选项中选择');
      expect(await page.locator('button:has-text("确认导入")').count()).toBe(0);
      await shot(page, 'import-dry-run-1280');
      await page.setInputFiles('input[type=file]', { name: '名册.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: Buffer.from(fixed) });
      await page.click('button:has-text("检查名册（不创建）")');
      await page.waitForSelector('text=共 2 行，发现 0 个问题');
      await page.click('button:has-text("确认导入")');
      await page.waitForSelector('text=已创建 2 个案件');
      const api = await apiAs('cun');
      const found = (await api.call('GET', '/api/cases?processId=relocation&q=周二妹')).body as { total: number };
      expect(found.total).toBe(1);
    } finally {
      await context.close();
    }
  });
});
