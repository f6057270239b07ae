import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../server/app';
import { systemClock } from '../../server/clock';
import { type Config, loadConfig } from '../../server/config';
import { type Db, openDb } from '../../server/db/open';
import { seedAll } from '../../server/seed/seed';

/** A seeded app on the database this run tests: PGlite in memory, or PostgreSQL (own schema) with DATABASE_URL. */
export interface TestApp {
  app: FastifyInstance;
  db: Db;
  config: Config;
  close(): Promise<void>;
}

/** The database the suite runs on, for test names. */
export const dbKind = process.env.DATABASE_URL ? 'postgres' : 'pglite';

/** Opens a fresh database, seeds the demo counties at the app's clock (`appOptions.clock`, else the machine's), builds the app. */
export async function createTestApp(overrides: Partial<Config> = {}, appOptions: Parameters<typeof buildApp>[2] = { logger: false }): Promise<TestApp> {
  const dbSchema = `t_${randomBytes(6).toString('hex')}`;
  const audit = join(tmpdir(), `cf-audit-${dbSchema}`);
  const config: Config = {
    ...loadConfig(process.env), dataDir: 'memory://', dbSchema, timerIntervalMs: 0, logLevel: 'silent',
    auditKeyFile: join(audit, 'signing-key.pem'), checkpointDir: join(audit, 'checkpoints'), filesDir: join(audit, 'files'), ...overrides,
  };
  const db = await openDb(config);
  await seedAll(db, (appOptions.clock ?? systemClock).now());
  const app = await buildApp(db, config, appOptions);
  return {
    app, db, config,
    close: async () => {
      await app.close();
      await db.close();
      if (config.databaseUrl) await dropSchema(config.databaseUrl, config.dbSchema);
      rmSync(audit, { recursive: true, force: true });
    },
  };
}

/** A signed-in user's client: sends the session cookie and CSRF token. */
export interface Client {
  get(url: string): Promise<LightMyRequestResponse>;
  send(method: 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  cookie: string;
  csrf: string;
}

/** Logs a demo user in. */
export async function login(app: FastifyInstance, county: string, username: string, password = 'demo1234'): Promise<Client> {
  const res = await app.inject({ method: 'POST', url: '/api/session', payload: { county, username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${county}/${username}: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'cf_session')!.value;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  return {
    cookie, csrf,
    get: (url) => app.inject({ method: 'GET', url, cookies: { cf_session: cookie } }),
    send: (method, url, body, headers = {}) => app.inject({ method, url, cookies: { cf_session: cookie }, headers: { 'x-csrf-token': csrf, ...headers }, ...(body === undefined ? {} : { payload: body as object }) }),
  };
}

/** Drops a test run's PostgreSQL schema. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
}
