import { describe, expect, it } from 'vitest';
import { DESK, PHONE, sessionLogin, shot, signedIn, waitForKept } from '../helpers/browser';
import { uploadPhoto } from '../helpers/casePhoto';
import { countyAdmin, ownTownship, relocationCase } from '../helpers/ownTownship';
import { idNumber } from '../helpers/people';
import { dbKind } from '../helpers/testApp';
import { webServerForFile } from '../helpers/webServer';

const e2e = webServerForFile('review', 6700);

/** What a case's 办理记录 says: each entry's label, who and 审批意见. */
async function historyOf(who: { call: (method: string, path: string) => Promise<{ body: unknown }> }, id: string) {
  return (await who.call('GET', `/api/cases/${id}/history`)).body as { label: string; actorName: string; comment: string | null }[];
}

describe(`searching the inbox on a phone without signal (${dbKind})`, () => {
  it('searches what the phone keeps, by name, short number and unit, and says so; clearing the search shows the whole inbox; nothing is thrown', async () => {
    const { cadre, reviewer, villageId } = await ownTownship(e2e.server.url, 'search');
    const ids: Record<string, string> = {};
    for (const name of ['王建国', '王秀兰', '李明华']) ids[name] = await relocationCase(cadre, villageId, true, { householder: name });
    const townshipId = ((await reviewer.call('GET', '/api/org-units')).body as unknown as { id: string; level: string }[]).find((u) => u.level === 'township')!.id;
    await signedIn(e2e.server.url, reviewer, { width: PHONE }, async (page, phone) => {
      await page.waitForSelector('text=已存到本机：3 件待办没有网络也能打开和办理');
      await waitForKept(page, ['/api/tasks?pageSize=50', '/api/org-units']);
      await phone.context.setOffline(true);
      const titles = () => page.locator('.card.task .title').allInnerTexts();

      await page.fill('input[type=search]', '王');
      await page.waitForSelector('.searched-kept:has-text("没有网络：在本机保存的 3 件中查找")');
      await expect.poll(async () => (await titles()).sort()).toEqual(['王建国', '王秀兰']);
      expect(await page.locator('.cases-page h2').innerText()).toBe('待办（2）');
      await shot(page, 'search-offline-375');

      // The short number the card shows finds its case.
      await page.fill('input[type=search]', ids['李明华']!.slice(0, 8).toUpperCase());
      await expect.poll(titles).toEqual(['李明华']);
      // A township covers its villages.
      await page.fill('input[type=search]', '');
      await page.selectOption('select[aria-label="单位"]', { value: villageId });
      await expect.poll(async () => (await titles()).length).toBe(3);
      await page.selectOption('select[aria-label="单位"]', { value: townshipId });
      await expect.poll(async () => (await titles()).length).toBe(3);
      await page.selectOption('select[aria-label="单位"]', { value: '' });
      await page.fill('input[type=search]', '赵');
      await page.waitForSelector('text=没有待办事项');
      await page.fill('input[type=search]', '');
      await expect.poll(async () => (await titles()).length).toBe(3);
      expect(phone.errors).toEqual([]);
    });
  });
});

