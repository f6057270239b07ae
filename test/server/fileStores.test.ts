import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { AwsClient } from 'aws4fetch';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseS3Url } from '../../server/files/s3FileStore';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';
import { createUpload, patch, sha } from '../helpers/uploads';

/** A real photo, 1200×900, that a decoder can draw. */
const photo = () => sharp({ create: { width: 1200, height: 900, channels: 3, background: '#7a5' } }).jpeg({ quality: 90 }).toBuffer();

/** Uploads `bytes` in one piece and makes it a file of a new case; returns the reference. */
async function storePhoto(t: TestApp, who: Client, bytes: Buffer) {
  const c = (await who.send('POST', '/api/cases', { processId: 'relocation', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
  const id = await createUpload(who, bytes.length);
  expect((await patch(t.app, who, id, 0, bytes)).statusCode).toBe(204);
  const res = await who.send('POST', '/api/files', { uploadId: id, caseId: c.id });
  expect(res.statusCode).toBe(201);
  return res.json() as { id: string; sha256: string };
}

/** The keys in the bucket, as the store lists them (ListObjectsV2). */
async function keys(base: string): Promise<string[]> {
  const client = new AwsClient({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', service: 's3', region: 'us-east-1' });
  const xml = await (await client.fetch(`${base}?list-type=2`)).text();
  return [...xml.matchAll(/<Key>([^<]+)<\/Key>/g)].map((m) => m[1]!);
}

describe(`files in an S3-compatible store, thumbnails (${dbKind})`, () => {
  const bucketDir = mkdtempSync(join(tmpdir(), 'cf-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: bucketDir, configureBuckets: [{ name: 'countyflow' }] });
  let t: TestApp;
  let cadre: Client;
  let otherTownship: Client;
  let bucket = '';

  beforeAll(async () => {
    const { port } = await server.run();
    bucket = `http://127.0.0.1:${port}/countyflow`;
    t = await createTestApp({ filesS3Url: `http://S3RVER:S3RVER@127.0.0.1:${port}/countyflow/files` });
    cadre = await login(t.app, '532326', 'cun');
    otherTownship = await login(t.app, '532326', 'xiang2');
  });
  afterAll(async () => {
    await t.close();
    await server.close();
    rmSync(bucketDir, { recursive: true, force: true });
  });

  it('a stored photo goes to the bucket by its hash, once however often it is sent; nothing stays on the local disk; downloads come back from the bucket', async () => {
    const bytes = await photo();
    const first = await storePhoto(t, cadre, bytes);
    const again = await storePhoto(t, cadre, bytes);
    expect(first.sha256).toBe(sha(bytes));
    expect(again.sha256).toBe(first.sha256);
    expect((await keys(bucket)).filter((k) => k.includes(first.sha256))).toEqual([`files/${first.sha256.slice(0, 2)}/${first.sha256}`]);
    expect(existsSync(join(t.config.filesDir, 'content'))).toBe(false);
    const down = await cadre.get(`/api/files/${first.id}`);
    expect(down.statusCode).toBe(200);
    expect(sha(down.rawPayload)).toBe(sha(bytes));
    expect((await otherTownship.get(`/api/files/${first.id}`)).statusCode).toBe(404);
  });

  it('a thumbnail is a WebP at most 320 px, made once and then read from the store; a file that is no drawable photo comes back whole', async () => {
    const bytes = await photo();
    const ref = await storePhoto(t, cadre, bytes);
    const thumb = await cadre.get(`/api/files/${ref.id}?size=thumb`);
    expect(thumb.statusCode).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/webp');
    const meta = await sharp(thumb.rawPayload).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 320, 240]);
    expect(thumb.rawPayload.length).toBeLessThan(bytes.length);
    expect(await keys(bucket)).toContain(`files/${ref.sha256.slice(0, 2)}/${ref.sha256}.thumb.webp`);
    expect(sha((await cadre.get(`/api/files/${ref.id}?size=thumb`)).rawPayload)).toBe(sha(thumb.rawPayload));

    const broken = Buffer.concat([bytes.subarray(0, 200), Buffer.alloc(5_000, 7)]);
    const bad = await storePhoto(t, cadre, broken);
    const whole = await cadre.get(`/api/files/${bad.id}?size=thumb`);
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('image/jpeg');
    expect(sha(whole.rawPayload)).toBe(sha(broken));
    expect((await cadre.get(`/api/files/${bad.id}?size=huge`)).statusCode).toBe(400);
  });
});

describe('FILES_S3_URL', () => {
  it('is read into a bucket address and keys, and a URL that cannot work is named in Chinese', () => {
    expect(parseS3Url('https://AK%2F1:s3cr%40t@oss.example.cn:9000/bucket/cf/')).toEqual({ base: 'https://oss.example.cn:9000/bucket/cf', accessKeyId: 'AK/1', secretAccessKey: 's3cr@t', region: 'us-east-1' });
    expect(() => parseS3Url('https://oss.example.cn/bucket')).toThrow('须带访问密钥');
    expect(() => parseS3Url('https://a:b@oss.example.cn/')).toThrow('须写明存储桶');
    expect(() => parseS3Url('ftp://a:b@h/b')).toThrow('http:// 或 https://');
    expect(() => parseS3Url('not a url :secret')).toThrow('不是有效的网址');
  });
});
