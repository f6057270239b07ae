/**
 * Thumbnails for the case page and the print view: a photo made at most 320 px on its longer
 * side, as WebP, on first request, then kept beside the photo in the store (<sha256>.thumb.webp).
 * sharp (libvips) makes them: fast, little memory, and its prebuilt binaries come from the npm
 * registry. A file that is not a photo, or that cannot be decoded, has none (the caller sends
 * the file itself).
 */
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import sharp from 'sharp';
import type { FileStore } from './fileStore';

export const THUMBNAIL_PX = 320;
/** A photo claiming more pixels than this is not decoded (a decompression bomb): 50 megapixels. */
const MAX_INPUT_PIXELS = 50_000_000;
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

export async function thumbnailOf(store: FileStore, sha256: string, type: string): Promise<Readable | null> {
  if (!PHOTO_TYPES.has(type)) return null;
  const key = `${sha256}.thumb.webp`;
  const kept = await store.read(key);
  if (kept) return kept;
  const original = await store.read(sha256);
  if (!original) return null;
  let small: Buffer;
  try {
    small = await sharp(await buffer(original), { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate() // as the camera held it (EXIF orientation)
      .resize(THUMBNAIL_PX, THUMBNAIL_PX, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 70 })
      .toBuffer();
  } catch {
    return null;
  }
  await store.write(key, small);
  return Readable.from(small);
}
