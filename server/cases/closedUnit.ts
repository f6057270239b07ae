import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/schema';
import { AppError } from '../errors';

/** Refuses a new case at a unit that is closed, or under a closed unit (its running cases stay workable). */
export async function refuseClosedUnit(k: Kysely<Database>, county: string, unitPath: string): Promise<void> {
  const closed = await k.selectFrom('org_units').select('name').where('county_id', '=', county).where('closed_at', 'is not', null)
    .where(sql<boolean>`(${unitPath} = path OR ${unitPath} LIKE path || '/%')`).executeTakeFirst();
  if (closed) throw new AppError('CF_UNIT_CLOSED', `「${closed.name}」已停用，不能在此发起新案件（已有案件照常办理）`, [{ path: '/orgUnitId', field: '组织单位', message: `「${closed.name}」已停用` }]);
}
