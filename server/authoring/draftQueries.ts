import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** A process's draft: its body, when it was last saved and how many saves it has had; undefined when there is none. */
export function readDraft(k: Kysely<Database>, county: string, processId: string) {
  return k.selectFrom('definition_drafts').select(['body', 'updated_at', 'rev']).where('county_id', '=', county).where('process_id', '=', processId).executeTakeFirst();
}

/** How many saves a draft has had (0: none), its row locked until the unit of work ends. */
export async function lockedDraftRev(k: Kysely<Database>, county: string, processId: string): Promise<number> {
  const current = await k.selectFrom('definition_drafts').select('rev').where('county_id', '=', county).where('process_id', '=', processId).forUpdate().executeTakeFirst();
  return current?.rev ?? 0;
}

/** Saves a draft's body as save number `rev`, by `userId` at `now`: made, or replacing the one there. */
export async function saveDraft(k: Kysely<Database>, county: string, processId: string, draft: { body: string; userId: string; now: Date; rev: number }): Promise<void> {
  const values = { body: draft.body, updated_at: draft.now, updated_by: draft.userId, rev: draft.rev };
  await k.insertInto('definition_drafts').values({ county_id: county, process_id: processId, ...values })
    .onConflict((oc) => oc.columns(['county_id', 'process_id']).doUpdateSet(values)).execute();
}

/** Deletes a process's draft (numDeletedRows: 0 when there was none). */
export function deleteDraft(k: Kysely<Database>, county: string, processId: string) {
  return k.deleteFrom('definition_drafts').where('county_id', '=', county).where('process_id', '=', processId).executeTakeFirst();
}
