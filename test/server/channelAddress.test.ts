import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBlockedAddress } from '../../server/messages/addressRanges';
import { channelLookup } from '../../server/messages/channelAddress';
import { fireDueTimers } from '../../server/timers/fireDueTimers';
import { registration } from '../helpers/people';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let author: Client;
let cadre: Client;
// One local listener stands in for every internal address (127.0.0.1, ::1, localhost, their other spellings): nothing leaves the machine.
let internal: Server;
let port = 0;
const hits: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  author = await login(t.app, '532326', 'xinxi');
  cadre = await login(t.app, '532326', 'cun');
  internal = createServer((req: IncomingMessage, res) => {
    hits.push(req.url ?? '');
    req.resume();
    if (req.url === '/redirect') res.writeHead(302, { location: `http://127.0.0.1:${port}/landed` }).end();
    else res.writeHead(req.url === '/landed' ? 200 : 500).end('pg_hba.conf: host all all 10.0.0.0/8 trust; 内部数据');
  });
  await new Promise<void>((resolve) => internal.listen(0, '::', resolve));
  port = (internal.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => internal.close(resolve));
  await t.close();
});

/** Channels as they may stand in the database (saved before this check, or under a wider CHANNEL_ALLOW_HOSTS). */
async function channelsAt(urls: string[]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const url of urls) {
    const id = randomUUID();
    ids.set(id, url);
    await t.db.run('532326', (k) => k.insertInto('channels').values({ county_id: '532326', id, kind: 'webhook', name: url.slice(0, 50), url, secret: null, process_id: null, kinds: 'task', created_by: 'xinxi', created_at: new Date() }).execute());
  }
  return ids;
}

/** A case submitted, so every channel carrying 'task' has a delivery; one delivery round under `allow`. */
async function deliverOnce(allow: string[]): Promise<void> {
  const c = (await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
  expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: registration() })).statusCode).toBe(200);
  await fireDueTimers(t.db, new Date(Date.now() + 1000), 50, undefined, allow);
}

const logOf = async (id: string) => (await author.get(`/api/channels/${id}/deliveries`)).json() as { lastStatus: number | null; lastError: string | null; status: string }[];

describe(`channels reach only public https addresses (${dbKind})`, () => {
  it('judges addresses after every spelling: loopback, private, link-local, multicast, reserved, IPv4 inside IPv6', () => {
    const blocked = ['127.0.0.1', '127.1.2.3', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '240.0.0.1', '255.255.255.255', '198.18.0.1', '192.0.2.1',
      '::', '::1', '[::1]', '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:a9fe:a9fe', '::127.0.0.1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '2001:db8::1', '64:ff9b::a00:1', '2002:7f00:1::', 'localhost', ''];
    const open = ['8.8.8.8', '1.1.1.1', '111.13.100.91', '172.32.0.1', '::ffff:8.8.8.8', '2400:3200::1', '2001:4860:4860::8888', '64:ff9b::808:808'];
    expect(blocked.filter((a) => !isBlockedAddress(a))).toEqual([]);
    expect(open.filter((a) => isBlockedAddress(a))).toEqual([]);
  });

  it('refuses, when the author saves, a plain-http or internal address in any spelling, naming the field, and saves nothing', async () => {
    const before = ((await author.get('/api/channels')).json() as unknown[]).length;
    for (const url of ['http://example.com/hook', `https://127.0.0.1:${port}/`, 'https://2130706433/', 'https://0x7f000001/', 'https://0177.0.0.1/', 'https://127.1/', 'https://[::1]/', 'https://[::ffff:127.0.0.1]/',
      'https://169.254.169.254/latest/meta-data/', 'https://10.0.0.1/', 'https://localhost:5432/', 'https://user:pw@qyapi.weixin.qq.com/', 'https://[/']) {
      const res = await author.send('POST', '/api/channels', { kind: 'webhook', name: 'x', url, kinds: ['task'] });
      expect(res.statusCode, url).toBe(400);
      const body = res.json() as { error: { code: string; details: { field: string; message: string }[] } };
      expect(body.error.code, url).toBe('CF_CHANNEL_ADDRESS');
      expect(body.error.details[0]!.message, url).toMatch(/^「url」/);
    }
    expect(((await author.get('/api/channels')).json() as unknown[]).length).toBe(before);
    expect(hits).toEqual([]);
  });

  it('never connects to an internal address at delivery, whatever its spelling or the name that resolves to it; the log says 地址不允许', async () => {
    const ids = await channelsAt([`http://127.0.0.1:${port}/a`, `https://127.0.0.1:${port}/b`, `https://2130706433:${port}/c`, `https://0x7f000001:${port}/d`, `https://[::1]:${port}/e`, `https://[::ffff:127.0.0.1]:${port}/f`, `https://localhost:${port}/g`]);
    await deliverOnce([]);
    for (const [id, url] of ids) expect(await logOf(id), url).toEqual([expect.objectContaining({ lastStatus: null, lastError: '地址不允许' })]);
    expect(hits).toEqual([]);
    await t.db.run('532326', (k) => k.deleteFrom('channels').where('county_id', '=', '532326').where('id', 'in', [...ids.keys()]).execute());
  });

  it('an allowed gateway over http: redirects are not followed, and the log keeps the status, never the reply', async () => {
    const ids = await channelsAt([`http://127.0.0.1:${port}/redirect`, `http://127.0.0.1:${port}/fail`]);
    await deliverOnce(['127.0.0.1']);
    const [redirect, fail] = [...ids.keys()];
    expect(await logOf(redirect!)).toEqual([expect.objectContaining({ lastStatus: 302, lastError: 'HTTP 302', status: 'pending' })]);
    expect(await logOf(fail!)).toEqual([expect.objectContaining({ lastStatus: 500, lastError: 'HTTP 500' })]);
    expect(hits.sort()).toEqual(['/fail', '/redirect']);
    expect(JSON.stringify(await logOf(fail!))).not.toMatch(/pg_hba|内部数据/);
  });

  it('connects to the address its own lookup judged: a name resolving to an internal address (or to one among public ones) is refused', async () => {
    const answering = (...addresses: string[]) => (_h: string, _o: { all: true }, cb: (e: null, a: { address: string; family: number }[]) => void) => cb(null, addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })));
    const look = (allow: string[], ...addresses: string[]) => new Promise<unknown>((resolve) => channelLookup(allow, answering(...addresses))('hook.example.cn', { all: true }, (err, a) => resolve(err ? (err as Error).constructor.name : a)));
    expect(await look([], '127.0.0.1')).toBe('AddressRefused');
    expect(await look([], '111.13.100.91', '10.0.0.8')).toBe('AddressRefused');
    expect(await look([], '::ffff:169.254.169.254')).toBe('AddressRefused');
    expect(await look([], '111.13.100.91')).toEqual([{ address: '111.13.100.91', family: 4 }]);
    expect(await look(['hook.example.cn'], '10.0.0.8')).toEqual([{ address: '10.0.0.8', family: 4 }]);
  });
});
