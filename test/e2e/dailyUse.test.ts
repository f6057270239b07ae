import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DESK, PHONE, shot, signedIn } from '../helpers/browser';
import { ownTownship, relocationCase } from '../helpers/ownTownship';
import { idNumber } from '../helpers/people';
import { cameraPhoto, fillRegistration } from '../helpers/relocationForm';
import { dbKind } from '../helpers/testApp';
import { webServerForFile } from '../helpers/webServer';

const e2e = webServerForFile('daily', 6100);

/** What the case's 办理记录 says: each entry's label and 审批意见. */
async function historyOf(who: { call: (method: string, path: string) => Promise<{ body: unknown }> }, id: string) {
  return (await who.call('GET', `/api/cases/${id}/history`)).body as { label: string; comment: string | null }[];
}

/** Makes the signed-in phone one that has been online once: the service worker holds the app, the case page is kept. */
async function onceOnline(page: Page, caseId: string) {
  await page.waitForFunction(async () => Boolean((await navigator.serviceWorker.ready).active));
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.goto(`${e2e.server.url}/#/cases/${caseId}`);
  await page.waitForSelector('#root_householder');
}

describe(`the outbox on a phone (${dbKind})`, () => {
  it('reopened without signal, the queued work is counted in the menu and reachable; each item is named by its case; sent items leave the count', async () => {
    const { cadre, villageId } = await ownTownship(e2e.server.url, 'reopen');
    const id = await relocationCase(cadre, villageId, false);
    await signedIn(e2e.server.url, cadre, { width: PHONE }, async (page, phone) => {
      await onceOnline(page, id);
      // An empty outbox is in the menu too.
      expect(await page.locator('nav.bottom a[href="#/outbox"]').innerText()).toBe('待发送');
      await phone.context.setOffline(true);
      await fillRegistration(page, idNumber());
      await page.click('button[type=submit]');
      await page.waitForSelector('text=网络不通：已保存在本机，网络恢复后自动提交。');

      // The app is closed and opened again, still without signal.
      await page.reload();
      await page.waitForSelector('text=没有网络：显示的是本机保存的内容');
      await expect.poll(() => page.locator('nav.bottom a[href="#/outbox"] .outbox-count').textContent()).toBe('1');
      await page.waitForSelector('a.banner:has-text("1 条待发送")');
      await shot(page, 'reopened-offline-375');
      await page.click('nav.bottom a[href="#/outbox"]');
      await page.waitForSelector('h2:has-text("待发送（1）")');
      const title = await page.locator('.outbox-item .title').innerText();
      expect(title).toContain('李明华');
      expect(title).toContain(`编号 ${id.slice(0, 8).toUpperCase()}`);
      expect(await page.locator('.outbox-item .meta').innerText()).toContain('提交');
      await shot(page, 'outbox-offline-375');

      await phone.context.setOffline(false);
      await page.evaluate(() => window.dispatchEvent(new Event('online')));
      await page.waitForSelector('.outbox-item.sent:has-text("已发送")');
      await page.waitForSelector('h2:has-text("待发送（0）")');
      expect(await page.locator('nav.bottom .outbox-count').count()).toBe(0);
      await shot(page, 'outbox-sent-375');
      expect((await historyOf(cadre, id)).map((h) => h.label)).toEqual(['发起', '提交']);
    });
  });

  it('on a weak signal the browser thinks is online: a photo waits on the phone at once, a request that never answers times out, the outbox retries by itself with growing waits and says so, and sends once', async () => {
    const { cadre, villageId } = await ownTownship(e2e.server.url, 'weak');
    const id = await relocationCase(cadre, villageId, false);
    await signedIn(e2e.server.url, cadre, { width: PHONE }, async (page) => {
      // The page's clock is the test's: waits of seconds pass at once (time still runs on its own meanwhile).
      await page.clock.install();
      await onceOnline(page, id);
      await fillRegistration(page, idNumber());

      // Uploads fail while the browser says it is online: the photo stays on the phone after one quick retry.
      await page.route('**/api/uploads**', (route) => route.abort('internetdisconnected'));
      // A small photo, so that the time measured is the upload's, not the shrinking's.
      const photo = await cameraPhoto(page, { width: 400, height: 300 });
      const chosen = Date.now();
      await page.setInputFiles('#root_dwellingPhoto', { name: 'IMG_5001.jpg', mimeType: 'image/jpeg', buffer: photo });
      await page.waitForSelector('text=没有网络：照片已存在本机，提交时一起发送', { timeout: 5_000 });
      const fellBack = Date.now() - chosen;
      expect(fellBack).toBeLessThan(5_000);

      // The signal carries the photo, then the submission goes out and nothing ever answers: it times out and is kept.
      await page.unroute('**/api/uploads**');
      const hanging: unknown[] = [];
      await page.route('**/api/cases/*/events', (route) => void hanging.push(route));
      await page.click('button[type=submit]');
      await expect.poll(() => hanging.length).toBe(1);
      await page.clock.fastForward(16_000);
      await page.waitForSelector('text=网络不通：已保存在本机，网络恢复后自动提交。');
      await page.waitForSelector('a.banner:has-text("第 1 次重试，")');
      await shot(page, 'weak-signal-retry-375');

      // Still no answer at the next try: the wait grows.
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      await page.route('**/api/**', (route) => route.abort('internetdisconnected'));
      await page.clock.fastForward(6_000);
      await page.waitForSelector('a.banner:has-text("第 2 次重试，")');
      await page.click('nav.bottom a[href="#/outbox"]');
      await page.waitForSelector('.retry-status:has-text("第 2 次重试，")');
      expect(await page.locator('.retry-status').innerText()).toMatch(/第 2 次重试，(1[0-5]|[1-9]) 秒后/);
      await shot(page, 'weak-signal-outbox-375');

      // The signal comes back without the browser noticing: the next try sends it (the photo went already, once).
      await page.unrouteAll({ behavior: 'ignoreErrors' });
      await page.clock.fastForward(16_000);
      await page.waitForSelector('.outbox-item.sent:has-text("已发送")');
      await page.waitForSelector('h2:has-text("待发送（0）")');
      const sent = (await cadre.call('GET', `/api/cases/${id}`)).body as { case: { state: string; data: { register: { dwellingPhoto: { id: string; name: string } } } } };
      expect(sent.case.state).toBe('townshipReview');
      expect(sent.case.data.register.dwellingPhoto).toMatchObject({ name: 'IMG_5001.jpg', id: expect.not.stringMatching(/^local-/) });
      expect((await historyOf(cadre, id)).map((h) => h.label)).toEqual(['发起', '提交']);
      console.info(`photo kept on the phone after ${fellBack} ms with uploads failing`);
    });
  });
});

