import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { registration } from '../helpers/people';
import { createUpload, jpeg, patch as patchOf, sha, tus } from '../helpers/uploads';

let t: TestApp;
let cadre: Client;
let township: Client;
let otherTownship: Client;

beforeAll(async () => {
  t = await createTestApp({ uploadMaxBytes: 200_000 });
  cadre = await login(t.app, '532326', 'cun');
  township = await login(t.app, '532326', 'xiang');
  otherTownship = await login(t.app, '532326', 'xiang2');
});
afterAll(() => t.close());

const patch = (who: Client, id: string, offset: number, chunk: Buffer) => patchOf(t.app, who, id, offset, chunk);

async function newCase() {
  const res = await cadre.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' });
  return res.json() as { id: string; rev: number };
}

describe(`files and photos (${dbKind})`, () => {
  it('a photo uploaded in two pieces (resumed where it stopped) becomes a file of the case; the case keeps only its reference; those who may see the case download it', async () => {
    const c = await newCase();
    const photo = jpeg(50_000);
    const id = await createUpload(cadre, photo.length);
    expect((await patch(cadre, id, 0, photo.subarray(0, 20_000))).statusCode).toBe(204);
    // The signal dropped: the phone asks how far it got and sends the rest from there.
    const head = await t.app.inject({ method: 'HEAD', url: `/api/uploads/${id}`, cookies: { cf_session: cadre.cookie }, headers: tus });
    expect(head.headers['upload-offset']).toBe('20000');
    expect((await patch(cadre, id, 20_000, photo.subarray(20_000))).statusCode).toBe(204);
    const stored = await cadre.send('POST', '/api/files', { uploadId: id, caseId: c.id });
    expect(stored.statusCode).toBe(201);
    const ref = stored.json() as { id: string; name: string; type: string; size: number; sha256: string };
    expect(ref).toMatchObject({ name: '房屋正面.jpg', type: 'image/jpeg', size: 50_000, sha256: sha(photo) });
    // Storing the same upload again (a retry) gives the same file.
    expect((await cadre.send('POST', '/api/files', { uploadId: id, caseId: c.id })).json()).toEqual(ref);

    const submitted = await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: { ...registration(), dwellingPhoto: ref } }, { 'if-match': '1' });
    expect(submitted.statusCode).toBe(200);
    const data = (submitted.json() as { data: { register: { dwellingPhoto: unknown } } }).data;
    expect(data.register.dwellingPhoto).toEqual(ref);
    // The event (and so the audit chain) carries the reference with its hash, never the bytes.
    const row = await t.db.run('*', (k) => k.selectFrom('case_events').select('body').where('case_id', '=', c.id).where('type', '=', 'SUBMIT').executeTakeFirstOrThrow());
    expect(row.body).toContain(sha(photo));
    expect(row.body.length).toBeLessThan(5_000);

    const mine = await cadre.get(`/api/files/${ref.id}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.headers['content-type']).toBe('image/jpeg');
    expect(mine.headers['x-content-type-options']).toBe('nosniff');
    expect(sha(mine.rawPayload)).toBe(sha(photo));
    expect((await township.get(`/api/files/${ref.id}`)).statusCode).toBe(200);
    // A reviewer of another township cannot see the case, nor its photo.
    expect((await otherTownship.get(`/api/files/${ref.id}`)).statusCode).toBe(404);
  });

  it('types are judged by the bytes, not the name; sizes are limited; a file not uploaded to this case is refused naming the field', async () => {
    const c = await newCase();
    const text = Buffer.from('这不是照片'.repeat(200));
    const fake = await createUpload(cadre, text.length, '照片.jpg');
    await patch(cadre, fake, 0, text);
    const refused = await cadre.send('POST', '/api/files', { uploadId: fake, caseId: c.id });
    expect(refused.statusCode).toBe(415);
    expect((refused.json() as { error: { code: string; message: string } }).error).toMatchObject({ code: 'CF_FILE_TYPE', message: expect.stringContaining('只接受 JPEG、PNG、WebP 照片和 PDF') });

    const big = await cadre.send('POST', '/api/uploads', undefined, { ...tus, 'upload-length': String(300_000) });
    expect(big.statusCode).toBe(413);

    const half = await createUpload(cadre, 10_000);
    await patch(cadre, half, 0, jpeg(10_000).subarray(0, 4_000));
    expect((await cadre.send('POST', '/api/files', { uploadId: half, caseId: c.id })).statusCode).toBe(409);

    // A reference made up by the client (or taken from another case) is not trusted.
    const forged = { id: 'f-1', name: 'x.jpg', type: 'image/jpeg', size: 10, sha256: 'a'.repeat(64) };
    const before = (await cadre.get(`/api/cases/${c.id}`)).json() as { case: { rev: number } };
    const res = await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: { ...registration(), dwellingPhoto: forged } }, { 'if-match': '1' });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { error: { details: { path: string; message: string }[] } }).error.details).toEqual([{ path: '/dwellingPhoto', field: '现住房照片', message: '「现住房照片」的文件没有上传到本案件，请重新上传' }]);
    expect(((await cadre.get(`/api/cases/${c.id}`)).json() as { case: { rev: number } }).case.rev).toBe(before.case.rev);
  });

  it('each user sees only their own uploads', async () => {
    const id = await createUpload(cadre, 1000);
    const probe = await t.app.inject({ method: 'HEAD', url: `/api/uploads/${id}`, cookies: { cf_session: township.cookie }, headers: tus });
    expect(probe.statusCode).toBe(404);
    expect((await patch(township, id, 0, jpeg(1000))).statusCode).toBe(404);
    expect((await township.send('POST', '/api/files', { uploadId: id, caseId: 'x' })).statusCode).toBe(404);
    // Without a session, nothing.
    expect((await t.app.inject({ method: 'POST', url: '/api/uploads', headers: { ...tus, 'upload-length': '10' } })).statusCode).toBe(401);
  });
});
