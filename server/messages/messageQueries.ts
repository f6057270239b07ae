import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';

/** A person's messages, newest first (only the unread with `unread`, at most `limit`), and how many are unread. */
export async function messagesOf(k: Kysely<Database>, county: string, userId: string, options: { unread?: boolean; limit: number }) {
  let list = k.selectFrom('messages').selectAll().where('county_id', '=', county).where('user_id', '=', userId);
  if (options.unread) list = list.where('read_at', 'is', null);
  const [rows, unread] = await Promise.all([
    list.orderBy('id', 'desc').limit(options.limit).execute(),
    unreadCount(k, county, userId),
  ]);
  return { rows, unread };
}

/** How many of a person's messages are unread. */
export async function unreadCount(k: Kysely<Database>, county: string, userId: string): Promise<number> {
  const count = await k.selectFrom('messages').select(sql<number>`count(*)::int`.as('n')).where('county_id', '=', county).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
  return Number(count.n);
}

/** Marks a person's unread messages read at `now`: those with these ids, or all of them (`ids` undefined). */
export async function markRead(k: Kysely<Database>, county: string, userId: string, now: Date, ids?: number[]): Promise<void> {
  let u = k.updateTable('messages').set({ read_at: now }).where('county_id', '=', county).where('user_id', '=', userId).where('read_at', 'is', null);
  if (ids) u = u.where('id', 'in', ids);
  await u.execute();
}
