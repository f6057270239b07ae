import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestFor } from '../../server/messages/channelFormats';
import { fireDueTimers } from '../../server/timers/fireDueTimers';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { registration } from '../helpers/people';

let t: TestApp;
let author: Client;
let cadre: Client;
let township: Client;
let receiver: Server;
let url = '';
const received: { headers: Record<string, string | string[] | undefined>; body: string; answered: number }[] = [];
let failuresLeft = 0;

beforeAll(async () => {
  // The county's own system is a gateway the operator allows over plain http (CHANNEL_ALLOW_HOSTS).
  t = await createTestApp({ channelAllowHosts: ['127.0.0.1'] });
  author = await login(t.app, '532326', 'xinxi');
  cadre = await login(t.app, '532326', 'cun');
  township = await login(t.app, '532326', 'xiang');
  // The county's own system: fails while told to, then takes messages.
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const answered = failuresLeft-- > 0 ? 500 : 200;
      received.push({ headers: req.headers, body, answered });
      res.writeHead(answered).end(answered === 200 ? 'ok' : 'busy');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/countyflow`;
});
afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await t.close();
});

describe(`messages that leave CountyFlow (${dbKind})`, () => {
  it('a signed webhook that fails twice then succeeds: delivered once, three attempts logged, backing off between them', async () => {
    const made = await author.send('POST', '/api/channels', { kind: 'webhook', name: '县大数据中心', url, secret: 'county-secret-1', processId: 'relocation', kinds: ['task'] });
    expect(made.statusCode).toBe(201);
    const channelId = (made.json() as { id: string }).id;
    expect((await cadre.send('POST', '/api/channels', { kind: 'webhook', name: 'x', url, kinds: ['task'] })).statusCode).toBe(403);
    const listed = (await author.get('/api/channels')).json() as { signed: boolean; secret?: string }[];
    expect(listed[0]).toMatchObject({ signed: true });
    expect(listed[0]!.secret).toBeUndefined();

    failuresLeft = 2;
    const c = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: registration() })).statusCode).toBe(200);
    let now = Date.now();
    for (let round = 0; round < 6; round++) {
      await fireDueTimers(t.db, new Date(now), 50, undefined, ['127.0.0.1']);
      now += 5 * 60_000;
    }
    expect(received.map((r) => r.answered)).toEqual([500, 500, 200]);
    const log = (await author.get(`/api/channels/${channelId}/deliveries`)).json() as { status: string; attempts: number; lastStatus: number; caseId: string }[];
    expect(log).toEqual([expect.objectContaining({ caseId: c.id, status: 'delivered', attempts: 3, lastStatus: 200 })]);
    // The receiver can tell it came from CountyFlow: the signature over timestamp and body.
    const last = received.at(-1)!;
    const stamp = String(last.headers['x-countyflow-timestamp']);
    expect(last.headers['x-countyflow-signature']).toBe(`sha256=${createHmac('sha256', 'county-secret-1').update(`${stamp}.${last.body}`).digest('hex')}`);
    expect(JSON.parse(last.body)).toMatchObject({ event: 'task', caseId: c.id, title: '新待办：李明华', body: '易地扶贫搬迁动员 · 乡镇审核' });
    // Another process's steps, or kinds the channel does not carry, send nothing.
    const before = received.length;
    await township.send('POST', `/api/cases/${c.id}/events`, { type: 'RETURN', data: { reason: '补充照片' } });
    await fireDueTimers(t.db, new Date(now), 50, undefined, ['127.0.0.1']);
    expect(received.length).toBe(before);
  });

  it('a definition\'s notify reaches the message centre of the roles it names and a channel that carries notices (it wrote a table nothing read)', async () => {
    const notifying = {
      id: 'notice-check', title: '入户核查', caseLevel: 'village',
      roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' }, township_reviewer: { label: '乡镇审核', level: 'township', kind: 'reviewer' } },
      forms: {}, events: { SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre'] } },
      machine: {
        id: 'nc', initial: 'draft',
        states: {
          draft: { meta: { label: '填写', assignee: 'village_cadre' }, on: { SUBMIT: { target: 'done', actions: [{ type: 'notify', params: { roles: ['township_reviewer'], message: '有农户核查已完成' } }] } } },
          done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
        },
      },
    };
    expect((await author.send('PUT', '/api/processes/notice-check/draft', notifying)).json()).toMatchObject({ ok: true });
    expect((await author.send('POST', '/api/processes/notice-check/publish', {})).statusCode).toBe(200);
    const made = await author.send('POST', '/api/channels', { kind: 'webhook', name: '乡镇群', url, processId: 'notice-check', kinds: ['notice', 'copy'] });
    expect(made.statusCode).toBe(201);
    const c = (await cadre.send('POST', '/api/cases', { processId: 'notice-check', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    const before = received.length;
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' })).statusCode).toBe(200);
    type Messages = { items: { caseId: string; kind: string; title: string; body: string }[] };
    const heard = async (who: Client) => ((await who.get('/api/messages')).json() as Messages).items.filter((m) => m.caseId === c.id).map((m) => [m.kind, m.title, m.body]);
    expect(await heard(township)).toEqual([['notice', '有农户核查已完成：入户核查', '入户核查 · 有农户核查已完成']]);
    // The person who acted is not told of their own step.
    expect((await heard(cadre)).filter(([kind]) => kind === 'notice')).toEqual([]);
    await fireDueTimers(t.db, new Date(Date.now() + 60_000), 50, undefined, ['127.0.0.1']);
    expect(received.slice(before).map((r) => JSON.parse(r.body) as { event: string; title: string })).toEqual([expect.objectContaining({ event: 'notice', title: '有农户核查已完成：入户核查' })]);
  });

  it('WeCom and DingTalk robots get the markdown their documentation describes; DingTalk signs its URL', () => {
    const m = { kind: 'task', caseId: 'c1', title: '新待办：李明华', body: '易地扶贫搬迁动员 · 乡镇审核', at: '2026-11-23T08:00:00.000Z' };
    const wecom = requestFor({ kind: 'wecom', url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K', secret: null }, m, 1_700_000_000_000);
    expect(JSON.parse(wecom.body)).toEqual({ msgtype: 'markdown', markdown: { content: '**新待办：李明华**\n> 易地扶贫搬迁动员 · 乡镇审核' } });
    const ding = requestFor({ kind: 'dingtalk', url: 'https://oapi.dingtalk.com/robot/send?access_token=T', secret: 'SEC123' }, m, 1_700_000_000_000);
    expect(JSON.parse(ding.body)).toEqual({ msgtype: 'markdown', markdown: { title: '新待办：李明华', text: '#### 新待办：李明华\n易地扶贫搬迁动员 · 乡镇审核' } });
    const sign = encodeURIComponent(createHmac('sha256', 'SEC123').update('1700000000000\nSEC123').digest('base64'));
    expect(ding.url).toBe(`https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1700000000000&sign=${sign}`);
  });

  it('refuses a channel with a bad address or an unknown kind, naming the field', async () => {
    const bad = await author.send('POST', '/api/channels', { kind: 'webhook', name: 'x', url: 'ftp://nowhere', kinds: ['task'] });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json())).toContain('url');
    expect((await author.send('POST', '/api/channels', { kind: 'sms', name: 'x', url, kinds: ['task'] })).statusCode).toBe(400);
  });
});
