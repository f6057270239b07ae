/**
 * A backup folder: `content/` holds stored files by their key, shared by every backup in the folder
 * (a second backup copies only files the first did not have); each backup is a folder named for its
 * time with `data/` (the embedded database, copied while no server has it open), `audit/` (the
 * signing key and the checkpoints) and `manifest.json`.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { keyPath, storeKey } from '../files/fileStore';

/** What a backup holds, written last: a folder without it is an unfinished backup. */
export interface Manifest {
  format: 'countyflow-backup-1';
  at: string;
  /** The keys of the stored files this backup needs, found in the folder's `content/`. */
  files: string[];
  /** The checkpoint files taken just before the copy, relative to `audit/checkpoints`. */
  checkpoints: string[];
}

/** The keys of every file in a content store (FILES_DIR/content): `ab/abcd…` folders. */
export function storedKeys(content: string): string[] {
  if (!existsSync(content)) return [];
  return readdirSync(content).flatMap((dir) => readdirSync(join(content, dir)).filter((name) => storeKey.test(name)));
}

/** Copies the files `from` has and `to` has not; returns how many it copied. */
export function copyNewFiles(keys: string[], from: string, to: string): number {
  let copied = 0;
  for (const key of keys) {
    const target = join(to, keyPath(key));
    if (existsSync(target)) continue;
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(from, keyPath(key)), target);
    copied++;
  }
  return copied;
}

/** Copies a folder (the database, the audit folder), leaving out the embedded database's lock file and `skip` (FILES_DIR inside DATA_DIR: copied by content). */
export function copyFolder(from: string, to: string, skip?: string): void {
  cpSync(from, to, { recursive: true, filter: (src) => !src.endsWith('countyflow.lock') && !(skip && (src === skip || src.startsWith(`${skip}/`))) });
}

/** Writes a backup's manifest: the backup is complete from then on. */
export const writeManifest = (backup: string, manifest: Manifest) => writeFileSync(join(backup, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);

/** Reads a backup's manifest, or says in Chinese why the folder is no backup. */
export function readManifest(backup: string): Manifest {
  const file = join(backup, 'manifest.json');
  if (!existsSync(file)) throw new Error(`${backup} 不是完整的备份（没有 manifest.json）`);
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  if (manifest.format !== 'countyflow-backup-1') throw new Error(`${backup} 的备份格式不认识：${String(manifest.format)}`);
  return manifest;
}

/** The complete backups in a folder (those with a manifest), oldest first: their names sort by time. */
export function backupsIn(folder: string): string[] {
  return readdirSync(folder).filter((name) => name !== 'content' && existsSync(join(folder, name, 'manifest.json'))).sort();
}

/** Keeps the newest `keep` backups of a folder and the stored files they need; returns the backups removed. */
export function pruneBackups(folder: string, keep: number): string[] {
  const all = backupsIn(folder);
  const removed = all.slice(0, Math.max(0, all.length - keep));
  for (const name of removed) rmSync(join(folder, name), { recursive: true, force: true });
  const needed = new Set(all.slice(removed.length).flatMap((name) => readManifest(join(folder, name)).files));
  const content = join(folder, 'content');
  for (const key of storedKeys(content)) if (!needed.has(key)) rmSync(join(content, keyPath(key)), { force: true });
  return removed;
}
