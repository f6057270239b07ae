import type { Db } from '../db/open';
import { AppError } from '../errors';
import { loadProcess } from '../processes';
import { canSee, type UserActor } from '../rights';
import { logAuthFailure } from './authFailures';
import { keepCase } from './caseCache';

/** Loads a case the actor may see (always from the database), or 404 (also for another county's or another township's ids). */
export async function visibleCase(db: Db, actor: UserActor, id: string, now: Date) {
  return db.run(actor.county, async (k) => {
    const row = await k.selectFrom('cases').selectAll().where('county_id', '=', actor.county).where('id', '=', id).executeTakeFirst();
    if (!row || !canSee(actor, row.org_path)) {
      if (row) await logAuthFailure(k, actor, 'view-case', id, now);
      throw new AppError('CF_NOT_FOUND');
    }
    const process = await loadProcess(k, actor.county, row.process_id, row.process_version);
    if (!process) throw new AppError('CF_CASE_CORRUPT');
    // Opened to act on, most often: the step that follows need not read it again.
    keepCase(db, row);
    return { row, process };
  });
}
