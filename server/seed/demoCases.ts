import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { idCheckDigit } from '../../engine/index';
import type { Level } from '../../engine/index';
import { systemActor } from '../cases/acceptedStep';
import { sendEvent } from '../cases/sendEvent';
import { startCaseService } from '../cases/startCaseService';
import type { Db } from '../db/open';
import { definitionsRoot } from '../definitionFiles';
import { AppError } from '../errors';
import type { UserActor } from '../rights';
import { fireDueTimers } from '../timers/fireDueTimers';

/** One line of a county's demo.json: how many cases of a process, where, and what varies. */
interface DemoEntry {
  process: string;
  unit: string;
  count: number;
  site?: string;
  project?: string;
  roster?: { households: number; people: number; amount: number };
  vary?: Record<string, string[]>;
  /** Values for the script's placeholders that this county words its own way. */
  vars?: Record<string, unknown>;
  /** Play every step (and confirm every spawned child), instead of cycling depths for variety. */
  playAll?: boolean;
}
interface Script {
  /** `holder`: which of the role's holders at the unit acts (1, 2, … by username; the first when absent), so several approvers of a 会签 each vote. */
  steps: { as: string; holder?: number; type: string; data?: unknown }[];
}

const DAY = 86_400_000;
const read = <T>(...parts: string[]) => JSON.parse(readFileSync(join(definitionsRoot, ...parts), 'utf8')) as T;
const SKIPPABLE = new Set(['CF_NOT_ALLOWED_IN_STATE', 'CF_FORBIDDEN', 'CF_UNKNOWN_EVENT', 'CF_CONDITION_NOT_MET']);

/** A valid 18-digit resident ID for a region code, birth date and sequence. */
export function demoIdNumber(region: string, birth: string, seq: number): string {
  const body = `${region}${birth}${String(seq % 1000).padStart(3, '0')}`;
  return body + idCheckDigit(body);
}

/** Replaces {{placeholders}}: a whole-string placeholder keeps the value's type. */
function fill(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(value);
    if (whole) return vars[whole[1]!];
    return value.replace(/\{\{(\w+)\}\}/g, (_, k: string) => String(vars[k] ?? ''));
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, vars));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, vars)]));
  return value;
}

/** Picks, for a role, a user whose grant covers the unit: the first, or the nth (counted from 1, by username). */
type ActorFinder = (role: string, nth?: number) => UserActor | undefined;

/** The county's users as actors, and a finder for a role at a unit. */
async function actorsAt(db: Db, county: string, unitId: string): Promise<ActorFinder> {
  const all = await allActors(db, county);
  const unit = await db.run(county, (k) => k.selectFrom('org_units').select('path').where('county_id', '=', county).where('id', '=', unitId).executeTakeFirstOrThrow());
  const covers = (p: readonly string[]) => unit.path === p.join('/') || unit.path.startsWith(`${p.join('/')}/`);
  return (role, nth = 1) => all.filter((a) => a.grants.some((g) => g.role === role && covers(g.unitPath)))[nth - 1];
}

/** Every user of the county as an actor with all their grants. */
async function allActors(db: Db, county: string): Promise<UserActor[]> {
  const rows = await db.run(county, (k) => k.selectFrom('users as u')
    .innerJoin('grants as g', (j) => j.onRef('g.county_id', '=', 'u.county_id').onRef('g.user_id', '=', 'u.id'))
    .innerJoin('org_units as o', (j) => j.onRef('o.county_id', '=', 'g.county_id').onRef('o.id', '=', 'g.unit_id'))
    .select(['u.id', 'u.username', 'u.display_name', 'g.role', 'o.path', 'o.level']).where('u.county_id', '=', county).orderBy('u.username').execute());
  const ids = [...new Set(rows.map((r) => r.id))];
  return ids.map((id) => {
    const mine = rows.filter((r) => r.id === id);
    return { county, id, username: mine[0]!.username, name: mine[0]!.display_name, grants: mine.map((g) => ({ role: g.role, unitPath: g.path.split('/'), level: g.level as Level })) };
  });
}

/**
 * Seeds a county's demo cases by playing scripted steps through the same services the API
 * uses, on a simulated timeline (a day or two between steps, timers fired when due) from 60 days
 * before `until`, so the demo holds cases in every state, some overdue, all in the hash-chained log.
 */
