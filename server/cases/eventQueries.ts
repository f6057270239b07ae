import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** A case's event log (its 办理记录), in order. */
export function caseEvents(k: Kysely<Database>, county: string, caseId: string) {
  return k.selectFrom('case_events').select(['rev', 'at', 'actor_id', 'actor_name', 'type', 'from_state', 'to_state', 'body'])
    .where('county_id', '=', county).where('case_id', '=', caseId).orderBy('rev').execute();
}

/**
 * True once anyone but the starter (or a timer) has decided on the case. Only the process's own
 * events are decisions; the built-in hand-overs (认领, 转办, 加签, 抄送: `cf.*`) are not.
 */
export async function othersActed(k: Kysely<Database>, county: string, caseId: string, starter: string): Promise<boolean> {
  return Boolean(await k.selectFrom('case_events').select('rev')
    .where('county_id', '=', county).where('case_id', '=', caseId).where('actor_id', 'not in', [starter, 'system']).where('type', 'not like', 'cf.%').executeTakeFirst());
}
