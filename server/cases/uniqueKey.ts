import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { AppError } from '../errors';

/**
 * 409 naming the case of the process that already holds this uniqueness key (one case per
 * household per year, say); `doing` says what was refused (发起 a start, 办理 a step).
 */
export async function refuseDuplicate(k: Kysely<Database>, county: string, processId: string, key: string, doing: '发起' | '办理', exceptCaseId?: string): Promise<void> {
  let q = k.selectFrom('cases').select(['id', 'title']).where('county_id', '=', county).where('process_id', '=', processId).where('unique_key', '=', key);
  if (exceptCaseId) q = q.where('id', '<>', exceptCaseId);
  const other = await q.executeTakeFirst();
  if (other) throw new AppError('CF_DUPLICATE_CASE', `已有相同的案件「${other.title}」，不能重复${doing}`, [{ path: '/data', field: other.title, message: `已有案件「${other.title}」（编号 ${other.id}）` }]);
}

/**
 * True when a write failed because another case took the same uniqueness key at the same
 * moment (the unique index decides races). The statement failed, so the transaction cannot
 * be asked which case it was: the caller answers with the plain CF_DUPLICATE_CASE.
 */
export const isUniqueKeyClash = (e: unknown): boolean =>
  (e as { code?: string }).code === '23505' && /cases_unique_key/.test(`${(e as { constraint?: string }).constraint ?? ''} ${(e as Error).message}`);
