import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** A county's push channels, oldest first. */
export function listChannels(k: Kysely<Database>, county: string) {
  return k.selectFrom('channels').selectAll().where('county_id', '=', county).orderBy('created_at').execute();
}

/** What a new channel records (kinds: the message kinds it is sent, comma-joined). */
export interface NewChannel { id: string; kind: string; name: string; url: string; secret: string | null; processId: string | null; kinds: string; createdBy: string; createdAt: Date }

/** Adds a push channel. */
export async function insertChannel(k: Kysely<Database>, county: string, c: NewChannel): Promise<void> {
  await k.insertInto('channels').values({
    county_id: county, id: c.id, kind: c.kind, name: c.name, url: c.url, secret: c.secret, process_id: c.processId, kinds: c.kinds, created_by: c.createdBy, created_at: c.createdAt,
  }).execute();
}

/** Deletes a push channel (numDeletedRows: 0 when there was none). */
export function deleteChannel(k: Kysely<Database>, county: string, id: string) {
  return k.deleteFrom('channels').where('county_id', '=', county).where('id', '=', id).executeTakeFirst();
}

/** A channel's last 100 delivery attempts, newest first. */
export function channelDeliveries(k: Kysely<Database>, county: string, channelId: string) {
  return k.selectFrom('deliveries').selectAll().where('county_id', '=', county).where('channel_id', '=', channelId).orderBy('id', 'desc').limit(100).execute();
}
