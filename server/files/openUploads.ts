/**
 * Uploads in progress (tus, in FILES_DIR/uploads: the bytes as `<id>`, what tus knows as
 * `<id>.json`): which one a request names, how many a user has open and how large, and
 * expiring those left unfinished (or finished and never made a file).
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** An upload's id: the owner's 16-hex prefix, a dash, a UUID. */
export const UPLOAD_ID = /^[0-9a-f]{16}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The folder uploads in progress are kept in. */
export const uploadDirOf = (filesDir: string) => join(filesDir, 'uploads');

/**
 * The upload a tus request acts on: the last segment of the URL's path (never its query), when
 * it is an upload id. The owner check and the tus server both use this one answer.
 */
export function uploadIdOf(url: string): string | undefined {
  const path = new URL(url, 'http://localhost').pathname;
  const id = /^\/api\/uploads\/([^/]+)$/.exec(path)?.[1];
  return id !== undefined && UPLOAD_ID.test(id) ? id : undefined;
}

/** One upload in the folder: its id, the size it declared (undefined: not yet given) and when it began. */
interface OpenUpload {
  id: string;
  size: number | undefined;
  created: number;
}

/** The uploads in `dir` whose id starts with `prefix` (one owner's, or all with ''). */
async function listUploads(dir: string, prefix: string): Promise<OpenUpload[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const found: OpenUpload[] = [];
  for (const name of names) {
    const id = name.slice(0, -'.json'.length);
    if (!name.endsWith('.json') || !id.startsWith(prefix) || !UPLOAD_ID.test(id)) continue;
    const info = await readFile(join(dir, name), 'utf8').then((t) => JSON.parse(t) as { size?: number; creation_date?: string }, () => null);
    if (info) found.push({ id, size: info.size, created: Date.parse(info.creation_date ?? '') || 0 });
  }
  return found;
}

/** How many uploads an owner has open and the bytes they may still take (an upload of undeclared length counts as `largest`). */
export async function openUploadsOf(dir: string, owner: string, largest: number): Promise<{ count: number; bytes: number }> {
  const mine = await listUploads(dir, `${owner}-`);
  return { count: mine.length, bytes: mine.reduce((sum, u) => sum + (u.size ?? largest), 0) };
}

/** Deletes every upload begun more than `maxAgeMs` before `now` (housekeeping); returns how many went. */
export async function expireUploads(dir: string, now: Date, maxAgeMs: number): Promise<number> {
  const old = (await listUploads(dir, '')).filter((u) => u.created < now.getTime() - maxAgeMs);
  for (const u of old) await Promise.all([rm(join(dir, u.id), { force: true }), rm(join(dir, `${u.id}.json`), { force: true })]);
  return old.length;
}
