import { describe, expect, it } from 'vitest';
import { DESK, shot, signedIn } from '../helpers/browser';
import { dbKind } from '../helpers/testApp';
import { webServerForFile } from '../helpers/webServer';
import { idNumber, registration } from '../helpers/people';
import { httpLogin } from '../helpers/serverProcess';

const e2e = webServerForFile('personal', 6100);

describe(`personal information on the case page (${dbKind})`, () => {
  it('a supervisor sees a household\'s ID number and phone masked; 查看完整 shows one in full and the administrator sees who asked', async () => {
    const url = e2e.server.url;
    const cadre = await httpLogin(url, '532326', 'cun');
    const headId = idNumber('532326', '19571111', '571');
    // A household of this test's own, registered and waiting for the township's review.
    const started = await cadre.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
    const id = started.body.id as string;
    const data = { ...registration(), householder: '查看完整户', idNumber: headId, phone: '13700571111', members: [{ name: '查看完整户', idNumber: headId, relation: '户主' }] };
    expect((await cadre.call('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data }, { 'if-match': '1' })).status).toBe(200);

    const supervisor = await httpLogin(url, '532326', 'jiandu');
    await signedIn(url, supervisor, { width: DESK, path: `/cases/${id}` }, async (page) => {
      await page.waitForSelector('section.personal');
      const row = page.locator('section.personal dl div', { hasText: '摸底登记·户主身份证号' });
      expect(await row.locator('.personal-value').innerText()).toBe(`532326********${headId.slice(-4)}`);
      expect(await page.locator('section.personal dl div', { hasText: '摸底登记·联系电话' }).locator('.personal-value').innerText()).toBe('137****1111');
      // The earlier step's form, in its read-only summary, holds the masked value too; the full one is nowhere on the page.
      await page.click('details.done-form summary');
      expect(await page.locator('details.done-form[open] .summary-fields div:has(dt:text-is("户主身份证号")) dd').innerText()).toBe(`532326********${headId.slice(-4)}`);
      expect(await page.locator('main').innerText()).not.toContain(headId);
      await shot(page, 'personal-masked-1280');
      await row.locator('button:has-text("查看完整")').click();
      await expect.poll(() => row.locator('.personal-value').innerText()).toBe(headId);
      expect(await row.locator('button').count()).toBe(0);
      await shot(page, 'personal-revealed-1280');
    });
    const admin = await httpLogin(url, '532326', 'guanli');
    const log = (await admin.call('GET', '/api/personal-access')).body as unknown as { actor: string; kind: string; caseId: string; field: string }[];
    expect(log).toEqual(expect.arrayContaining([expect.objectContaining({ actor: '赵敏（县委组织部）', kind: 'reveal', caseId: id, field: '摸底登记·户主身份证号' })]));
  });
});
