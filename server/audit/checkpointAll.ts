import type { Config } from '../config';
import type { Db } from '../db/open';
import { loadSigningKey, makeCheckpoint, writeCheckpoint } from './checkpoint';

/** Every county in the database, for `audit checkpoint`, backups and `restore`. */
export async function counties(db: Db): Promise<string[]> {
  return (await db.run('*', (k) => k.selectFrom('counties').select('county_id').orderBy('county_id').execute())).map((r) => r.county_id);
}

/** Takes and writes a signed checkpoint of every county, at `now`; returns the files. */
export async function checkpointAll(db: Db, config: Pick<Config, 'auditKeyFile' | 'checkpointDir'>, now: Date): Promise<string[]> {
  const key = loadSigningKey(config.auditKeyFile);
  const files: string[] = [];
  for (const county of await counties(db)) files.push(writeCheckpoint(config.checkpointDir, await db.run(county, (k) => makeCheckpoint(k, county, now, key))));
  return files;
}
