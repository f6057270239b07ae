import type { Kysely } from 'kysely';
import { compile, type CompiledProcess } from '../engine/index';
import type { Definition } from '../engine/index';
import { calendarIn, countyCalendarYears } from './calendar/countyCalendar';
import type { Database } from './db/schema';

/** A published, immutable definition version, compiled. */
export interface PublishedProcess {
  processId: string;
  version: number;
  compiled: CompiledProcess;
}

const cache = new Map<string, PublishedProcess>();

/** The published version of a county's process (the latest, or the one asked for), compiled once per county calendar. */
export async function loadProcess(db: Kysely<Database>, county: string, processId: string, version?: number): Promise<PublishedProcess | null> {
  const calendar = await countyCalendarYears(db, county);
  if (version !== undefined) {
    const hit = cache.get(`${county}/${processId}/${version}/${calendar.rev}`);
    if (hit) return hit;
  }
  let q = db.selectFrom('definition_versions').select(['version', 'body']).where('county_id', '=', county).where('process_id', '=', processId);
  q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
  const row = await q.executeTakeFirst();
  if (!row) return null;
  const key = `${county}/${processId}/${row.version}/${calendar.rev}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const def = row.body as Definition;
  const published = { processId, version: row.version, compiled: compile(def, calendarIn(def, calendar.years)) };
  cache.set(key, published);
  return published;
}
