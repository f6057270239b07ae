import type { Kysely } from 'kysely';
import { contentHash } from '../../engine/index';
import type { Definition, Variation } from '../../engine/index';
import { CHAIN_LANES, GENESIS } from '../audit/chainLink';
import type { Database } from '../db/schema';
import { AppError } from '../errors';

/** A county's code: the 6-digit administrative division code (e.g. 532326 for 大姚县). */
export const COUNTY_CODE = /^\d{6}$/;

/**
 * Creates a county in the caller's transaction: its row, its hash chain, the root of its org tree,
 * and its processes published as version 1 (`publishedBy` names who, e.g. the seed or the CLI).
 * Refuses a malformed code or one already in the database.
 */
export async function createCounty(k: Kysely<Database>, county: { code: string; name: string }, processes: { definition: Definition; source: Variation | null }[], publishedBy: { id: string; note: string }, now: Date): Promise<void> {
  const { code, name } = county;
  if (!COUNTY_CODE.test(code)) throw new AppError('CF_VALIDATION', `县代码须为 6 位数字（如 532326），而不是「${code}」`, [{ path: '/code', field: '县代码', message: '「县代码」须为 6 位数字' }]);
  if (!name.trim() || name.length > 30) throw new AppError('CF_VALIDATION', '县名须为 1 到 30 个字', [{ path: '/name', field: '县名', message: '「县名」须为 1 到 30 个字' }]);
  const exists = await k.selectFrom('counties').select('name').where('county_id', '=', code).executeTakeFirst();
  if (exists) throw new AppError('CF_VALIDATION', `县代码 ${code} 已有（${exists.name}）`, [{ path: '/code', field: '县代码', message: `「县代码」${code} 已有` }]);
  await k.insertInto('counties').values({ county_id: code, name }).execute();
  await k.insertInto('county_chain').values(Array.from({ length: CHAIN_LANES }, (_, lane) => ({ county_id: code, lane, seq: 0, head: GENESIS, prev_head: GENESIS }))).execute();
  await k.insertInto('org_units').values({ county_id: code, id: code, parent_id: null, level: 'county', name, path: code, sort: 0 }).execute();
  for (const { definition: def, source } of processes) {
    await k.insertInto('definition_versions').values({
      county_id: code, process_id: def.id, version: 1, body: JSON.stringify(def), source: source && JSON.stringify(source), hash: contentHash(def),
      note: publishedBy.note, published_at: now, published_by: publishedBy.id,
    }).execute();
  }
}
