/**
 * How the command line reaches the serving process that owns the embedded database: the server
 * writes DATA_DIR/operator.json (its pid, its loopback address and a random token; readable by the
 * service's user only) once it listens, and removes it when it stops. Whoever can read the data
 * folder may ask that server for a backup; nobody else can.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What operator.json holds. */
export interface OperatorFile {
  pid: number;
  url: string;
  token: string;
}

const fileIn = (dataDir: string) => join(dataDir, 'operator.json');

/** A new random token for this server's life. */
export const operatorToken = () => randomBytes(32).toString('base64url');

/** Writes operator.json (owner-only); returns its removal. */
export function writeOperatorFile(dataDir: string, entry: OperatorFile): () => void {
  const file = fileIn(dataDir);
  writeFileSync(file, JSON.stringify(entry), { mode: 0o600 });
  chmodSync(file, 0o600);
  return () => rmSync(file, { force: true });
}

/** The serving process's entry, or null when no server has written one. */
export function readOperatorFile(dataDir: string): OperatorFile | null {
  const file = fileIn(dataDir);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as OperatorFile) : null;
}