describe(`a township reviewer at the desk (${dbKind})`, () => {
  it('a refusal says what it is: waiting for an added approver, or approved already (not "changed by someone else"); a return reason is written once', async () => {
    const { cadre, reviewer, second, villageId } = await ownTownship(e2e.server.url, 'refuse');
    const [waiting, approved, returned] = [await relocationCase(cadre, villageId), await relocationCase(cadre, villageId), await relocationCase(cadre, villageId)];
    expect((await reviewer.call('POST', `/api/cases/${waiting}/add-signer`, { to: second.id, before: true })).status).toBe(200);
    expect((await reviewer.call('POST', `/api/cases/${approved}/add-signer`, { to: second.id })).status).toBe(200);
    const rev = ((await reviewer.call('GET', `/api/cases/${approved}`)).body as { case: { rev: number } }).case.rev;
    expect((await reviewer.call('POST', `/api/cases/${approved}/events`, { type: 'APPROVE' }, { 'if-match': String(rev) })).status).toBe(200);
    await signedIn(e2e.server.url, reviewer, { width: DESK, path: `/cases/${waiting}` }, async (page) => {
      await page.click('button:has-text("审核通过")');
      await page.waitForSelector('.banner.error:has-text("您请的加签人还没有审批，请等其审批后再办理")');
      expect(await page.locator('text=案件已被他人处理').count()).toBe(0);
      await shot(page, 'refused-waiting-for-signer-1280');

      await page.goto(`${e2e.server.url}/#/cases/${approved}`);
      await page.waitForSelector('.ballot:has-text("已同意 refuse审核人")');
      await page.click('button:has-text("审核通过")');
      await page.waitForSelector('.banner.error:has-text("您已同意过，正在等待其他审批人")');
      expect(await page.locator('text=案件已被他人处理').count()).toBe(0);

      // 审批意见 typed first, then 退回修改: the reason is already in the return form.
      await page.goto(`${e2e.server.url}/#/cases/${returned}`);
      await page.fill('#decision-comment', '户主身份证号与户口本不一致，请核对');
      await page.click('button:has-text("退回修改")');
      expect(await page.inputValue('#root_reason')).toBe('户主身份证号与户口本不一致，请核对');
      expect(await page.locator('#decision-comment').count()).toBe(0);
      await page.selectOption('#root_field', '户主身份证号');
      await shot(page, 'return-reason-once-1280');
      await page.click('button[type=submit]:has-text("退回修改")');
      await page.waitForSelector('text=已退回修改');
      expect((await historyOf(cadre, returned)).at(-1)).toMatchObject({ label: '退回修改', comment: '户主身份证号与户口本不一致，请核对' });
    });
  });

  it('batch approval asks first: the chosen cases listed, one 审批意见 for all; nothing is sent on cancel', async () => {
    const { cadre, reviewer, villageId } = await ownTownship(e2e.server.url, 'batch');
    const ids = [await relocationCase(cadre, villageId), await relocationCase(cadre, villageId), await relocationCase(cadre, villageId)];
    await signedIn(e2e.server.url, reviewer, { width: DESK }, async (page) => {
      await page.waitForSelector('table.case-table');
      for (const id of ids) await page.locator(`tr:has(a[href="#/cases/${id}"]) input[type=checkbox]`).check();
      await page.click('.batch-bar button:has-text("批量审核通过（3 件）")');
      const dialog = page.locator('dialog.batch-confirm');
      await dialog.waitFor();
      expect(await dialog.locator('h3').innerText()).toBe('审核通过以下 3 件？');
      const listed = await dialog.locator('.batch-cases li').allInnerTexts();
      expect(listed.map((l) => /编号 (\w{8})/.exec(l)?.[1])).toEqual(ids.map((id) => id.slice(0, 8).toUpperCase()));
      for (const l of listed) expect(l).toContain('李明华');
      // Cancelling sends nothing.
      await dialog.locator('button:has-text("取消")').click();
      await dialog.waitFor({ state: 'detached' });
      expect((await historyOf(cadre, ids[0]!)).at(-1)?.label).toBe('提交');

      await page.click('.batch-bar button:has-text("批量审核通过（3 件）")');
      await dialog.locator('textarea').fill('同意，材料齐全（批量）');
      await shot(page, 'batch-confirm-1280');
      await dialog.locator('button:has-text("确认审核通过（3 件）")').click();
      await page.waitForSelector('text=已批量审核通过 3 件');
      for (const id of ids) expect((await historyOf(cadre, id)).at(-1)).toMatchObject({ label: '审核通过', comment: '同意，材料齐全（批量）' });
    });
  });
});