describe(`a township reviewer decides at the desk (${dbKind})`, () => {
  it('sees the filled form first, read-only and compact (members as a table, the photo as a thumbnail), the decision beside it; on a phone below it; personal values masked for whoever is not on the step', async () => {
    const { cadre, reviewer, villageId } = await ownTownship(e2e.server.url, 'summary');
    const id = await relocationCase(cadre, villageId, false);
    const photo = await uploadPhoto(e2e.server.url, cadre, id);
    const head = idNumber('532326', '19750312', '021');
    const members = [
      { name: '赵德兵', idNumber: head, relation: '户主' },
      { name: '钱秀兰', idNumber: idNumber('532326', '19780101', '022'), relation: '配偶' },
      { name: '赵小燕', idNumber: idNumber('532326', '20050606', '023'), relation: '子女' },
    ];
    const sent = await cadre.call('POST', `/api/cases/${id}/events`, {
      type: 'SUBMIT',
      data: { householder: '赵德兵', idNumber: head, phone: '13987654321', members, registeredPoor: true, dwelling: '土木结构危房', dwellingPhoto: photo, reasons: ['地质灾害隐患', '交通不便'], partyMemberHousehold: false },
    }, { 'if-match': '1' });
    expect(sent.status).toBe(200);
    await signedIn(e2e.server.url, reviewer, { width: DESK, path: `/cases/${id}` }, async (page) => {
      const data = page.locator('.review-data');
      await data.waitFor();
      const form = data.locator('details.done-form:has(summary:has-text("摸底登记"))');
      expect(await form.getAttribute('open')).not.toBeNull();
      const fields = Object.fromEntries(await form.locator('.summary-fields > div').evaluateAll((divs) => divs.map((d) => [d.querySelector('dt')!.textContent, d.querySelector('dd')!.textContent])));
      expect(fields).toMatchObject({ 户主姓名: '赵德兵', 户主身份证号: head, 联系电话: '13987654321', 家庭人数: '3', 建档立卡贫困户: '是', 党员户: '否', 现住房情况: '土木结构危房', 搬迁原因: '地质灾害隐患、交通不便' });
      // The household as a table, a row per member.
      const table = form.locator('table');
      expect(await table.locator('caption').innerText()).toBe('家庭成员');
      expect(await table.locator('thead th').allInnerTexts()).toEqual(['#', '姓名', '身份证号', '与户主关系']);
      expect(await table.locator('tbody tr').allInnerTexts()).toEqual(members.map((m, i) => `${i + 1}\t${m.name}\t${m.idNumber}\t${m.relation}`));
      // The photo as a thumbnail (the server's, at most 320 px) opening the photo itself.
      const thumb = form.locator(`a[href="/api/files/${photo.id}"] img.thumb`);
      await expect.poll(() => thumb.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(0);
      expect(await thumb.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeLessThanOrEqual(320);
      // Nothing to edit in what was filled.
      expect(await data.locator('input, select, textarea').count()).toBe(0);
      for (const word of ['上移', '下移', '删除', '添加']) expect(await page.locator(`button:has-text("${word}")`).count()).toBe(0);

      // The decision beside the data, in the first screen.
      const decide = page.locator('aside.review-decide');
      const [d, a] = [(await data.boundingBox())!, (await decide.boundingBox())!];
      expect(a.x).toBeGreaterThanOrEqual(d.x + d.width);
      for (const label of ['审核通过', '退回修改']) expect((await decide.locator(`button:has-text("${label}")`).boundingBox())!.y).toBeLessThan(900);
      await shot(page, 'review-desk-1280');

      // On a phone: the data, then the decision below it; nothing wider than the screen.
      await page.setViewportSize({ width: 375, height: 780 });
      await expect.poll(() => page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
      expect((await decide.boundingBox())!.y).toBeGreaterThan((await data.boundingBox())!.y);
      await shot(page, 'review-phone-375');
      await page.setViewportSize({ width: 1280, height: 900 });

      await page.fill('#decision-comment', '材料齐全，同意');
      await decide.locator('button:has-text("审核通过")').click();
      await page.waitForSelector('.banner:has-text("已审核通过")');
      expect((await historyOf(reviewer, id)).at(-1)).toMatchObject({ label: '审核通过', comment: '材料齐全，同意' });

      // The cadre is not on the next step: the summary shows ID numbers masked, as the server sends them.
      await page.context().clearCookies();
      await sessionLogin(page, e2e.server.url, cadre.cookie);
      await page.goto(`${e2e.server.url}/#/cases/${id}`);
      await page.click('details.done-form summary:has-text("摸底登记")');
      const masked = (n: string) => `${n.slice(0, 6)}********${n.slice(-4)}`;
      await page.waitForSelector(`.form-summary dd:text-is("${masked(head)}")`);
      expect(await page.locator('.form-summary tbody tr').allInnerTexts()).toEqual(members.map((m, i) => `${i + 1}\t${m.name}\t${masked(m.idNumber)}\t${m.relation}`));
      expect(await page.locator('body').innerText()).not.toContain(head);
    });
  });
});

describe(`会签 and 转办 in a shipped process (${dbKind})`, () => {
  it('泽州县\'s dividend plan is countersigned by the 村两委: each member sees the plan and who is left, may hand it to the other member, and it goes on when both agree', async () => {
    const admin = await countyAdmin(e2e.server.url, '140525');
    const township = await admin.unit('140525', 'hq镇', 'township');
    const village = await admin.unit(township, 'hq村', 'village');
    const cadre = await admin.person('hq-cadre', 'hq村干部', 'village_cadre', village);
    const secretary = await admin.person('hq-zhishu', 'hq村支书', 'village_committee', village);
    const director = await admin.person('hq-zhuren', 'hq村主任', 'village_committee', village);
    const made = await cadre.call('POST', '/api/cases', { processId: 'dividend', orgUnitId: village });
    expect(made.status).toBe(201);
    const id = made.body.id as string;
    const households = [
      { name: '李晋平', idNumber: idNumber('140525', '19660203', '031'), people: 4, shares: 4 },
      { name: '郭红梅', idNumber: idNumber('140525', '19710918', '032'), people: 2, shares: 2 },
    ];
    const plan = { project: '向日葵籽订单收购款', source: '订单收购款', amount: 6768, households };
    expect((await cadre.call('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: plan }, { 'if-match': '1' })).status).toBe(200);

    await signedIn(e2e.server.url, secretary, { width: DESK, path: `/cases/${id}` }, async (page) => {
      await page.waitForSelector('.ballot:has-text("会签（村两委会签，需 2 人同意）：已同意 无；待审批 ")');
      expect(await page.locator('.ballot').innerText()).toMatch(/待审批 (hq村支书、hq村主任|hq村主任、hq村支书)$/);
      // The plan they countersign, with the roster as a table.
      expect(await page.locator('.review-data table caption').innerText()).toBe('股东名册');
      expect(await page.locator('.review-data tbody tr').count()).toBe(2);
      // 转办 offers the other member holding the role.
      await page.click('summary:has-text("转办")');
      expect(await page.locator('.handover select[name=to]').first().locator('option').allInnerTexts()).toEqual(['hq村主任']);
      await shot(page, 'countersign-desk-1280');

      await page.fill('#decision-comment', '同意，按股分配');
      await page.locator('aside.review-decide button:has-text("同意方案")').click();
      await page.waitForSelector('.ballot:has-text("已同意 hq村支书；待审批 hq村主任")');

      const rev = ((await director.call('GET', `/api/cases/${id}`)).body as { case: { rev: number } }).case.rev;
      expect((await director.call('POST', `/api/cases/${id}/events`, { type: 'COMMITTEE_APPROVE', comment: '同意' }, { 'if-match': String(rev) })).status).toBe(200);
      expect(((await cadre.call('GET', `/api/cases/${id}`)).body as { case: { stateKey: string } }).case.stateKey).toBe('voting');
      expect((await historyOf(cadre, id)).filter((h) => h.label === '同意方案').map((h) => h.actorName)).toEqual(['hq村支书', 'hq村主任']);
    });
  });
});
