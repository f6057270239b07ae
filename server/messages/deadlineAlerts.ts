/**
 * Deadlines that people hear of: a reminder to those who must act when a step is due soon,
 * and when it is overdue, the same to them and to the reviewers and supervisors above the
 * case's unit (escalation). Each reminder is sent once per deadline (case_alerts).
 */
import { sql } from 'kysely';
import { countersignsNow, currentSteps } from '../../engine/index';
import type { Db } from '../db/open';
import { loadProcess } from '../processes';
import { departmentHolders, holdersOf } from '../cases/casePeople';
import { type MessageKind, writeMessages } from './stepMessages';
import { snapshotOf } from '../cases/caseView';
import { shownTitle } from '../cases/personalView';

/** How long before a deadline the reminder goes, unless configured (DUE_SOON_HOURS, config.ts). */
export const DUE_SOON_MS = 24 * 3_600_000;

const fmt = (d: Date) => d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

/** Sends the reminders now due (at most `limit` cases a round); returns how many cases had one. */
export async function alertDeadlines(db: Db, now: Date, dueSoonMs = DUE_SOON_MS, limit = 100): Promise<number> {
  const soon = new Date(now.getTime() + dueSoonMs);
  const due = await db.run('*', (k) => sql<{ county_id: string; id: string; process_id: string; process_version: number; org_path: string; title: string; masked_title: string | null; due_at: Date; snapshot: unknown; kind: MessageKind }>`
    SELECT c.county_id, c.id, c.process_id, c.process_version, c.org_path, c.title, c.masked_title, c.due_at, c.snapshot,
      CASE WHEN c.due_at <= ${now} THEN 'overdue' ELSE 'due_soon' END AS kind
    FROM cases c
    WHERE c.status = 'active' AND c.due_at IS NOT NULL AND c.due_at <= ${soon}
      AND NOT EXISTS (SELECT 1 FROM case_alerts a WHERE a.county_id = c.county_id AND a.case_id = c.id AND a.due_at = c.due_at
        AND a.kind = CASE WHEN c.due_at <= ${now} THEN 'overdue' ELSE 'due_soon' END)
    ORDER BY c.due_at LIMIT ${limit}`.execute(k));
  for (const c of due.rows) {
    await db.run(c.county_id, async (k) => {
      // Claimed first: two server processes never send the same reminder.
      const claimed = await k.insertInto('case_alerts').values({ county_id: c.county_id, case_id: c.id, due_at: c.due_at, kind: c.kind, sent_at: now })
        .onConflict((oc) => oc.doNothing()).returning('case_id').executeTakeFirst();
      if (!claimed) return;
      const p = await loadProcess(k, c.county_id, c.process_id, c.process_version);
      if (!p) return;
      const def = p.compiled.definition;
      const snapshot = snapshotOf(c);
      const steps = currentSteps(p.compiled, snapshot);
      const assignees = [...new Set(steps.flatMap((s) => (s.assignee ? [s.assignee] : [])))];
      const units = c.org_path.split('/');
      const stepLabel = steps.map((s) => s.label).join('、');
      const overdue = c.kind === 'overdue';
      const title = shownTitle(c);
      // At a countersign: the people of the departments whose turn it is, who have not signed yet.
      const signing = countersignsNow(p.compiled, snapshot);
      const people = signing.length ? await departmentHolders(k, c.county_id, p.compiled, snapshot, c.org_path) : undefined;
      const awaited = signing.flatMap((s) => s.due.flatMap((d) => (people?.[d.role] ?? []).filter((id) => !(s.state.signed[d.role] ?? []).includes(id))));
      const actors = [...new Set([...(await holdersOf(k, c.county_id, assignees, units)), ...awaited])];
      const holding = [...steps.map((s) => def.roles[s.assignee ?? '']?.label), ...signing.flatMap((s) => s.due.map((d) => d.label))].filter(Boolean).join('、');
      const rows = actors.map((user) => ({ user_id: user, kind: c.kind, title: `${overdue ? '已超期' : '即将到期'}：${title}`, body: `${def.title} · ${stepLabel} · 期限 ${fmt(new Date(c.due_at))}` }));
      if (overdue) {
        // The reviewers and supervisors above the case's unit hear of it too, and who holds it.
        const above = Object.entries(def.roles).filter(([, r]) => r.kind === 'reviewer' || r.kind === 'supervisor').map(([id]) => id);
        for (const user of await holdersOf(k, c.county_id, above, units.slice(0, -1))) {
          if (actors.includes(user)) continue;
          rows.push({ user_id: user, kind: 'overdue', title: `超期提醒：${title}`, body: `${def.title} · ${stepLabel}（${holding || '办理人'}）· 期限 ${fmt(new Date(c.due_at))}` });
        }
      }
      await writeMessages(k, { county: c.county_id, processId: c.process_id, caseId: c.id, now }, rows);
    });
  }
  return due.rows.length;
}
