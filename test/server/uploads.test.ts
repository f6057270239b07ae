import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expireUploads, uploadDirOf } from '../../server/files/openUploads';
import { startHousekeeping } from '../../server/housekeeping/prune';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { createUpload, jpeg, patch as patchOf, tus } from '../helpers/uploads';

let t: TestApp;
let victim: Client;
let neighbour: Client;
let stranger: Client;

beforeAll(async () => {
  t = await createTestApp({ uploadMaxBytes: 200_000, uploadOpenMax: 3, uploadOpenBytes: 250_000 });
  victim = await login(t.app, '532326', 'cun');
  neighbour = await login(t.app, '532326', 'xiang');
  // Another county's user.
  stranger = await login(t.app, '500102', 'cun');
});
afterAll(() => t.close());

const head = (who: Client, url: string) => t.app.inject({ method: 'HEAD', url, cookies: { cf_session: who.cookie }, headers: tus });
const tusSend = (who: Client, method: 'PATCH' | 'DELETE', url: string, body?: Buffer, offset = 0) =>
  t.app.inject({ method, url, cookies: { cf_session: who.cookie }, headers: { ...tus, 'x-csrf-token': who.csrf, ...(body ? { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' } : {}) }, ...(body ? { payload: body } : {}) });
const cancel = (who: Client, id: string) => tusSend(who, 'DELETE', `/api/uploads/${id}`);

describe(`uploads in progress (${dbKind})`, () => {
  it('another user, of this county or another, cannot probe, write or cancel an upload by hiding its id in the query (the request acts on its own upload or none)', async () => {
    const theirs = await createUpload(victim, 10_000);
    expect((await patchOf(t.app, victim, theirs, 0, jpeg(10_000).subarray(0, 4_000))).statusCode).toBe(204);
    for (const attacker of [neighbour, stranger]) {
      const own = await createUpload(attacker, 1_000);
      const prefix = own.split('-')[0]!;
      for (const url of [`/api/uploads/${prefix}-x?a=/${theirs}`, `/api/uploads/${own}?a=/${theirs}`, `/api/uploads/${prefix}-x/?a=/../${theirs}`]) {
        const probe = await head(attacker, url);
        expect(probe.headers['upload-offset'], url).not.toBe('4000');
        expect(probe.headers['upload-length'], url).not.toBe('10000');
        expect((await tusSend(attacker, 'PATCH', url, Buffer.alloc(100, 7), 4_000)).statusCode, url).not.toBe(204);
        await tusSend(attacker, 'DELETE', url);
        expect((await head(victim, `/api/uploads/${theirs}`)).headers['upload-offset'], url).toBe('4000');
      }
    }
    expect((await head(victim, `/api/uploads/${theirs}`)).headers['upload-length']).toBe('10000');
    expect((await cancel(victim, theirs)).statusCode).toBe(204);
  });

  it('limits how many uploads a user has open and how many bytes they declare, in Chinese; finishing or cancelling makes room', async () => {
    const ids = [await createUpload(victim, 1_000), await createUpload(victim, 1_000), await createUpload(victim, 1_000)];
    const fourth = await victim.send('POST', '/api/uploads', undefined, { ...tus, 'upload-length': '1000' });
    expect(fourth.statusCode).toBe(429);
    expect((fourth.json() as { error: { code: string; message: string } }).error).toMatchObject({ code: 'CF_UPLOADS_OPEN', message: expect.stringContaining('每人最多 3 个') });
    // Someone else is not held back by this user's uploads.
    const theirs = await createUpload(neighbour, 1_000);
    for (const id of ids.slice(0, 2)) expect((await cancel(victim, id)).statusCode).toBe(204);
    const big = await createUpload(victim, 200_000);
    const tooMuch = await victim.send('POST', '/api/uploads', undefined, { ...tus, 'upload-length': '60000' });
    expect(tooMuch.statusCode).toBe(429);
    expect((tooMuch.json() as { error: { message: string } }).error.message).toContain('MB');
    // An upload whose length is not given yet counts as the largest allowed.
    expect((await victim.send('POST', '/api/uploads', undefined, { ...tus, 'upload-defer-length': '1' })).statusCode).toBe(429);
    for (const id of [ids[2]!, big]) await cancel(victim, id);
    await cancel(neighbour, theirs);
    expect((await victim.send('POST', '/api/uploads', undefined, { ...tus, 'upload-length': '60000' })).statusCode).toBe(201);
  });

  it('housekeeping deletes uploads left unfinished past UPLOAD_EXPIRE_HOURS, and keeps younger ones', async () => {
    const dir = uploadDirOf(t.config.filesDir);
    const left = await createUpload(neighbour, 5_000);
    expect(await expireUploads(dir, new Date(Date.now() + 23 * 3_600_000), 24 * 3_600_000)).toBe(0);
    expect((await head(neighbour, `/api/uploads/${left}`)).statusCode).toBe(200);
    // What the server's housekeeping runs, here with UPLOAD_EXPIRE_HOURS=0: every upload begun before the round is expired.
    const stop = startHousekeeping(t.db, t.app.clock, 10, { idempotencyDays: 30, sessionDays: 7, authFailureDays: 180 }, () => undefined, { dir, expireMs: 0 });
    await vi.waitFor(async () => expect((await head(neighbour, `/api/uploads/${left}`)).statusCode).toBe(404), { timeout: 10_000 });
    await stop();
    // Room again: nothing of theirs is open.
    expect((await victim.send('POST', '/api/uploads', undefined, { ...tus, 'upload-length': '200000' })).statusCode).toBe(201);
  });
});
