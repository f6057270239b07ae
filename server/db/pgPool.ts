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
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type pg from 'pg';

/** The county the current unit of work runs for ('*' for work across counties). */
export const unitScope = new AsyncLocalStorage<string>();

const MAX_PREPARED = 500;

type Client = pg.PoolClient & { cfScope?: string; cfPrepared?: Set<string> };

/** Runs parameterised statements as named prepared ones (see above). */
function preparing(client: Client): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.cfPrepared = new Set();
  (client as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && typeof callback !== 'function') {
      const name = `cf_${createHash('sha1').update(text).digest('base64url')}`;
      if (client.cfPrepared!.has(name) || client.cfPrepared!.size < MAX_PREPARED) {
        client.cfPrepared!.add(name);
        return query({ name, text, values });
      }
    }
    return query(text, values, callback);
  };
}

/** A pg.Pool as Kysely's PostgresDialect wants it, whose connections come scoped to the unit of work's county. */
export function scopedPool(pool: pg.Pool): { connect(): Promise<pg.PoolClient>; end(): Promise<void> } {
  return {
    async connect() {
      const client = (await pool.connect()) as Client;
      if (!client.cfPrepared) preparing(client);
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
    end: () => pool.end(),
  };
}
