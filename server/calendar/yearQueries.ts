import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** The years of days a county has loaded, by year and layer, with who loaded each and when. */
export function loadedYears(k: Kysely<Database>, county: string) {
  return k.selectFrom('calendar_years').select(['year', 'layer', 'holidays', 'workdays', 'loaded_at', 'loaded_by']).where('county_id', '=', county).orderBy('year').orderBy('layer').execute();
}

/** The days a county has loaded for one year and layer, or undefined. */
export function loadedYear(k: Kysely<Database>, county: string, year: number, layer: 'national' | 'local') {
  return k.selectFrom('calendar_years').select(['holidays', 'workdays']).where('county_id', '=', county).where('year', '=', year).where('layer', '=', layer).executeTakeFirst();
}

/** Loads a year's days for a layer (sorted), replacing what was loaded for it, by `loadedBy` at `now`. */
export async function saveYear(k: Kysely<Database>, county: string, year: { year: number; layer: 'national' | 'local'; holidays: string[]; workdays: string[]; loadedBy: string; now: Date }): Promise<void> {
  const { layer, holidays, workdays, loadedBy, now } = year;
  await k.insertInto('calendar_years').values({ county_id: county, year: year.year, layer, holidays: JSON.stringify(holidays), workdays: JSON.stringify(workdays), loaded_at: now, loaded_by: loadedBy })
    .onConflict((oc) => oc.columns(['county_id', 'year', 'layer']).doUpdateSet({ holidays: JSON.stringify(holidays), workdays: JSON.stringify(workdays), loaded_at: now, loaded_by: loadedBy })).execute();
}
