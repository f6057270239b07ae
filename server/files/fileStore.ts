/**
 * Where files live, content-addressed by sha256 (ab/abcdef…), so a photo sent twice is kept
 * once and a stored file can be checked against its name. Case data holds only the reference.
 * Two stores: the local disk (FILES_DIR, the default) and an S3-compatible object store
 * (FILES_S3_URL, s3FileStore.ts). Beside a file may live what is derived from it (its
 * thumbnail), named by the file's hash and a suffix.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';

export interface FileStore {
  /** Moves a finished upload into the store; returns its sha256 (kept once per content). */
  put(path: string): Promise<string>;
  /** Keeps bytes derived from a stored file (a thumbnail) under `key` (see storeKey). */
  write(key: string, bytes: Buffer): Promise<void>;
  /** A stream of a stored file or derived bytes, or null when missing. */
  read(key: string): Promise<Readable | null>;
}

/** What a store may be asked for: a sha256, optionally with a derived suffix (".thumb.webp"). */
export const storeKey = /^[0-9a-f]{64}(\.[a-z]+(\.[a-z0-9]+)?)?$/;
/** Where a key lives inside a store: a folder per first two hex digits keeps folders small. */
export const keyPath = (key: string) => `${key.slice(0, 2)}/${key}`;

/** The sha256 of a file on disk, streamed. */
export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** The store on the local disk (FILES_DIR/content). */
export function diskFileStore(root: string): FileStore {
  const where = (key: string) => join(root, keyPath(key));
  const folder = (key: string) => mkdirSync(join(root, key.slice(0, 2)), { recursive: true });
  return {
    async put(path) {
      const sha = await sha256Of(path);
      const target = where(sha);
      if (existsSync(target)) {
        rmSync(path, { force: true });
        return sha;
      }
      folder(sha);
      try {
        renameSync(path, target);
      } catch {
        // Another disk (the uploads folder elsewhere): copy, then remove.
        copyFileSync(path, target);
        rmSync(path, { force: true });
      }
      return sha;
    },
    async write(key, bytes) {
      if (!storeKey.test(key)) throw new Error(`bad store key ${key}`);
      folder(key);
      // Written aside then renamed: a reader never sees half a thumbnail.
      const part = `${where(key)}.${process.pid}.part`;
      writeFileSync(part, bytes);
      renameSync(part, where(key));
    },
    async read(key) {
      if (!storeKey.test(key)) return null;
      const path = where(key);
      return existsSync(path) ? createReadStream(path) : null;
    },
  };
}
