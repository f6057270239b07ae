import { sql } from 'kysely';
import { pathKey, RECALENDAR_EVENT, refreshedDeadlines } from '../../engine/index';
import { sendEvent } from '../cases/sendEvent';
import type { Db } from '../db/open';
import { loadProcess } from '../processes';
import type { UserActor } from '../rights';
import { snapshotOf } from '../cases/caseView';

/** True when a state key (leaves as dotted paths, comma-joined) has the state at `path` active. */
const holds = (key: string, path: string) => key.split(',').some((leaf) => leaf === path || leaf.startsWith(`${path}.`));

/**
 * After a county loads calendar days: every running case whose deadlines were approximate gets them
 * worked out again from when each step was entered, as a step of its own (期限重算, in the audit chain),
 * and the mark is cleared where the calendar now covers the deadline, at `now`. Returns how many cases changed.
 */
export async function recalendarCases(db: Db, actor: UserActor, now: Date): Promise<number> {
  const county = actor.county;
  // Only the cases with an approximate deadline are read (not every running case's snapshot).
  const cases = await db.run(county, (k) => k.selectFrom('cases').select(['id', 'process_id', 'process_version', 'snapshot']).where('county_id', '=', county)
    .where('status', '=', 'active').where('due_at', 'is not', null).where(sql<boolean>`snapshot->'context'->'dueApprox' <> '{}'::jsonb`).execute());
  let changed = 0;
  for (const c of cases) {
    const snapshot = snapshotOf(c);
    if (!Object.keys(snapshot.context.dueApprox ?? {}).length) continue;
    const data = await db.run(county, async (k) => {
      const process = await loadProcess(k, county, c.process_id, c.process_version);
      if (!process) return null;
      const events = await k.selectFrom('case_events').select(['at', 'from_state', 'to_state']).where('county_id', '=', county).where('case_id', '=', c.id).orderBy('rev').execute();
      // When each approximate step was last entered: the latest event that brought the case into it.
      const enteredAt: Record<string, number> = {};
      for (const state of Object.keys(snapshot.context.dueApprox ?? {})) {
        const path = process.compiled.states.get(state)?.path;
        if (!path) continue;
        const key = pathKey(path);
        const entry = events.findLast((e) => holds(e.to_state, key) && !holds(e.from_state, key));
        if (entry) enteredAt[state] = new Date(entry.at).getTime();
      }
      return refreshedDeadlines(process.compiled, snapshot, enteredAt);
    });
    if (!data) continue;
    await sendEvent(db, actor, c.id, { type: RECALENDAR_EVENT, data, comment: '节假日安排已公布，按新日历重算期限' }, { now, vouched: true });
    changed++;
  }
  return changed;
}
