import type { Kysely } from 'kysely';
import { calendarOf, type CalendarYear, defaultCalendar, layerCalendar } from '../../engine/index';
import type { Calendar, Definition } from '../../engine/index';
import type { Database } from '../db/schema';

/** How long a server trusts what it read of a county's calendar before looking again: another server's load reaches it this fast. */
const REFRESH_MS = 2000;
const kept = new Map<string, { rev: string; years: CalendarYear[]; readAt: number }>();

/** The years a county has loaded (national and its own), and a revision that changes whenever they do. */
export async function countyCalendarYears(k: Kysely<Database>, county: string): Promise<{ rev: string; years: CalendarYear[] }> {
  // How old a read is: a duration (the machine's, which no clock moves), not the time of day.
  const now = performance.now();
  const hit = kept.get(county);
  if (hit && now - hit.readAt < REFRESH_MS) return hit;
  const rows = await k.selectFrom('calendar_years').select(['year', 'layer', 'holidays', 'workdays', 'loaded_at']).where('county_id', '=', county).orderBy('year').orderBy('layer').execute();
  const years = rows.map((r) => ({ year: r.year, layer: r.layer as CalendarYear['layer'], holidays: r.holidays as string[], workdays: r.workdays as string[] }));
  const rev = rows.map((r) => `${r.year}${r.layer}${new Date(r.loaded_at).getTime()}`).join('|');
  const fresh = { rev, years, readAt: now };
  kept.set(county, fresh);
  return fresh;
}

/** Forgets what this server read of a county's calendar (it has just loaded a year). */
export const forgetCountyCalendar = (county: string) => kept.delete(county);

/** The calendar a definition runs on in a county: the one it names, with the county's loaded years laid over it. */
export function calendarIn(def: Pick<Definition, 'calendar'>, years: readonly CalendarYear[]): Calendar {
  return layerCalendar(calendarOf(def) ?? defaultCalendar, years);
}
