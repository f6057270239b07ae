/**
 * Files in an S3-compatible object store (MinIO, Ceph, 阿里云 OSS, 腾讯云 COS, AWS S3…), given
 * by one URL: FILES_S3_URL=https://KEY:SECRET@host[:port]/bucket[/prefix] (path-style addressing,
 * which every such store accepts); FILES_S3_REGION names the signing region (default us-east-1).
 * Requests are signed with AWS Signature V4 by aws4fetch — one small, dependency-free module
 * instead of the AWS SDK's hundreds, since four verbs on single objects are all this needs.
 */
import { readFile, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AwsClient } from 'aws4fetch';
import { keyPath, sha256Of, storeKey, type FileStore } from './fileStore';

export interface S3Location {
  /** https://host:port/bucket/prefix, without credentials; objects go under it. */
  base: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
}

/** Reads FILES_S3_URL; a URL that cannot be used is named in Chinese at start-up. */
export function parseS3Url(url: string, region = 'us-east-1'): S3Location {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`FILES_S3_URL 不是有效的网址：${url.replace(/\/\/[^@]*@/, '//***@')}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('FILES_S3_URL 须以 http:// 或 https:// 开头');
  if (!u.username || !u.password) throw new Error('FILES_S3_URL 须带访问密钥：https://KEY:SECRET@主机/存储桶');
  const path = u.pathname.replace(/\/+$/, '');
  if (path === '') throw new Error('FILES_S3_URL 须写明存储桶：https://KEY:SECRET@主机/存储桶');
  return { base: `${u.protocol}//${u.host}${path}`, accessKeyId: decodeURIComponent(u.username), secretAccessKey: decodeURIComponent(u.password), region };
}

/** A store that answers other than success fails the request as the server's fault (500), logged with the status. */
export function s3FileStore(where: S3Location): FileStore {
  const client = new AwsClient({ accessKeyId: where.accessKeyId, secretAccessKey: where.secretAccessKey, service: 's3', region: where.region });
  const url = (key: string) => `${where.base}/${keyPath(key)}`;
  const exists = async (key: string) => {
    const res = await client.fetch(url(key), { method: 'HEAD' });
    if (res.status === 404) return false;
    if (!res.ok) throw new Error(`文件存储（S3）HEAD ${keyPath(key)} 返回 ${res.status}`);
    return true;
  };
  const upload = async (key: string, bytes: Buffer, type: string) => {
    const res = await client.fetch(url(key), { method: 'PUT', body: new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length), headers: { 'content-type': type } });
    if (!res.ok) throw new Error(`文件存储（S3）PUT ${keyPath(key)} 返回 ${res.status}：${(await res.text()).slice(0, 200)}`);
  };
  return {
    async put(path) {
      const sha = await sha256Of(path);
      // Kept once per content: a photo sent twice is not uploaded twice.
      if (!(await exists(sha))) await upload(sha, await readFile(path), 'application/octet-stream');
      await rm(path, { force: true });
      return sha;
    },
    async write(key, bytes) {
      if (!storeKey.test(key)) throw new Error(`bad store key ${key}`);
      await upload(key, bytes, 'application/octet-stream');
    },
    async read(key) {
      if (!storeKey.test(key)) return null;
      const res = await client.fetch(url(key));
      if (res.status === 404) return null;
      if (!res.ok || !res.body) throw new Error(`文件存储（S3）GET ${keyPath(key)} 返回 ${res.status}`);
      return Readable.fromWeb(res.body as WebReadableStream);
    },
  };
}