export async function seedDemoCases(db: Db, county: string, until: Date, progress: (line: string) => void = () => undefined): Promise<number> {
  let entries: DemoEntry[];
  try {
    entries = read<{ cases: DemoEntry[] }>('counties', county, 'demo.json').cases;
  } catch {
    return 0;
  }
  const names = read<{ surnames: string[]; given: string[] }>('demo', 'names.json');
  let total = entries.reduce((a, e) => a + e.count, 0);
  let made = 0;
  const start = until.getTime() - 60 * DAY;
  for (const entry of entries) {
    const script = read<Script>('demo', `${entry.process}.json`);
    const actorFor = await actorsAt(db, county, entry.unit);
    for (let i = 0; i < entry.count; i++) {
      const seq = made;
      let now = start + seq * 60_000;
      const nameOf = (n: number) => `${names.surnames[n % names.surnames.length]}${names.given[(n * 7) % names.given.length]}`;
      const vars: Record<string, unknown> = {
        name: nameOf(seq), name2: nameOf(seq + 11), n: String(seq + 1).padStart(4, '0'), year: 2026,
        idNumber: demoIdNumber(county, `19${60 + (seq % 30)}0${1 + (seq % 9)}1${seq % 9}`, seq),
        idNumber2: demoIdNumber(county, `19${62 + (seq % 30)}0${1 + ((seq + 3) % 9)}2${seq % 8}`, seq + 500),
        phone: `139${String(10_000_000 + seq * 7919).slice(-8)}`, site: entry.site ?? '安置点', building: String(1 + (seq % 6)), room: String(101 + (seq % 30)),
        project: entry.project ?? '集体经济收益', amount: entry.roster?.amount ?? 0,
        roster: entry.roster ? roster(entry.roster, county, nameOf) : [],
        measure: '扶贫车间带贫',
        ...entry.vars,
      };
      const depth = entry.playAll ? script.steps.length : i % (script.steps.length + 1);
      const starter = actorFor(script.steps[0]!.as);
      if (!starter) {
        total -= entry.count;
        progress(`跳过 ${entry.count} 个「${entry.process}」演示案件：单位 ${entry.unit} 没有「${script.steps[0]!.as}」角色的用户`);
        break;
      }
      const created = (await startCaseService(db, starter, { processId: entry.process, orgUnitId: entry.unit }, new Date(now))).case;
      for (let s = 0; s < depth; s++) {
        const step = script.steps[s]!;
        now += DAY * (1 + (seq % 2));
        vars.date = new Date(now).toISOString().slice(0, 10);
        if (step.as === 'system' && step.type.startsWith('timer:')) {
          const name = step.type.slice(6);
          const timer = await db.run(county, (k) => k.selectFrom('timers').selectAll().where('county_id', '=', county).where('case_id', '=', created.id).where('timer_id', 'like', `%.${name}.%`).executeTakeFirst());
          if (!timer) continue;
          now = new Date(timer.due_at).getTime();
          await sendEvent(db, systemActor(county), created.id, { type: timer.event_type }, { now: new Date(now), firedTimer: timer.timer_id });
          continue;
        }
        const actor = actorFor(step.as, step.holder);
        if (!actor) continue;
        let data = fill(step.data, vars);
        if (s === 0 && entry.vary && data && typeof data === 'object') {
          data = { ...(data as object), ...Object.fromEntries(Object.entries(entry.vary).map(([k, list]) => [k, list[seq % list.length]])) };
        }
        try {
          await sendEvent(db, actor, created.id, data === undefined ? { type: step.type } : { type: step.type, data }, { now: new Date(now) });
        } catch (e) {
          if (!(e instanceof AppError && SKIPPABLE.has(e.code))) throw e;
        }
      }
      if (entry.playAll) await confirmChildren(db, county, created.id, actorFor, now);
      made++;
      if (made % 50 === 0 || made === total) progress(`${made}/${total}`);
    }
  }
  await fireDueTimers(db, until, 1000);
  return made;
}

/** Builds a dividend roster: households with people spread as evenly as possible, shares = people. */
function roster(r: { households: number; people: number }, county: string, nameOf: (n: number) => string) {
  return Array.from({ length: r.households }, (_, i) => {
    const people = Math.floor(r.people / r.households) + (i < r.people % r.households ? 1 : 0);
    return { name: nameOf(1000 + i), idNumber: demoIdNumber(county, `19${55 + (i % 40)}0${1 + (i % 9)}0${1 + (i % 9)}`, 700 + i), people, shares: people };
  });
}

/** Every household of a dividend signs for its money (the receipts roll up to the distribution). */
async function confirmChildren(db: Db, county: string, parentId: string, actorFor: ActorFinder, now: number) {
  const cadre = actorFor('village_cadre');
  if (!cadre) return;
  const children = await db.run(county, (k) => k.selectFrom('cases').select('id').where('county_id', '=', county).where('parent_id', '=', parentId).execute());
  for (const c of children) {
    await sendEvent(db, cadre, c.id, { type: 'CONFIRM', data: { received: true, signedOn: new Date(now).toISOString().slice(0, 10) } }, { now: new Date(now) });
  }
}
