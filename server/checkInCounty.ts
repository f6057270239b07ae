import type { Kysely } from 'kysely';
import { checkDefinition, type CheckOptions, checkSource, type CheckReport, isVariation } from '../engine/index';
import type { Database } from './db/schema';
import { definitionsRoot, templateFinder } from './definitionFiles';

/** What the checker may know of a county at `now`: its processes (published or drafted) and the roles its users hold. */
export async function countyContext(k: Kysely<Database>, county: string, now: Date): Promise<CheckOptions> {
  const [versions, drafts, grants] = await Promise.all([
    k.selectFrom('definition_versions').select('process_id').distinct().where('county_id', '=', county).execute(),
    k.selectFrom('definition_drafts').select('process_id').where('county_id', '=', county).execute(),
    k.selectFrom('grants').select('role').distinct().where('county_id', '=', county).execute(),
  ]);
  const processes = new Set([...versions, ...drafts].map((r) => r.process_id));
  const held = new Set(grants.map((g) => g.role));
  return { findTemplate: templateFinder(definitionsRoot), processExists: (id) => processes.has(id), roleHeld: (role) => held.has(role), now: now.getTime() };
}

/** Checks a body in a county: a whole definition, or a county variation of a shared template. */
export function checkInCounty(body: unknown, context: CheckOptions): CheckReport {
  return isVariation(body) ? checkSource(JSON.stringify(body), context) : checkDefinition(body, context);
}
