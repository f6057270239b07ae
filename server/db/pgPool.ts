/**
 * The connection pool the server's Kysely uses on PostgreSQL, with two savings per unit of work:
 *
 * - The county for row-level security (app.county) is set on a connection only when it differs
 *   from the one that connection last had: most units of work skip that round trip. The scope
 *   comes from the unit of work itself (AsyncLocalStorage), and a connection records its scope
 *   only after PostgreSQL has accepted it.
 * - Statements with parameters run as named prepared statements (named by a hash of their text),
 *   so PostgreSQL plans each shape once per connection instead of on every call: planning was a
 *   third of the statements' time. At most MAX_PREPARED shapes per connection are kept.
 * - With several hosts in DATABASE_URL (postgres://h1:p1,h2:p2/db, as pg_auto_failover's
 *   `pg_autoctl show uri` gives it), connections go to whichever host is the writable primary:
 *   each new connection asks `pg_is_in_recovery()`; a host that refuses, or is a standby, is
 *   passed over for the next; while none is writable (a failover under way) new connections
 *   wait up to DB_FAILOVER_SECONDS (default 30 with several hosts) before the request fails
 *   with 503. Only connecting is retried: a unit of work that loses its connection midway fails
 *   with 503 CF_DB_UNAVAILABLE, and the client sends it again with its Idempotency-Key.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';

/** The county the current unit of work runs for ('*' for work across counties). */
const unitScope = new AsyncLocalStorage<string>();

/** A unit of work's scope: a county code, or '*' for system work across counties. */
export const SCOPE = /^(\d{6}|\*)$/;

const MAX_PREPARED = 500;

type Client = pg.PoolClient & { cfScope?: string; cfSeen?: boolean; connection?: { cfPrepared?: Set<string> } };

const names = new Map<string, string>();
/** A statement's name: a hash of its text, remembered for the texts seen most (hashing was 2% of a step's CPU). */
function statementName(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `cf_${createHash('sha1').update(text).digest('base64url')}`;
    if (names.size >= MAX_PREPARED) names.clear();
    names.set(text, name);
  }
  return name;
}

/**
 * Runs parameterised statements as named prepared ones (see above). The names prepared are kept on
 * the client's connection, which outlives the client on PGlite (one backend under every client).
 */
function preparing(client: Client): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const holder = client.connection ?? {};
  const prepared = (holder.cfPrepared ??= new Set());
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && typeof callback !== 'function') {
      const name = statementName(text);
      if (prepared.has(name) || prepared.size < MAX_PREPARED) {
        prepared.add(name);
        return query({ name, text, values });
      }
    }
    return query(text, values, callback);
  };
}

/** Errors that mean the database could not be reached or went away (not a fault of the statement). */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && (/^(08|57P)/.test(code) || code === '25006' || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code))) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|not queryable/i.test(String((e as Error)?.message ?? ''));
}

/** One connection string per host of a (possibly multi-host) PostgreSQL URL, in order. */
export function hostsOf(url: string): string[] {
  const m = /^(postgres(?:ql)?:\/\/)([^@/]*@)?([^/?]*)(.*)$/.exec(url);
  if (!m || !m[3]!.includes(',')) return [url];
  const rest = m[4]!.replace(/([?&])target_session_attrs=[^&]*&?/, '$1').replace(/[?&]$/, '');
  return m[3]!.split(',').map((host) => `${m[1]}${m[2] ?? ''}${host}${rest}`);
}

