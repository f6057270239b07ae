import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { AppError } from '../errors';
import { COPY_EVENT } from '../../engine/index';

/** How many people one case may be copied to, and one person may copy in 24 hours (COPY_MAX_PER_CASE, COPY_MAX_PER_DAY). */
export interface CopyLimits {
  perCase: number;
  perDay: number;
}

/** The people a 抄送 event told: its recorded `to` (events before it was recorded count as one). */
const peopleIn = (body: string): number => {
  const to = (JSON.parse(body) as { data?: { to?: unknown } }).data?.to;
  return Array.isArray(to) ? to.length : 1;
};

const DAY_MS = 86_400_000;

/**
 * Refuses (429 CF_COPY_LIMIT, naming 「抄送给」) a 抄送 of `count` people that would take the case
 * past `perCase` people copied, or the actor past `perDay` in the last 24 hours. Counted from
 * the case's log: two 抄送 at the same instant may both pass, by one request.
 */
export async function checkCopyLimits(k: Kysely<Database>, county: string, caseId: string, actorId: string, count: number, now: Date, limits: CopyLimits): Promise<void> {
  const onCase = await k.selectFrom('case_events').select('body').where('county_id', '=', county).where('case_id', '=', caseId).where('type', '=', COPY_EVENT).execute();
  const caseTotal = onCase.reduce((n, e) => n + peopleIn(e.body), 0);
  if (caseTotal + count > limits.perCase) {
    throw new AppError('CF_COPY_LIMIT', undefined, [{ path: '/to', field: '抄送给', message: `「抄送给」这个案件已抄送 ${caseTotal} 人，每个案件最多抄送 ${limits.perCase} 人` }]);
  }
  const byActor = await k.selectFrom('case_events').select('body').where('county_id', '=', county).where('actor_id', '=', actorId).where('type', '=', COPY_EVENT)
    .where('at', '>=', new Date(now.getTime() - DAY_MS)).execute();
  const dayTotal = byActor.reduce((n, e) => n + peopleIn(e.body), 0);
  if (dayTotal + count > limits.perDay) {
    throw new AppError('CF_COPY_LIMIT', undefined, [{ path: '/to', field: '抄送给', message: `「抄送给」您 24 小时内已抄送 ${dayTotal} 人，每人每天最多抄送 ${limits.perDay} 人` }]);
  }
}
