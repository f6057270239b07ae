import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { checkFile } from '../../server/definitionFiles';
import { openBrowser, shot, uiLogin } from '../helpers/browser';
import { dbKind } from '../helpers/testApp';
import { webServerForFile } from '../helpers/webServer';
import { idNumber } from '../helpers/people';
import { httpLogin } from '../helpers/serverProcess';

const e2e = webServerForFile('designer', 5700);

/** Fails with what the page shows, and a screenshot, instead of a bare timeout. */
async function see(page: Page, selector: string, name: string) {
  await page.waitForSelector(selector).catch(async (e) => {
    await shot(page, `failed-${name}`);
    throw new Error(`${e}\n${await page.locator('main').innerText()}`);
  });
}

const props = (page: Page) => page.locator('.field-panel').first();

/** Adds a field from the palette and names it. */
async function addField(page: Page, kind: string, title: string, key: string, required = true) {
  await page.click(`.palette button:has-text("${kind}")`);
  await props(page).getByLabel('标题（办事人员看到的名称）').first().fill(title);
  await props(page).getByLabel('字段编号（英文，存数据用）').first().fill(key);
  if (required) await props(page).getByLabel('必填').first().check();
}

/** Draws a transition on the graph: from one step's lower edge to another step's upper edge. */
async function dragConnect(page: Page, from: string, to: string) {
  const source = page.locator(`.react-flow__node[data-id="${from}"] .react-flow__handle-bottom`);
  const target = page.locator(`.react-flow__node[data-id="${to}"] .react-flow__handle-top`);
  await source.waitFor();
  await target.waitFor();
  // The graph re-lays itself out after each edit (and the problem list beside it grows or shrinks): wait until it stands still.
  const boxes = async () => JSON.stringify([await source.boundingBox(), await target.boundingBox()]);
  for (let i = 0, last = ''; i < 20; i++) {
    const now = await boxes();
    if (now === last) break;
    last = now;
    await page.waitForTimeout(150);
  }
  const a = (await source.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  // Small steps with pauses: on a loaded machine React Flow must see the drag start before it ends.
  await page.waitForTimeout(100);
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 10 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
  await page.waitForTimeout(100);
  await page.mouse.up();
  await page.waitForSelector('.side-panel[aria-label="流转属性"]');
}

async function saved(page: Page) {
  await page.waitForSelector('.save-state.saved');
}

describe(`designer in Chromium (${dbKind})`, () => {
  it('an IT user builds 公益性岗位申请 from a blank page, fixes a flagged problem, simulates, publishes; a cadre and a reviewer then run a case', async () => {
    const { context, page } = await openBrowser(1280);
    try {
      await uiLogin(page, e2e.server.url, '532326', 'xinxi');
      await page.click('nav.bottom >> text=流程设计');
      await see(page, 'table.lib', 'library');
      expect(await page.locator('table.lib').innerText()).toMatch(/易地扶贫搬迁[\s\S]*模板 relocation[\s\S]*第 1 版/);
      await shot(page, 'designer-1280-library');

      await page.click('button:has-text("新建流程")');
      await page.getByLabel('流程名称').fill('公益性岗位申请');
      await page.getByLabel('流程编号（英文，创建后不能改）').fill('job-apply');
      await page.getByLabel('谁发起（第一步由谁填写）').selectOption('village_cadre');
      await page.click('button:has-text("创建并开始设计")');
      await see(page, '.palette', 'editor');
      await saved(page);

      // The application form: name, ID number, a table of household members, a yes/no, and a field shown only when it is yes.
      await addField(page, '单行文字', '申请人姓名', 'name');
      await addField(page, '身份证号', '申请人身份证号', 'idNumber');
      await addField(page, '表格（多行）', '家庭成员', 'members', false);
      await props(page).getByLabel('最少几项').first().fill('1');
      for (const [kind, title, key] of [['单行文字', '姓名', 'name'], ['身份证号', '身份证号', 'idNumber'], ['单行文字', '与申请人关系', 'relation']] as const) {
        await props(page).getByLabel('添加一列').selectOption({ label: kind });
        const col = page.locator('.nested');
        await col.getByLabel('标题（办事人员看到的名称）').fill(title);
        await col.getByLabel('字段编号（英文，存数据用）').fill(key);
        await col.getByLabel('必填').check();
      }
      await addField(page, '是 / 否', '是否为低保户', 'dibao');
      await addField(page, '单行文字', '低保证号', 'dibaoNo');
      await props(page).getByLabel('仅当').selectOption({ label: '是否为低保户' });
      await props(page).getByLabel('等于').selectOption('true');
      const preview = page.locator('[data-testid=preview-phone]');
      await expect.poll(() => preview.innerText()).toContain('家庭成员');
      expect(await preview.locator('#root_dibaoNo').count()).toBe(0);
      await preview.getByText('是', { exact: true }).first().click();
      await expect.poll(() => preview.locator('#root_dibaoNo').count()).toBe(1);
      // A computed field, typed with completion: 成员 finds the members' columns by their title.
      await addField(page, '计算字段（公式）', '家庭人数', 'size', false);
      const formula = props(page).locator('fieldset.formula textarea');
      await formula.fill('');
      await formula.pressSequentially('COUNT(成员');
      await see(page, '.completions li:has-text("members.name")', 'formula-completion');
      await shot(page, 'designer-1280-formula-completion');
      await page.keyboard.press('Enter');
      await formula.pressSequentially(')');
      expect(await formula.inputValue()).toBe('COUNT(members.name)');
      expect(await page.locator('.completions').count()).toBe(0);
      await preview.locator('#root_members_0_name').fill('李大山');
      await expect.poll(() => preview.locator('#root_size').inputValue()).toBe('1');
      await shot(page, 'designer-1280-form-builder');
      await page.click('.preview-head button:has-text("电脑")');
      await shot(page, 'designer-1280-form-preview-desktop');

      // The township reviewer joins the process.
      await page.click('.tabs button:has-text("基本信息与角色")');
      await page.getByLabel('案件标题取自（待办和台账里显示的名称）').selectOption('apply.name');
      await shot(page, 'designer-1280-basics');

      // The flow, on the graph only.
      await page.click('.tabs button:has-text("流程图")');
      await see(page, '.flow-canvas[data-ready=yes]', 'graph');
      await page.click('.toolbar button:has-text("＋ 环节")');
      const side = page.locator('.side-panel');
      await side.getByLabel('环节名称').fill('乡镇审核');
      // The township reviewer joins the process where it is assigned: a role made here, the same entry the roles tab adds.
      await side.locator('button:has-text("新建角色并指定为办理人")').click();
      await side.getByLabel('角色名称').fill('乡镇审核人');
      await side.getByLabel('所在层级').selectOption({ label: '乡镇' });
      await side.getByLabel('职责').selectOption('reviewer');
      await side.locator('button:has-text("创建并指定为本环节办理人")').click();
      await expect.poll(() => side.getByLabel('办理人（角色）').inputValue()).toBe('township_reviewer');
      await see(page, '.state-node:has-text("乡镇审核人")', 'role-made-here');
      await side.getByLabel('办理时限').fill('5');
      // The new step cannot be reached and has no way out: the checker flags it on the node.
      await see(page, '.state-node.has-problem:has-text("乡镇审核")', 'flagged');
      expect(await page.locator('.problems').innerText()).toMatch(/乡镇审核|step1/);
      await shot(page, 'designer-1280-flow-problem');

      // Fix: submit goes to the review; the review approves to the end or returns to the applicant.
      await page.click('.state-node:has-text("填写申请")');
      await side.locator('.out-list button').first().click();
      await side.getByLabel('转到').selectOption({ label: '乡镇审核' });
      // Approve: drawn on the graph, from the review's lower edge to the end.
      await dragConnect(page, 'step1', 'done');
      await side.getByLabel('操作名称').fill('审核通过');
      await side.getByLabel('按钮样式').selectOption('approve');
      // Only a household of at least one person is approved: ≥ on a number field, typed as a number.
      await side.getByLabel('条件字段').selectOption({ label: '申请表 › 家庭人数' });
      await side.getByLabel('比较方式').selectOption({ label: '大于或等于' });
      await side.getByLabel('条件的值').fill('1');
      await see(page, '.flow-canvas :text("「申请表 › 家庭人数」不小于 1")', 'condition-label');
      await page.click('.state-node:has-text("乡镇审核")');
      await side.getByLabel('流转到').selectOption({ label: '填写申请' });
      await side.locator('button:has-text("添加")').click();
      await side.getByLabel('操作名称').fill('退回修改');
      await side.getByLabel('按钮样式').selectOption('return');
      await see(page, '.problems h3:has-text("没有错误")', 'fixed');
      expect(await page.locator('.state-node.has-problem').count()).toBe(0);
      expect(await page.locator('.state-node:has-text("乡镇审核")').innerText()).toContain('5 个工作日');
      await saved(page);
      // No arrow's words sit on a step: once the graph has laid itself out, every label is clear of every step.
      const covered = () => page.evaluate(() => {
        const boxes = (sel: string) => Array.from(document.querySelectorAll(sel), (e) => e.getBoundingClientRect());
        const steps = boxes('.react-flow__node:not(:has(.compound))');
        const hit = (a: DOMRect, b: DOMRect) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const labels = boxes('.react-flow__edge-textbg');
        return { labels: labels.length, covered: labels.filter((l) => steps.some((s) => hit(l, s))).length };
      });
      await expect.poll(covered).toEqual({ labels: 3, covered: 0 });
      await shot(page, 'designer-1280-flow');

      // Simulate to the end: submit, return, step back, let the deadline pass, approve.
      await page.click('.tabs button:has-text("模拟运行")');
      await page.click('button:has-text("发起一个模拟案件")');
      const sim = page.locator('.sim-side');
      await see(page, '.sim-side #root_name', 'sim-start');
      await sim.locator('#root_name').fill('张秀英');
      await sim.locator('#root_idNumber').fill(idNumber('532326', '19800101', '123'));
      await sim.locator('#root_members_0_name').fill('李大山');
      await sim.locator('#root_members_0_idNumber').fill(idNumber('532326', '19780202', '456'));
      await sim.locator('#root_members_0_relation').fill('配偶');
      await sim.getByText('否', { exact: true }).first().click();
      await sim.locator('button[type=submit]').click();
      await see(page, '.sim-now:has-text("乡镇审核")', 'sim-乡镇审核');
      await see(page, '.sim-graph .state-node.active:has-text("乡镇审核")', 'sim-graph-moved');
      await sim.locator('button:has-text("切换为本环节办理人")').click();
      // The same role in another township may not act on this case.
      await sim.getByLabel('模拟单位').selectOption('tanhua');
      await see(page, '.sim-side :text("当前角色在这一步没有可做的操作")', 'sim-stranger');
      await sim.getByLabel('模拟单位').selectOption('jinbi');
      await sim.locator('button:has-text("退回修改")').click();
      await see(page, '.sim-now:has-text("填写申请")', 'sim-填写申请');
      await sim.locator('button:has-text("退回上一步")').click();
      await see(page, '.sim-now:has-text("乡镇审核")', 'sim-乡镇审核');
      await sim.locator('button:has-text("到下一个时限")').click();
      await see(page, '.sim-side .late:has-text("已超期")', 'sim-overdue');
      await sim.locator('button:has-text("审核通过")').click();
      await see(page, '.sim-side .badge:has-text("已办结")', 'sim-done');
      await shot(page, 'designer-1280-simulate');

      await page.click('.tabs button:has-text("JSON")');
      await see(page, '.cm-content', 'json');
      expect(await page.locator('.cm-content').innerText()).toContain('"title": "公益性岗位申请"');
      await shot(page, 'designer-1280-json');

      await page.click('.tabs button:has-text("发布")');
      await page.getByLabel('发布说明（写给以后查看版本的人）').fill('首版：按县人社局通知');
      await page.click('.publish button.primary:has-text("发布")');
      await see(page, 'text=已发布为第 1 版', 'published');
      await shot(page, 'designer-1280-publish');

      // The county's group chat gets new tasks: a WeCom robot added as a channel, listed with what it carries.
      await page.goto(`${e2e.server.url}/#/author/:channels`);
      await see(page, 'h2:has-text("消息推送渠道")', 'channels');
      await page.getByLabel('名称').fill('金碧镇工作群');
      await page.getByLabel('地址（群机器人的 Webhook 地址，或本县系统的接收地址）').fill('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo');
      await page.click('form.card button.primary:has-text("添加")');
      await see(page, 'table.lib td:has-text("金碧镇工作群")', 'channel-added');
      expect(await page.locator('table.lib').first().innerText()).toMatch(/金碧镇工作群[\s\S]*企业微信群机器人[\s\S]*全部流程[\s\S]*新待办、超期/);
      await shot(page, 'designer-1280-channels');
    } finally {
      await context.close();
    }

    // A cadre of the county starts a case of the new process; the township reviewer approves it.
    const cadre = await openBrowser(375);
    const reviewer = await openBrowser(1280);
    try {
      await uiLogin(cadre.page, e2e.server.url, '532326', 'cun');
      await cadre.page.click('nav.bottom >> text=发起');
      await cadre.page.waitForSelector('select[name=processId] option[value=job-apply]', { state: 'attached' });
      await cadre.page.selectOption('select[name=processId]', 'job-apply');
      await cadre.page.click('button.primary:has-text("发起案件")');
      await see(cadre.page, '#root_name', 'cadre-start');
      await cadre.page.fill('#root_name', '王桂兰');
      await cadre.page.fill('#root_idNumber', idNumber('532326', '19750505', '321'));
      await cadre.page.fill('#root_members_0_name', '王小军');
      await cadre.page.fill('#root_members_0_idNumber', idNumber('532326', '20050606', '654'));
      await cadre.page.fill('#root_members_0_relation', '儿子');
      await cadre.page.getByText('是', { exact: true }).first().click();
      await cadre.page.fill('#root_dibaoNo', 'DB-2026-0133');
      await cadre.page.click('button[type=submit]');
      await see(cadre.page, 'text=乡镇审核', 'cadre-submitted');

      await uiLogin(reviewer.page, e2e.server.url, '532326', 'xiang');
      await see(reviewer.page, 'text=王桂兰', 'reviewer-inbox');
      await reviewer.page.click('text=王桂兰');
      await reviewer.page.click('button:has-text("审核通过")');
      await see(reviewer.page, 'text=办结', 'reviewer-approved');
      await shot(reviewer.page, 'designer-1280-new-process-approved');
    } finally {
      await cadre.context.close();
      await reviewer.context.close();
    }
  }, 240_000);

  it('a county change made in the designer is saved as a patch; the exported file passes the checker and is what the server runs', async () => {
    const { context, page } = await openBrowser(1280);
    try {
      await uiLogin(page, e2e.server.url, '532622', 'xinxi');
      await page.goto(`${e2e.server.url}/#/author/dividend-receipt`);
      await see(page, '.palette', 'variation-editor');
      await addField(page, '手机号', '户主手机号', 'phone', false);
      await saved(page);
      await page.click('.tabs button:has-text("本县改动")');
      await see(page, '[data-testid=patch]', 'variation');
      expect(JSON.parse(await page.locator('[data-testid=patch]').innerText())).toEqual({
        forms: { receipt: { schema: { properties: { phone: { type: 'string', format: 'cn-mobile', title: '户主手机号' } } }, uiSchema: { phone: { 'ui:options': { inputType: 'tel' } } } } },
      });
      await shot(page, 'designer-1280-variation');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:has-text("导出本县补丁文件")')]);
      const file = join(e2e.dataDir, 'dividend-receipt.json');
      await download.saveAs(file);
      const report = checkFile(file, Date.now());
      expect(report.errors).toEqual([]);
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ extends: 'dividend-receipt' });

      await page.click('.tabs button:has-text("发布")');
      await see(page, '.changes li:has-text("户主手机号")', 'publish-diff');
      await page.click('.publish button.primary:has-text("发布")');
      await see(page, 'text=已发布为第 2 版', 'variation-published');
      const api = await httpLogin(e2e.server.url, '532622', 'xinxi');
      const running = await api.call('GET', '/api/processes/dividend-receipt');
      expect(running.body.definition).toEqual(report.definition);

      // A change the author thinks better of: discard the draft, back to the published version.
      await page.click('.tabs button:has-text("表单")');
      await addField(page, '日期', '发放日期', 'paidOn', false);
      await saved(page);
      page.once('dialog', (d) => void d.accept());
      await Promise.all([page.waitForEvent('load'), page.click('button:has-text("放弃草稿")')]);
      await see(page, '.field-list', 'discarded');
      await expect.poll(() => page.locator('.field-list').innerText()).toContain('户主手机号');
      expect(await page.locator('.field-list').innerText()).not.toContain('发放日期');
      expect((await api.call('GET', '/api/processes/dividend-receipt/draft')).status).toBe(404);

      // Another IT colleague saves the same draft meanwhile: this author's next save is refused, their work kept on the page.
      await page.click('.tabs button:has-text("基本信息与角色")');
      await page.getByLabel('流程名称', { exact: true }).fill('分红签收确认（砚山）');
      await saved(page);
      const colleague = await httpLogin(e2e.server.url, '532622', 'xinxi');
      const theirs = await colleague.call('GET', '/api/processes/dividend-receipt/draft');
      expect((await colleague.call('PUT', '/api/processes/dividend-receipt/draft', theirs.body.body, { 'if-match': String(theirs.body.rev) })).status).toBe(200);
      await page.getByLabel('流程名称', { exact: true }).fill('分红签收确认（砚山县）');
      await see(page, '[role=alert]:has-text("草稿已被其他管理员修改")', 'draft-conflict');
      await shot(page, 'designer-1280-draft-conflict');
      await page.click('button:has-text("保留我的版本")');
      await saved(page);
      expect((await colleague.call('GET', '/api/processes/dividend-receipt/draft')).body.body).toMatchObject({ patch: { title: '分红签收确认（砚山县）' } });

      // Power users may edit the JSON: a change there reaches the builder; broken JSON is flagged on its line and not taken.
      await page.click('.tabs button:has-text("JSON")');
      const line = page.locator('.cm-line:has-text("分红签收确认（砚山县）")').first();
      await line.click();
      await page.keyboard.press('End');
      await page.keyboard.press('Backspace');
      await page.keyboard.press('Backspace');
      await page.keyboard.type('·试点",');
      await see(page, '.editor-head h2:has-text("分红签收确认（砚山县）·试点")', 'json-sync');
      await page.keyboard.type('}');
      await see(page, 'text=JSON 格式有误，改正前不会同步', 'json-broken');
      await expect.poll(() => page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);
      await shot(page, 'designer-1280-json-error');
      await page.keyboard.press('Backspace');
      await see(page, 'text=已同步到表单和流程图', 'json-fixed');
      await saved(page);

      // The library tells what each version changed.
      await page.click('a:has-text("← 流程库")');
      await see(page, 'table.lib', 'library-again');
      const row = page.locator('tr:has-text("dividend-receipt")');
      expect(await row.innerText()).toMatch(/第 2 版[\s\S]*第 1 版/);
      await row.locator('summary:has-text("与第 1 版相比改了什么")').click();
      await see(page, '.version-changes li:has-text("新增字段「户主手机号」")', 'version-changes');
      await shot(page, 'designer-1280-library-versions');
    } finally {
      await context.close();
    }
  }, 120_000);
});