/** The first of the hosts that is a writable primary, waiting up to `waitMs` for one (start-up, migrations). */
export async function findPrimary(hosts: string[], waitMs: number): Promise<string> {
  if (hosts.length === 1) return hosts[0]!;
  const deadline = performance.now() + waitMs;
  for (;;) {
    for (const url of hosts) {
      const c = new pg.Client({ connectionString: url });
      c.on('error', () => undefined);
      try {
        await c.connect();
        const r = await c.query('SELECT pg_is_in_recovery() AS standby');
        if (!(r.rows[0] as { standby: boolean }).standby) return url;
      } catch (e) {
        if (!isConnectionError(e)) throw e;
      } finally {
        await c.end().catch(() => undefined);
      }
    }
    if (performance.now() >= deadline) throw new Error(`DATABASE_URL 的主机中没有可写的主库：${hosts.map((h) => h.replace(/\/\/[^@/]*@/, '//')).join('，')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Where the pool's connections go now. */
export interface DbWhere {
  host: string;
  writable: boolean;
}

export type Pools = { url: string; pool: pg.Pool }[];

/** A pg.Pool as Kysely's PostgresDialect wants it: connections to the writable primary, scoped to the unit of work's county. */
function scopedPool(pools: Pools, failoverMs: number): { connect(): Promise<pg.PoolClient>; end(): Promise<void>; where(): DbWhere } {
  let current = 0;
  let writable = true;
  const hostOf = (url: string) => /@?([^@/]+)\/[^/]*$/.exec(url.split('?')[0]!)?.[1] ?? url;
  /** A connection to the primary: tries each host in turn, waiting out a failover up to failoverMs. */
  const primary = async (): Promise<Client> => {
    const deadline = performance.now() + failoverMs;
    for (let tries = 0; ; tries++) {
      const at = (current + tries) % pools.length;
      let client: Client | undefined;
      try {
        client = (await pools[at]!.pool.connect()) as Client;
        // A connection not seen before: ask whether its host is the primary (a failover may have made it a standby).
        if (!client.cfSeen && pools.length > 1) {
          const r = await client.query('SELECT pg_is_in_recovery() AS standby');
          if ((r.rows[0] as { standby: boolean }).standby) throw Object.assign(new Error(`${hostOf(pools[at]!.url)} 是备库（只读）`), { code: '25006' });
        }
        current = at;
        writable = true;
        return client;
      } catch (e) {
        client?.release(true);
        if (!isConnectionError(e)) throw e;
        writable = false;
        if (performance.now() >= deadline) throw e;
        // Each host tried once: wait a little before the next round.
        if ((tries + 1) % pools.length === 0) await new Promise((r) => setTimeout(r, 250));
      }
    }
  };
  return {
    where: () => ({ host: hostOf(pools[current]!.url), writable }),
    async connect() {
      const client = await primary();
      if (!client.cfSeen) {
        client.cfSeen = true;
        preparing(client);
        // A connection lost while checked out (the primary died): its unit of work sees the error; the process must not crash.
        client.on('error', () => undefined);
      }
      const scope = unitScope.getStore();
      if (scope !== undefined && client.cfScope !== scope) {
        try {
          await client.query(`SELECT set_config('app.county', $1, false)`, [scope]);
        } catch (e) {
          client.release(e as Error);
          throw e;
        }
        client.cfScope = scope;
      }
      return client;
    },
    end: async () => {
      await Promise.all(pools.map((p) => p.pool.end()));
    },
  };
}

/** The connections of a database's pools, summed over its hosts (for /metrics). */
export interface PoolUse {
  total: number;
  idle: number;
  /** Units of work waiting for a connection. */
  waiting: number;
  max: number;
}

/** Kysely over the hosts of a PostgreSQL URL (see above), and how to run a unit of work on it for a county. */
export interface ScopedDb {
  db: Kysely<Database>;
  run<T>(scope: string, fn: (k: Kysely<Database>) => Promise<T>): Promise<T>;
  where(): DbWhere;
  poolUse(): PoolUse;
}

/** Connects to the hosts of `url` with the given startup options (role, schema); several hosts mean a failover set. */
export function scopedDb(url: string, options: string, failoverMs: number): ScopedDb {
  const pools = hostsOf(url).map((host) => ({ url: host, pool: new pg.Pool({ connectionString: host, max: Number(process.env.PG_POOL ?? 10), options }) }));
  for (const { pool } of pools) pool.on('error', () => undefined); // an idle connection lost in a failover: the pool drops it
  return scopedDbOver(pools, failoverMs);
}

/** The same over pools already made: PGlite's one connection through its node-postgres adapter (open.ts). */
export function scopedDbOver(pools: Pools, failoverMs: number): ScopedDb {
  const scoped = scopedPool(pools, failoverMs);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: scoped }) });
  return {
    db,
    run(scope, fn) {
      if (!SCOPE.test(scope)) throw new Error(`bad scope ${scope}`);
      return unitScope.run(scope, () => db.connection().execute(fn));
    },
    where: scoped.where,
    poolUse: () => pools.reduce((sum, { pool }) => ({
      total: sum.total + pool.totalCount, idle: sum.idle + pool.idleCount, waiting: sum.waiting + pool.waitingCount, max: sum.max + (pool.options.max ?? 10),
    }), { total: 0, idle: 0, waiting: 0, max: 0 }),
  };
}
