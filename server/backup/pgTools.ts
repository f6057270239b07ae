/**
 * PostgreSQL's own backup tools: pg_dump (custom format, a consistent snapshot of the database
 * taken while the servers go on writing) and pg_restore into an empty database.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import pg from 'pg';
import type { Config } from '../config';
import { APP_ROLE } from '../db/migrations';
import { type Progress, size } from './backupFolder';

/** Where Debian puts PostgreSQL's programs, newest first: pg_dump must be at least the server's version. */
const DEBIAN_BIN = '/usr/lib/postgresql';

/** The path of a PostgreSQL program (pg_dump, pg_restore): on PATH, else Debian's newest; or null. */
export function findPgTool(name: 'pg_dump' | 'pg_restore', path = process.env.PATH ?? '', debianRoot = DEBIAN_BIN): string | null {
  for (const dir of path.split(delimiter).filter(Boolean)) if (existsSync(join(dir, name))) return join(dir, name);
  const versions = existsSync(debianRoot) ? readdirSync(debianRoot).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(debianRoot, v, 'bin', name))) return join(debianRoot, v, 'bin', name);
  return null;
}

/** What an operator reads when the program is not installed. */
export const missingTool = (name: string) => `找不到 ${name}：PostgreSQL 的备份和恢复要用它。请安装与数据库服务器同一主版本（或更新）的客户端，如 Debian 的 apt-get install postgresql-client-15，或把它所在的目录加入 PATH。`;

/** The schema's tables only, unless the server uses `public` (then the whole database). */
const schemaArgs = (config: Config) => (config.dbSchema === 'public' ? [] : ['--schema', config.dbSchema]);

/** Runs a program, passing its verbose lines on as progress (with `sizeOf` bytes so far); rejects with its last lines on failure. */
/**
 * The database URL for a tool's command line without its password, which goes in the child's
 * environment instead (PGPASSWORD): a command line is visible to every user of the machine (ps).
 */
function connectionFor(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  return { dbname: u.toString(), env: password ? { ...process.env, PGPASSWORD: password } : process.env };
}

function runTool(program: string, args: string[], progress: Progress, sizeOf?: () => number, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    const tail: string[] = [];
    let partial = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines.filter(Boolean)) {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        if (/table|data|表/.test(line)) progress(sizeOf ? `${line}（已写 ${size(sizeOf())}）` : line);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${program} 失败（退出码 ${code}）：\n${[...tail, partial].filter(Boolean).slice(-8).join('\n')}`))));
  });
}

/** pg_dump -Fc of the configured database (its schema) into `file`: what was committed before it started is in it. */
export async function pgDump(config: Config, file: string, progress: Progress): Promise<void> {
  const program = findPgTool('pg_dump');
  if (!program) throw new Error(missingTool('pg_dump'));
  progress(`PostgreSQL：${program} --format=custom${config.dbSchema === 'public' ? '' : ` --schema ${config.dbSchema}`}`);
  const { dbname, env } = connectionFor(config.databaseUrl!);
  await runTool(program, ['--format=custom', '--verbose', '--file', file, ...schemaArgs(config), '--dbname', dbname], progress, () => (existsSync(file) ? statSync(file).size : 0), env);
}

/** What is in the way of a restore into the configured database: its schema's tables (none: empty). */
export async function tablesIn(config: Config): Promise<number> {
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1', [config.dbSchema]);
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}

/**
 * pg_restore of a dump into the configured database, which must hold no table in its schema. The
 * restoring user owns what it creates (--no-owner); the grants to the application's role are kept,
 * so that role is created first when this PostgreSQL has none.
 */
export async function pgRestore(config: Config, file: string, progress: Progress): Promise<void> {
  const program = findPgTool('pg_restore');
  if (!program) throw new Error(missingTool('pg_restore'));
  const client = new pg.Client({ connectionString: config.databaseUrl });
  await client.connect();
  try {
    await client.query(`DO $$ BEGIN CREATE ROLE ${APP_ROLE} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
    // An empty schema of that name (not public) is in the way of the dump's CREATE SCHEMA; DROP without CASCADE drops only an empty one.
    if (config.dbSchema !== 'public') await client.query(`DROP SCHEMA IF EXISTS "${config.dbSchema}"`);
  } finally {
    await client.end();
  }
  progress(`PostgreSQL：${program} --no-owner --exit-on-error`);
  const { dbname, env } = connectionFor(config.databaseUrl!);
  await runTool(program, ['--verbose', '--no-owner', '--exit-on-error', '--single-transaction', '--dbname', dbname, file], progress, undefined, env);
}
