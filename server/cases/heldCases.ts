import type { Kysely } from 'kysely';
import { ADMIN_LOG } from '../admin/adminLog';
import type { Database } from '../db/schema';

/** The county's running cases waiting on `userId` as an added approver (加签), least lately changed first (at most `limit`). */
export function casesAddedTo(k: Kysely<Database>, county: string, userId: string, limit?: number) {
  let q = k.selectFrom('cases').select(['id', 'title', 'masked_title', 'org_path', 'process_id']).where('county_id', '=', county).where('status', '=', 'active')
    .where((eb) => eb(eb.val(userId), '=', eb.fn.any('added_to'))).orderBy('updated_at');
  if (limit !== undefined) q = q.limit(limit);
  return q.execute();
}

/** The ids of the county's running cases whose step `userId` has claimed (or been handed). */
export function casesClaimedBy(k: Kysely<Database>, county: string, userId: string) {
  return k.selectFrom('cases').select('id').where('county_id', '=', county).where('status', '=', 'active')
    .where('id', '<>', ADMIN_LOG).where((eb) => eb(eb.val(userId), '=', eb.fn.any('claimed_by'))).execute();
}
