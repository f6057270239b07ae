import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Client } from './testApp';

/** A small but real JPEG header (the start-of-image marker and a JFIF header, then filler): file-type says JPEG, no decoder can draw it. */
export const jpeg = (size: number, seed = 1) => {
  const b = Buffer.alloc(size, seed);
  Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]).copy(b);
  b[size - 2] = 0xff;
  b[size - 1] = 0xd9;
  return b;
};
export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
export const tus = { 'tus-resumable': '1.0.0' };

/** Creates a tus upload of `length` bytes; returns its id. */
export async function createUpload(who: Client, length: number, name = '房屋正面.jpg') {
  const res = await who.send('POST', '/api/uploads', undefined, { ...tus, 'upload-length': String(length), 'upload-metadata': `filename ${Buffer.from(name).toString('base64')}` });
  expect(res.statusCode).toBe(201);
  return res.headers.location!.split('/').at(-1)!;
}

/** Sends one piece of an upload from `offset`. */
export const patch = (app: FastifyInstance, who: Client, id: string, offset: number, chunk: Buffer) =>
  app.inject({ method: 'PATCH', url: `/api/uploads/${id}`, cookies: { cf_session: who.cookie }, headers: { ...tus, 'x-csrf-token': who.csrf, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, payload: chunk });
