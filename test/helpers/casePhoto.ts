import sharp from 'sharp';
import { expect } from 'vitest';
import type { FileRef } from '../../engine/index';
import type { OwnPerson } from './ownTownship';

/** A real photo (a colour gradient drawn by sharp, so thumbnails can be made of it), uploaded to a case over tus as the phone does, and stored as the case's file: its reference. */
export async function uploadPhoto(url: string, who: OwnPerson, caseId: string, name = '房屋正面.jpg'): Promise<FileRef> {
  const pixels = Buffer.alloc(640 * 480 * 3);
  for (let i = 0; i < pixels.length; i += 3) [pixels[i], pixels[i + 1], pixels[i + 2]] = [(i / 3) % 640 / 3, 120, Math.floor(i / 3 / 640) / 2];
  const photo = await sharp(pixels, { raw: { width: 640, height: 480, channels: 3 } }).jpeg().toBuffer();
  const csrf = (await who.call('GET', '/api/me')).body.csrfToken as string;
  const headers = { cookie: who.cookie, 'x-csrf-token': csrf, 'tus-resumable': '1.0.0' };
  const created = await fetch(`${url}/api/uploads`, { method: 'POST', headers: { ...headers, 'upload-length': String(photo.length), 'upload-metadata': `filename ${Buffer.from(name).toString('base64')}` } });
  expect(created.status).toBe(201);
  const uploadId = created.headers.get('location')!.split('/').at(-1)!;
  const sent = await fetch(`${url}/api/uploads/${uploadId}`, { method: 'PATCH', headers: { ...headers, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, body: photo });
  expect(sent.status).toBe(204);
  const stored = await who.call('POST', '/api/files', { uploadId, caseId });
  expect(stored.status).toBe(201);
  return stored.body as unknown as FileRef;
}
