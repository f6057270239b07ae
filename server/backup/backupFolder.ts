/**
 * A backup folder: `content/` holds stored files by their key, shared by every backup in the folder
 * (a second backup copies only files the first did not have); each backup is a folder named for its
 * time with the database (`data/`, the embedded one's folder, or `database.dump`, PostgreSQL's
 * pg_dump), `audit/` (the signing key and the checkpoints) and `manifest.json`. A backup is written
 * under `.partial-<time>` and renamed when its manifest is in: a folder with a manifest under a time's
 * name is complete.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { keyPath, sha256Of, storeKey } from '../files/fileStore';

/** What a backup holds, written last: a folder without it is an unfinished backup. */
export interface Manifest {
  format: 'countyflow-backup-1';
  at: string;
  /** Which database: the embedded one's folder (`data/`) or PostgreSQL's dump (`database.dump`); absent in the first backups: embedded. */
  database?: 'pglite' | 'postgres';
  /** The keys of the stored files this backup needs, found in the folder's `content/`. */
  files: string[];
  /** The checkpoint files taken just before the copy, relative to `audit/checkpoints`. */
  checkpoints: string[];
  /** The sha256 of every file in the backup's own folder, by its path there (the restore checks them). */
  hashes?: Record<string, string>;
}

/** Progress of long work, one line at a time (the CLI prints it, a scheduled backup logs it). */
export type Progress = (line: string) => void;

/** Bytes as a person reads them. */
export const size = (bytes: number) => (bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

/** Reports a copy's progress at most every second and at its end: "what：文件 n/N，x MB/y MB" (without bytes when none are counted). */
export function progressOf(what: string, total: { files: number; bytes: number }, progress: Progress): (files: number, bytes: number) => void {
  let last = -Infinity;
  return (files, bytes) => {
    const now = performance.now();
    if (files < total.files && now - last < 1000) return;
    last = now;
    progress(`${what}：文件 ${files}/${total.files}${total.bytes ? `，${size(bytes)}/${size(total.bytes)}` : ''}`);
  };
}

/** The keys of every file in a content store (FILES_DIR/content): `ab/abcd…` folders. */
export function storedKeys(content: string): string[] {
  if (!existsSync(content)) return [];
  return readdirSync(content).flatMap((dir) => readdirSync(join(content, dir)).filter((name) => storeKey.test(name)));
}

/** Copies a file aside and renames it into place: a file under its final name is whole. */
function copyWhole(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const part = `${to}.${process.pid}.part`;
  copyFileSync(from, part);
  renameSync(part, to);
}

/** Copies the files `from` has and `to` has not, reporting progress; returns how many it copied and their bytes. */
export function copyNewFiles(keys: string[], from: string, to: string, progress: Progress = () => undefined): { copied: number; bytes: number } {
  const wanted = keys.filter((key) => !existsSync(join(to, keyPath(key))));
  const sizes = wanted.map((key) => statSync(join(from, keyPath(key))).size);
  const report = progressOf('已存文件（新）', { files: wanted.length, bytes: sizes.reduce((a, b) => a + b, 0) }, progress);
  let bytes = 0;
  wanted.forEach((key, i) => {
    copyWhole(join(from, keyPath(key)), join(to, keyPath(key)));
    bytes += sizes[i]!;
    report(i + 1, bytes);
  });
  return { copied: wanted.length, bytes };
}

/** Every file and folder under a folder, as paths relative to it (folders end in "/"), leaving out `skip` (an absolute path) and the embedded database's lock and operator files. */
function entriesUnder(root: string, skip?: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (path === skip || entry.name === 'countyflow.lock' || entry.name === 'operator.json') continue;
      if (entry.isDirectory()) {
        // Empty folders count: PostgreSQL will not start without its (pg_tblspc, pg_twophase, …).
        out.push(`${relative(root, path)}/`);
        walk(path);
      } else if (entry.isFile()) out.push(relative(root, path));
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

/** Every file under a folder, as entriesUnder lists them. */
const filesUnder = (root: string, skip?: string) => entriesUnder(root, skip).filter((p) => !p.endsWith('/'));

/**
 * Copies a folder (the database, the audit folder), leaving out the embedded database's lock and
 * operator files and `skip` (FILES_DIR inside DATA_DIR: copied by content); reports progress under `what`.
 */
export function copyFolder(from: string, to: string, options: { skip?: string; what?: string; progress?: Progress } = {}): { files: number; bytes: number } {
  const entries = entriesUnder(from, options.skip);
  const files = entries.filter((p) => !p.endsWith('/'));
  const sizes = files.map((f) => statSync(join(from, f)).size);
  const total = { files: files.length, bytes: sizes.reduce((a, b) => a + b, 0) };
  const report = options.progress ? progressOf(options.what ?? from, total, options.progress) : () => undefined;
  mkdirSync(to, { recursive: true });
  for (const folder of entries.filter((p) => p.endsWith('/'))) mkdirSync(join(to, folder), { recursive: true });
  let bytes = 0;
  files.forEach((file, i) => {
    copyFileSync(join(from, file), join(to, file));
    bytes += sizes[i]!;
    report(i + 1, bytes);
  });
  return total;
}

/** The sha256 of every file in a backup's folder (the manifest aside), by path. */
export async function hashesOf(backup: string): Promise<Record<string, string>> {
  const hashes: Record<string, string> = {};
  for (const file of filesUnder(backup).filter((f) => f !== 'manifest.json').sort()) hashes[file] = await sha256Of(join(backup, file));
  return hashes;
}

/** Writes a backup's manifest into its partial folder and renames the folder to its time: the backup is complete from then on. */
export function finishBackup(partial: string, backup: string, manifest: Manifest): void {
  writeFileSync(join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(partial, backup);
}

/** Reads a backup's manifest, or says in Chinese why the folder is no backup. */
export function readManifest(backup: string): Manifest {
  const file = join(backup, 'manifest.json');
  if (!existsSync(file)) throw new Error(`${backup} 不是完整的备份（没有 manifest.json）`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  if (manifest.format !== 'countyflow-backup-1') throw new Error(`${backup} 的备份格式不认识：${String(manifest.format)}`);
  return manifest;
}

/** The complete backups in a folder (those with a manifest, not partial), oldest first: their names sort by time. */
export function backupsIn(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((name) => name !== 'content' && !name.startsWith('.') && existsSync(join(folder, name, 'manifest.json'))).sort();
}

/**
 * Keeps the newest `keep` backups of a folder and the stored files they need; removes partial
 * backups older than the newest complete one (a backup that stopped half way); returns the backups removed.
 */
export function pruneBackups(folder: string, keep: number): string[] {
  const all = backupsIn(folder);
  const removed = all.slice(0, Math.max(0, all.length - keep));
  for (const name of removed) rmSync(join(folder, name), { recursive: true, force: true });
  const newest = all.at(-1) ?? '';
  for (const name of readdirSync(folder).filter((n) => n.startsWith('.partial-') && n.slice('.partial-'.length) < newest)) rmSync(join(folder, name), { recursive: true, force: true });
  const needed = new Set(all.slice(removed.length).flatMap((name) => readManifest(join(folder, name)).files));
  const content = join(folder, 'content');
  for (const key of storedKeys(content)) if (!needed.has(key)) rmSync(join(content, keyPath(key)), { force: true });
  return removed;
}
