import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { UserActor } from '../rights';

/** Records a refused attempt (another unit's case, a role the user lacks) for the county's audit. */
export async function logAuthFailure(db: Kysely<Database>, actor: UserActor, action: string, target: string, at: Date): Promise<void> {
  await recordAuthFailure(db, actor.county, actor.id, action, target, at);
}

/** Records a refused attempt for the county's audit, by whom when known (a refused single sign-on may match nobody). */
export async function recordAuthFailure(db: Kysely<Database>, county: string, userId: string | null, action: string, target: string, at: Date): Promise<void> {
  await db.insertInto('auth_failures').values({ county_id: county, user_id: userId, action, target, at }).execute();
}
