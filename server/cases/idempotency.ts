/** Idempotency-Key: a retried request (a phone that lost the answer) gets the first answer again, never a second step. */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { AppError } from '../errors';
import type { UserActor } from '../rights';
import type { CaseView } from './caseView';
import { canonicalJson } from '../../engine/index';

/** The answer stored for a key: replayed to a retry with the same request. */
export interface Replayed {
  status: number;
  case: CaseView;
  replayed: true;
}

/** What a request asks, hashed: the same key with another request is refused. */
export const requestHash = (request: unknown) => createHash('sha256').update(canonicalJson(request)).digest('hex');

/** The earlier answer to this key, or null; 422 when the key came with another request. */
export async function replay(k: Kysely<Database>, actor: UserActor, key: string, hash: string): Promise<Replayed | null> {
  const row = await k.selectFrom('idempotency').select(['request_hash', 'status', 'response'])
    .where('county_id', '=', actor.county).where('user_id', '=', actor.id).where('key', '=', key).executeTakeFirst();
  if (!row) return null;
  if (row.request_hash !== hash) throw new AppError('CF_IDEMPOTENCY_MISMATCH');
  return { status: row.status, case: JSON.parse(row.response) as CaseView, replayed: true };
}

/** A unique violation: another request with the same key (or uniqueness key) was written first. */
export const isUniqueViolation = (e: unknown) => (e as { code?: string }).code === '23505';
