/**
 * Where files live: content-addressed under DATA_DIR/files (files/ab/abcdef…, by sha256), so a
 * photo sent twice is kept once and a stored file can be checked against its name. Case data
 * holds only the reference.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

export interface FileStore {
  /** Moves a finished upload into the store; returns its sha256 (kept once per content). */
  put(path: string): Promise<string>;
  /** A stream of a stored file, or null when it is missing. */
  read(sha256: string): NodeJS.ReadableStream | null;
}

/** The sha256 of a file on disk, streamed. */
export async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** The store on the local disk (DATA_DIR/files). */
export function diskFileStore(root: string): FileStore {
  const where = (sha: string) => join(root, sha.slice(0, 2), sha);
  return {
    async put(path) {
      const sha = await sha256Of(path);
      const target = where(sha);
      if (existsSync(target)) {
        rmSync(path, { force: true });
        return sha;
      }
      mkdirSync(join(root, sha.slice(0, 2)), { recursive: true });
      try {
        renameSync(path, target);
      } catch {
        // Another disk (the uploads folder elsewhere): copy, then remove.
        copyFileSync(path, target);
        rmSync(path, { force: true });
      }
      return sha;
    },
    read(sha) {
      if (!/^[0-9a-f]{64}$/.test(sha)) return null;
      const path = where(sha);
      return existsSync(path) ? createReadStream(path) : null;
    },
  };
}
