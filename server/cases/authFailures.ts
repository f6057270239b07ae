import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { UserActor } from '../rights';

/** Records a refused attempt (another unit's case, a role the user lacks) for the county's audit. */
export async function logAuthFailure(db: Kysely<Database>, actor: UserActor, action: string, target: string, at: Date): Promise<void> {
  await db.insertInto('auth_failures').values({ county_id: actor.county, user_id: actor.id, action, target, at }).execute();
}
