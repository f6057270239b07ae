import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { buildWebApp } from './browser';
import { dropSchema } from './testApp';
import { type ServerProcess, startServer } from './serverProcess';

/**
 * For a browser test file: builds the web app, starts one seeded server (PGlite in a temp
 * folder, or its own PostgreSQL schema with DATABASE_URL), and stops and cleans it up after.
 */
export function webServerForFile(name: string, portBase: number): { readonly server: ServerProcess; readonly dataDir: string } {
  const pgUrl = process.env.DATABASE_URL;
  const schema = `t_e2e_${name}_${process.pid}`;
  const dataDir = mkdtempSync(join(tmpdir(), `cf-e2e-${name}-`));
  let server: ServerProcess | undefined;
  beforeAll(async () => {
    buildWebApp();
    server = await startServer({ SEED_DEMO: 'counties', FILES_DIR: join(dataDir, 'files'), ...(pgUrl ? { DATABASE_URL: pgUrl, DB_SCHEMA: schema } : { DATA_DIR: dataDir }) }, portBase + (process.pid % 200));
  }, 180_000);
  afterAll(async () => {
    await server?.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
    if (pgUrl) await dropSchema(pgUrl, schema);
  });
  return {
    get server() {
      if (!server) throw new Error('the server starts in beforeAll');
      return server;
    },
    dataDir,
  };
}
