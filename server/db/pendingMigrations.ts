import { PGlite } from '@electric-sql/pglite';
import { existsSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config';
import { lockDataDir } from './dataDirLock';
import { migrations } from './migrations';
import type { Database } from './schema';
import { findPrimary, hostsOf } from './pgPool';

/** The migrations this version has that are not in `applied`, in the order they would run. */
const notIn = (applied: string[]) => Object.keys(migrations).sort().filter((name) => !applied.includes(name));

/** A table that does not exist: a database no migration has run on. */
const isMissingTable = (e: unknown) => (e as { code?: string }).code === '42P01';

/** The migrations the open database has not run (empty when its schema is this version's): for /health/ready. */
export async function pendingIn(k: Kysely<Database>): Promise<string[]> {
  try {
    const { rows } = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(k);
    return notIn(rows.map((r) => r.name));
  } catch (e) {
    if (isMissingTable(e)) return notIn([]);
    throw e;
  }
}

/** Reads the applied migrations' names through one query; a missing table means none. */
async function appliedBy(query: (text: string) => Promise<{ rows: unknown[] }>): Promise<string[]> {
  try {
    return (await query('SELECT name FROM kysely_migration')).rows.map((r) => (r as { name: string }).name);
  } catch (e) {
    if (isMissingTable(e)) return [];
    throw e;
  }
}

/** `countyflow migrate --dry-run`: what `migrate` would run on the configured database, without running it or opening it for writing. */
export async function pendingMigrations(config: Config): Promise<string[]> {
  if (config.databaseUrl) {
    const hosts = hostsOf(config.databaseUrl);
    const client = new pg.Client({ connectionString: await findPrimary(hosts, config.dbFailoverMs ?? (hosts.length > 1 ? 30_000 : 0)), options: `-c search_path=${config.dbSchema}` });
    await client.connect();
    try {
      return notIn(await appliedBy((text) => client.query(text)));
    } finally {
      await client.end();
    }
  }
  if (!existsSync(config.dataDir)) return notIn([]);
  const release = lockDataDir(config.dataDir);
  const pglite = new PGlite(config.dataDir);
  try {
    return notIn(await appliedBy((text) => pglite.query(text)));
  } finally {
    await pglite.close();
    release();
  }
}
