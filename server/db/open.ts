import { PGlite } from '@electric-sql/pglite';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config } from '../config';
import { lockDataDir } from './dataDirLock';
import { APP_ROLE, migrations } from './migrations';
import { PgliteConnection } from './pgliteConnection';
import { type DbWhere, findPrimary, type PoolUse, hostsOf, scopedDb, scopedDbOver } from './pgPool';
import { type ReadReplica, readReplica } from './readReplica';
import type { Database } from './schema';

/** The county a unit of work runs for, or '*' for system work (scheduler, seeding) across counties. */
export type Scope = string;

/** The database, embedded or PostgreSQL, behind one interface. */
export interface Db {
  kind: 'pglite' | 'postgres';
  /** Runs `fn` on one connection, as the restricted role, with row-level security set to the county. */
  run<T>(scope: Scope, fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /** The same, inside one transaction. */
  transaction<T>(scope: Scope, fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * Read-only work (dashboards, exports, lists): on the read replica when one is configured and
   * caught up, unless `fresh` (the user has just written: read-your-writes); else like run.
   */
  read<T>(scope: Scope, fresh: boolean, fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /**
   * The embedded database only: runs `fn` while no unit of work runs, after a CHECKPOINT, so its data
   * folder on disk holds everything committed and does not change until `fn` ends (a backup's copy).
   */
  holdStill?<T>(fn: () => Promise<T>): Promise<T>;
  /** True when the database answers. */
  ping(): Promise<boolean>;
  /** The writable database's connections: open, idle, and units of work waiting for one. */
  poolUse(): PoolUse;
  /** Which database the server reaches and whether it takes writes, and the read replica's state (for /health). */
  where(): DbWhere & { reads?: ReturnType<ReadReplica['where']> };
  close(): Promise<void>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const quoteIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

async function migrate(db: Kysely<Database>, schema?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

/**
 * The embedded database, reached through node-postgres (pgliteConnection.ts): the same pool code as
 * PostgreSQL (pgPool.ts: prepared statements, the county set only when it changes), over PGlite's
 * one backend — a pool of one connection, so units of work take turns.
 */
async function openPglite(config: Config): Promise<Db> {
  const inMemory = config.dataDir.startsWith('memory://');
  const release = inMemory ? () => undefined : lockDataDir(config.dataDir);
  const pglite = new PGlite(inMemory ? undefined : config.dataDir);
  await pglite.waitReady;
  // idleTimeoutMillis 0: the one connection stays, with what it has prepared and its role.
  const pool = new pg.Pool({ connection: new PgliteConnection(pglite), max: 1, idleTimeoutMillis: 0 } as pg.PoolConfig);
  const { db, run, poolUse } = scopedDbOver([{ url: 'pglite', pool }], 0);
  await migrate(db);
  await sql.raw(`SET ROLE ${APP_ROLE}`).execute(db);
  return {
    kind: 'pglite',
    where: () => ({ host: inMemory ? 'memory' : config.dataDir, writable: true }),
    run,
    poolUse,
    read: (scope, _fresh, fn) => run(scope, fn),
    transaction: (scope, fn) => run(scope, (conn) => conn.transaction().execute(fn)),
    // The pool's one connection is held: every other unit of work waits for it, none is half done.
    holdStill: (fn) => run('*', async (conn) => {
      // CHECKPOINT is the superuser's (PGlite connects as one); the connection goes back to the restricted role at once.
      await sql.raw('RESET ROLE').execute(conn);
      try {
        await sql.raw('CHECKPOINT').execute(conn);
      } finally {
        await sql.raw(`SET ROLE ${APP_ROLE}`).execute(conn);
      }
      return fn();
    }),
    ping: async () => (await sql<{ one: number }>`SELECT 1 AS one`.execute(db)).rows.length === 1,
    close: async () => {
      await db.destroy();
      await pglite.close();
      release();
    },
  };
}

async function openPostgres(config: Config): Promise<Db> {
  const schema = config.dbSchema;
  if (!SCHEMA_NAME.test(schema)) throw new Error(`DB_SCHEMA 只能含小写字母、数字和下划线：${schema}`);
  // Settings go in the startup packet, so they hold before the connection's first query.
  const startup = (extra = '') => `-c search_path=${schema}${extra}`;
  const hosts = hostsOf(config.databaseUrl!);
  const failoverMs = config.dbFailoverMs ?? (hosts.length > 1 ? 30_000 : 0);
  // Schema and migrations go to the primary (with several hosts, whichever is writable now).
  const primaryUrl = await findPrimary(hosts, failoverMs);
  if (schema !== 'public') {
    const setup = new pg.Client({ connectionString: primaryUrl });
    await setup.connect();
    await setup.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`).finally(() => setup.end());
  }
  const ownerPool = new pg.Pool({ connectionString: primaryUrl, max: 1, options: startup() });
  const owner = new Kysely<Database>({ dialect: new PostgresDialect({ pool: ownerPool }) });
  await sql`SELECT pg_advisory_lock(4711)`.execute(owner);
  try {
    await migrate(owner, schema);
    await sql.raw(`GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO ${APP_ROLE}`).execute(owner);
    await sql.raw(`GRANT USAGE ON ALL SEQUENCES IN SCHEMA ${quoteIdent(schema)} TO ${APP_ROLE}`).execute(owner);
  } finally {
    await sql`SELECT pg_advisory_unlock(4711)`.execute(owner);
  }
  await owner.destroy();

  // Each connection works as the restricted role, in the configured schema, on the writable primary of the hosts
  // given, with the unit of work's county set (only when it changed), preparing what it runs (pgPool.ts).
  // No parallel workers for a request's queries: each reads a page or a count from an index, and
  // starting workers cost more than that (25–35 ms on a 2-core machine, in bench:lists' plans).
  const role = startup(` -c role=${APP_ROLE} -c max_parallel_workers_per_gather=0`);
  const { db, run: withScope, where, poolUse } = scopedDb(config.databaseUrl!, role, failoverMs);
  const replica = config.readDatabaseUrl ? readReplica(scopedDb(config.readDatabaseUrl, role, 0), config.readMaxLagMs) : null;
  return {
    kind: 'postgres',
    where: () => ({ ...where(), ...(replica ? { reads: replica.where() } : {}) }),
    run: withScope,
    poolUse,
    transaction: (scope, fn) => withScope(scope, (conn) => conn.transaction().execute(fn)),
    read: async (scope, fresh, fn) => {
      const fromReplica = replica && !fresh ? await replica.tryRead(scope, fn) : null;
      return fromReplica ? fromReplica.value : withScope(scope, fn);
    },
    ping: async () => {
      try {
        await sql`SELECT 1`.execute(db);
        return true;
      } catch {
        return false;
      }
    },
    close: async () => {
      await replica?.close();
      await db.destroy();
    },
  };
}

/** Opens the configured database (PostgreSQL when DATABASE_URL is set, else embedded PGlite) and migrates it. */
export function openDb(config: Config): Promise<Db> {
  return config.databaseUrl ? openPostgres(config) : openPglite(config);
}
