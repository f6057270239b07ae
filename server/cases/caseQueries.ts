import { type Kysely, type RawBuilder, type SelectQueryBuilder, sql } from 'kysely';
import type { CaseSnapshot, CompiledProcess, StateInfo } from '../../engine/index';
import { availableEvents, countersignsNow, mayAct, pathKey, rolesInStep } from '../../engine/index';
import type { Database } from '../db/schema';
import { loadProcess } from '../processes';
import { type UserActor, underRoots, visibleRoots } from '../rights';
import { type CaseView, caseView, snapshotOf } from './caseView';
import { personalDigest } from './personalSearch';
import { shownToAll } from './personalView';

const byKey = new WeakMap<CompiledProcess, Map<string, StateInfo>>();
/** A process's states by their key in the case row ('mobilising.visiting'), made once per compiled version. */
export function statesByKey(compiled: CompiledProcess): Map<string, StateInfo> {
  let m = byKey.get(compiled);
  if (!m) byKey.set(compiled, (m = new Map([...compiled.states.values()].map((s) => [pathKey(s.path), s]))));
  return m;
}

/** Adds each case's step label, process title (from its compiled version), its unit's name and who holds it (from its snapshot, when given), for lists. */
export async function withLabels(k: Kysely<Database>, county: string, items: CaseView[], snapshots: CaseSnapshot[] = []): Promise<CaseView[]> {
  const claims = snapshots.map((s) => s.claims);
  const unitIds = [...new Set(items.map((c) => c.orgUnitId))];
  const units = unitIds.length ? await k.selectFrom('org_units').select(['id', 'name']).where('county_id', '=', county).where('id', 'in', unitIds).execute() : [];
  const unitNames = new Map(units.map((u) => [u.id, u.name]));
  const claimants = [...new Set(claims.flatMap((c) => Object.values(c ?? {})))];
  const people = claimants.length ? await k.selectFrom('users').select(['id', 'display_name']).where('county_id', '=', county).where('id', 'in', claimants).execute() : [];
  for (const [i, c] of items.entries()) {
    const unitName = unitNames.get(c.orgUnitId);
    if (unitName) c.unitName = unitName;
    const p = await loadProcess(k, county, c.processId, c.processVersion);
    if (!p) continue;
    const infos = statesByKey(p.compiled);
    c.stepLabel = c.stateKey.split(',').map((key) => infos.get(key)?.label ?? key).join('、');
    c.processTitle = p.compiled.definition.title;
    if (c.status !== 'active') continue;
    const claimant = Object.values(claims[i] ?? {})[0];
    // A step's role may be set on the state around it (思想动员 › 入户走访).
    const assigneeOf = (key: string): string | undefined => infos.get(key)?.assignee ?? (key.includes('.') ? assigneeOf(key.slice(0, key.lastIndexOf('.'))) : undefined);
    const roles = c.stateKey.split(',').map(assigneeOf).filter((r): r is string => Boolean(r));
    // At a countersign, the departments whose turn it is.
    const signing = snapshots[i] ? countersignsNow(p.compiled, snapshots[i]).flatMap((s) => s.due.map((d) => d.label)) : [];
    const holder = claimant ? people.find((u) => u.id === claimant)?.display_name : [...new Set(roles.map((r) => p.compiled.definition.roles[r]?.label ?? r)), ...signing].join('、');
    if (holder) c.holder = holder;
  }
  return items;
}

/** Filters of GET /api/cases. */
export interface CaseFilter {
  processId?: string;
  state?: string;
  orgUnitId?: string;
  overdue?: boolean;
  status?: string;
  q?: string;
  /** Started on or after / on or before these days (YYYY-MM-DD, Beijing time). */
  createdFrom?: string;
  createdTo?: string;
  /** Only the cases the user started, or acted on (已办). */
  mine?: 'started' | 'acted';
  /** Sort order: a column, descending when prefixed with '-'. */
  sort?: CaseSort;
  page?: number;
  pageSize?: number;
}

export const CASE_SORTS = ['due', '-due', 'updated', '-updated', 'title', '-title', 'created', '-created'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];
const SORT_COLUMNS = { due: 'due_at', updated: 'updated_at', title: 'title', created: 'created_at' } as const;

/** The ORDER BY of a sort (the id last, so pages never overlap); due dates without a date last either way. */
function orderOf(sort: CaseSort) {
  const desc = sort.startsWith('-');
  const column = SORT_COLUMNS[sort.replace('-', '') as keyof typeof SORT_COLUMNS];
  // Only the due date can be empty: the other columns are ordered as their indexes are (cases_recent), so a page reads a page.
  // Equal deadlines go by last activity, as cases_overdue holds them: the overdue list reads only its page.
  const dir = sql.raw(desc ? 'DESC' : 'ASC');
  if (column === 'due_at') return sql.join([sql`due_at ${dir} NULLS LAST`, sql`updated_at ${dir}`, sql`id`]);
  // A title made from personal fields is sorted as it is shown masked: its order tells nothing of the masked characters.
  if (column === 'title') return sql.join([sql`coalesce(masked_title, title) ${dir}`, sql`id`]);
  return sql.join([sql`${sql.ref(column)} ${dir}`, sql`id`]);
}

/** The org paths a filter's unit narrows the actor's sight to (never wider than what they may see). */
export async function scopeRoots(k: Kysely<Database>, actor: UserActor, orgUnitId: string | undefined): Promise<string[]> {
  const roots = visibleRoots(actor);
  if (!orgUnitId) return roots;
  const unit = await k.selectFrom('org_units').select('path').where('county_id', '=', actor.county).where('id', '=', orgUnitId).executeTakeFirst();
  if (!unit) return [];
  if (roots.some((r) => unit.path === r || unit.path.startsWith(`${r}/`))) return [unit.path];
  return roots.filter((r) => r.startsWith(`${unit.path}/`));
}

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Cases whose title contains `q` (any case; a title made from personal fields as it is shown masked), or
 * whose id is `q` or starts with it (the short number lists show), or holding `q` whole as a personal value
 * (an ID number or a phone typed in full, though lists show it masked: personalSearch.ts). The candidates
 * come from indexes that row-level security lets PostgreSQL use — title suffixes starting with q
 * (case_titles), ids in a range — and are then checked against the title; a personal value's digest is
 * its own check.
 */
function matching(county: string, q: string): RawBuilder<boolean> {
  const lower = q.toLowerCase();
  const from = lower.slice(0, 32);
  const shortNumber = /^[0-9a-f]{6,}$/.test(lower);
  const holding = sql`SELECT case_id FROM case_personal WHERE county_id = ${county} AND digest = ${personalDigest(q)}`;
  const candidates = sql`SELECT case_id FROM case_titles WHERE county_id = ${county} AND suffix >= ${from} AND suffix < ${`${from}\u{10FFFF}`}
    UNION ALL ${holding} UNION ALL SELECT ${q}${shortNumber ? sql` UNION ALL SELECT id FROM cases WHERE county_id = ${county} AND id >= ${lower} AND id < ${`${lower}\u{10FFFF}`}` : sql``}`;
  const checked = sql`(coalesce(masked_title, title) ILIKE ${`%${likeEscape(q)}%`} OR id = ${q}${shortNumber ? sql` OR id LIKE ${`${lower}%`}` : sql``} OR id = ANY(ARRAY(${holding})))`;
  return sql<boolean>`(id = ANY(ARRAY(${candidates})) AND ${checked})`;
}

/**
 * The filter's conditions on a query of the cases table (all but the place, which scopeRoots gives):
 * one definition for the lists, the dashboard's drill-downs and the ledger export alike.
 */
export function filteredCases<O>(query: SelectQueryBuilder<Database, 'cases', O>, actor: UserActor, f: CaseFilter, now: Date): SelectQueryBuilder<Database, 'cases', O> {
  let q = query;
  if (f.processId) q = q.where('process_id', '=', f.processId);
  if (f.status) q = q.where('status', '=', f.status);
  if (f.state) {
    const s = f.state;
    q = q.where(sql<boolean>`(state = ${s} OR state LIKE ${`${likeEscape(s)}.%`} OR (',' || state || ',') LIKE ${`%,${likeEscape(s)}%`})`);
  }
  if (f.overdue) q = q.where('status', '=', 'active').where('due_at', '<', now);
  if (f.q) q = q.where(matching(actor.county, f.q));
  if (f.mine === 'started') q = q.where('created_by', '=', actor.id);
  if (f.createdFrom) q = q.where('created_at', '>=', dayStart(f.createdFrom));
  if (f.createdTo) q = q.where('created_at', '<', nextDay(f.createdTo));
  if (f.mine === 'acted') q = q.where('id', 'in', (eb) => eb.selectFrom('case_events').select('case_id').where('county_id', '=', actor.county).where('actor_id', '=', actor.id));
  return q;
}

/** One page of the cases the actor may see, newest activity first (overdue ones: longest overdue first), with the total. */
export async function listCases(k: Kysely<Database>, actor: UserActor, f: CaseFilter, now: Date): Promise<{ items: CaseView[]; total: number; page: number; pageSize: number }> {
  const roots = await scopeRoots(k, actor, f.orgUnitId);
  const page = f.page ?? 1;
  const pageSize = f.pageSize ?? 20;
  const q = filteredCases(k.selectFrom('cases').where('county_id', '=', actor.county).where(underRoots('org_path', roots)), actor, f, now);
  // Filtered only by process, status and place, the count is the dashboard's counters' (kept by every step), not a scan.
  const byCounters = !f.q && !f.overdue && !f.mine && !f.createdFrom && !f.createdTo && !f.state;
  const counted = byCounters
    ? k.selectFrom('case_counts').select(sql<number>`coalesce(sum(n), 0)::int`.as('n')).where('county_id', '=', actor.county).where(underRoots('org_path', roots))
      .$if(Boolean(f.processId), (c) => c.where('process_id', '=', f.processId!)).$if(Boolean(f.status), (c) => c.where('status', '=', f.status!)).executeTakeFirstOrThrow()
    : q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
  const [rows, count] = await Promise.all([q.selectAll().orderBy(orderOf(f.sort ?? (f.overdue ? 'due' : '-updated'))).limit(pageSize).offset((page - 1) * pageSize).execute(), counted]);
  return { items: await withLabels(k, actor.county, await shownToAll(k, actor, rows, rows.map((r) => caseView(r, now))), rows.map(snapshotOf)), total: Number(count.n), page, pageSize };
}

/** The leaf state keys of a process where some role of the actor can act (event roles, assignee narrowing; at a countersign, approving and returning are its departments'). */
function actionableStates(compiled: CompiledProcess, actor: UserActor): string[] {
  const def = compiled.definition;
  const out: string[] = [];
  const infos = [...compiled.states.values()];
  for (const s of infos) {
    const isLeaf = !infos.some((o) => o.path.length > s.path.length && s.path.every((p, i) => o.path[i] === p));
    if (!isLeaf || s.final || !s.path.length) continue;
    const chain = infos.filter((o) => o.path.length <= s.path.length && o.path.every((p, i) => s.path[i] === p));
    const assignees = [...chain].reverse().flatMap((o) => (o.assignee ? [o.assignee] : []));
    const events = new Set(chain.flatMap((o) => [...(compiled.handledEvents.get(o.id) ?? [])]));
    const can = [...events].some((type) => {
      const spec = Object.hasOwn(def.events, type) ? def.events[type] : undefined;
      if (!spec || spec.system || (s.countersign && (spec.kind === 'approve' || spec.kind === 'return'))) return false;
      const roles = rolesInStep(spec, assignees);
      return actor.grants.some((g) => mayAct(roles, actor, g.unitPath));
    });
    if (can) out.push(pathKey(s.path));
  }
  return out;
}

/**
 * Cases of a process at a countersign step where one of the actor's departments (of role `role`)
 * has its turn and the actor has not signed for it yet: read from the signatures in the snapshot.
 * One condition per department of that role, under the units where the actor holds it (at the
 * department's level).
 */
async function countersignTurns(k: Kysely<Database>, asRole: UserActor, role: string, compiled: CompiledProcess, at: { processId: string; version: number }, orgUnitId: string | undefined): Promise<RawBuilder<boolean>[]> {
  const out: RawBuilder<boolean>[] = [];
  for (const step of compiled.states.values()) {
    const rule = step.countersign;
    if (!rule) continue;
    for (const [i, d] of rule.departments.entries()) {
      if (d.role !== role) continue;
      const roots = await scopeRoots(k, { ...asRole, grants: asRole.grants.filter((g) => !d.level || g.level === d.level) }, orgUnitId);
      if (!roots.length) continue;
      const done = sql`coalesce(snapshot #> ${['countersigns', step.id, 'done']}::text[], '[]'::jsonb)`;
      const signed = sql`coalesce(snapshot #> ${['countersigns', step.id, 'signed', d.role]}::text[], '[]'::jsonb)`;
      const before = rule.order === 'sequential' ? rule.departments.slice(0, i).map((x) => x.role) : [];
      out.push(sql<boolean>`(process_version = ${at.version} AND ${inStates(at.processId, [pathKey(step.path)], roots)}
        AND NOT ${done} @> ${JSON.stringify([d.role])}::jsonb AND ${done} @> ${JSON.stringify(before)}::jsonb AND NOT ${signed} @> ${JSON.stringify([asRole.id])}::jsonb)`);
    }
  }
  return out;
}

/** Cases of a process in one of these leaf states (a parallel case's key lists several: "a,b") under these units; the state index serves `= ANY`. */
const inStates = (processId: string, states: string[], roots: string[]) =>
  sql<boolean>`(process_id = ${processId} AND (state = ANY(${states}::text[]) OR (state LIKE '%,%' AND string_to_array(state, ',') && ${states}::text[])) AND ${underRoots('org_path', roots)})`;

/**
 * An inbox's size without counting its cases one by one: the counters every step keeps (by
 * process, unit and state) for what the user's roles may act on, less the cases claimed by someone
 * else, plus those the user was added to otherwise — both read from the few cases with a claim or
 * an addition (partial index cases_claims). Only when every published version of a process gives a
 * role the same states, since the counters keep no version.
 */
async function inboxFromCounters(k: Kysely<Database>, actor: UserActor, anyVersion: RawBuilder<boolean>[], byRole: RawBuilder<boolean>, addedToMe: RawBuilder<boolean>): Promise<number> {
  const [counted, special] = await Promise.all([
    anyVersion.length
      ? k.selectFrom('case_counts').select(sql<number>`coalesce(sum(n), 0)::int`.as('n')).where('county_id', '=', actor.county).where('status', '=', 'active').where(sql<boolean>`(${sql.join(anyVersion, sql` OR `)})`).executeTakeFirstOrThrow()
      : { n: 0 },
    k.selectFrom('cases').select([
      sql<number>`count(*) FILTER (WHERE ${byRole} AND claimed_by IS NOT NULL AND NOT (${actor.id} = ANY(claimed_by)) AND NOT ${addedToMe})::int`.as('claimedElsewhere'),
      sql<number>`count(*) FILTER (WHERE ${addedToMe} AND NOT ${byRole})::int`.as('addedOnly'),
    ]).where('county_id', '=', actor.county).where(sql<boolean>`status = 'active' AND (claimed_by IS NOT NULL OR added_to IS NOT NULL)`).executeTakeFirstOrThrow(),
  ]);
  return Number(counted.n) - Number(special.claimedElsewhere) + Number(special.addedOnly);
}

/** The actor's inbox: active cases waiting for an event they may send, soonest due first. */
export async function listTasks(k: Kysely<Database>, actor: UserActor, f: CaseFilter, now: Date) {
  const page = f.page ?? 1;
  const pageSize = f.pageSize ?? 20;
  // The county's published versions (a handful), not a scan of its cases for the ones in use.
  const versions = (await k.selectFrom('definition_versions').select(['process_id', 'version']).where('county_id', '=', actor.county).execute())
    .map((v) => ({ process_id: v.process_id, process_version: v.version }));
  // Per role the user holds: the states where that role can act, only under the units where it is held.
  const conditions = [];
  /** The same without the version, for the counters (which keep no version): per role and process, while every version agrees. */
  const unversioned = new Map<string, { processId: string; roots: string[]; states: string[] }>();
  let countable = !f.overdue && !f.q;
  for (const role of new Set(actor.grants.map((g) => g.role))) {
    const asRole: UserActor = { ...actor, grants: actor.grants.filter((g) => g.role === role) };
    const roots = await scopeRoots(k, asRole, f.orgUnitId);
    if (!roots.length) continue;
    for (const v of versions) {
      if (f.processId && v.process_id !== f.processId) continue;
      const p = await loadProcess(k, actor.county, v.process_id, v.process_version);
      const states = p ? actionableStates(p.compiled, asRole) : [];
      const key = JSON.stringify([role, v.process_id]);
      const seen = unversioned.get(key);
      if (seen && seen.states.join('\n') !== states.join('\n')) countable = false;
      unversioned.set(key, { processId: v.process_id, roots, states });
      if (states.length) conditions.push(sql<boolean>`(process_version = ${v.process_version} AND ${inStates(v.process_id, states, roots)})`);
      // A countersign's turn is in the case's signatures, which the counters do not keep: such an inbox is counted case by case.
      const turns = p ? await countersignTurns(k, asRole, role, p.compiled, { processId: v.process_id, version: v.process_version }, f.orgUnitId) : [];
      if (turns.length) countable = false;
      conditions.push(...turns);
    }
  }
  // People added to a step's decision (加签) have it in their inbox too, whatever their role.
  const addedToMe = sql<boolean>`(added_to IS NOT NULL AND ${actor.id} = ANY(added_to))`;
  const byRole = conditions.length ? sql<boolean>`(${sql.join(conditions, sql` OR `)})` : sql<boolean>`false`;
  let q = k.selectFrom('cases').where('county_id', '=', actor.county).where('status', '=', 'active').where(sql<boolean>`(${byRole} OR ${addedToMe})`)
    // A step someone has claimed (or was handed) is in their inbox only.
    .where(sql<boolean>`(claimed_by IS NULL OR ${actor.id} = ANY(claimed_by) OR ${addedToMe})`);
  if (f.overdue) q = q.where('due_at', '<', now);
  if (f.q) q = q.where(matching(actor.county, f.q));
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy(f.sort ? orderOf(f.sort) : sql`due_at ASC NULLS LAST, updated_at ASC, id`).limit(pageSize).offset((page - 1) * pageSize).execute(),
    countable ? inboxFromCounters(k, actor, [...unversioned.values()].filter((u) => u.states.length).map((u) => inStates(u.processId, u.states, u.roots)), byRole, addedToMe) : q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n)),
  ]);
  const items = await withLabels(k, actor.county, await shownToAll(k, actor, rows, rows.map((r) => caseView(r, now))), rows.map(snapshotOf));
  // What the reviewer may do to a case straight from the inbox, several at once: approvals that need no form.
  for (const [i, r] of rows.entries()) {
    const p = await loadProcess(k, actor.county, r.process_id, r.process_version);
    if (!p) continue;
    const snapshot = snapshotOf(r);
    const quick = availableEvents(p.compiled, snapshot, actor, r.org_path.split('/')).filter((e) => e.kind === 'approve' && !e.form);
    if (quick.length) items[i]!.quickActions = quick.map((e) => ({ type: e.type, label: e.label }));
  }
  return { items, total: count, page, pageSize };
}

/**
 * Counts by org unit (one level below each of the actor's roots) × state, with overdue counts:
 * totals from the counters the write statement keeps, overdue from the active cases past due.
 */
/** A day (YYYY-MM-DD) in Beijing time as the instant it starts. */
const dayStart = (day: string) => new Date(`${day}T00:00:00+08:00`);
const nextDay = (day: string) => new Date(dayStart(day).getTime() + 86_400_000);

/** A range of days cases were started in. */
export interface DateRange {
  from?: string;
  to?: string;
}

export async function dashboard(k: Kysely<Database>, actor: UserActor, processId: string, now: Date, range: DateRange = {}) {
  const rows: { rootId: string; unitId: string; unitName: string; state: string; count: number; overdue: number }[] = [];
  const ranged = Boolean(range.from || range.to);
  for (const root of visibleRoots(actor)) {
    const depth = root.split('/').length + 1;
    const unit = sql<string>`split_part(org_path, '/', ${depth})`;
    // Without a date range the counters answer (they keep every case); with one, the cases started in it are counted.
    const totalsQuery = ranged
      ? k.selectFrom('cases').select([unit.as('unit'), 'state', sql<number>`count(*)::int`.as('n')])
        .where('county_id', '=', actor.county).where('process_id', '=', processId).where(underRoots('org_path', [root]))
        .$if(Boolean(range.from), (q) => q.where('created_at', '>=', dayStart(range.from!)))
        .$if(Boolean(range.to), (q) => q.where('created_at', '<', nextDay(range.to!)))
        .groupBy([sql`1`, 'state'])
      : k.selectFrom('case_counts').select([unit.as('unit'), 'state', sql<number>`sum(n)::int`.as('n')])
        .where('county_id', '=', actor.county).where('process_id', '=', processId).where(underRoots('org_path', [root]))
        .groupBy([sql`1`, 'state']).having(sql`sum(n)`, '>', 0);
    const [totals, late] = await Promise.all([
      totalsQuery.execute(),
      k.selectFrom('cases').select([unit.as('unit'), 'state', sql<number>`count(*)::int`.as('n')])
        .where('county_id', '=', actor.county).where('process_id', '=', processId).where('status', '=', 'active').where('due_at', '<', now)
        .where(underRoots('org_path', [root]))
        .$if(Boolean(range.from), (q) => q.where('created_at', '>=', dayStart(range.from!)))
        .$if(Boolean(range.to), (q) => q.where('created_at', '<', nextDay(range.to!)))
        .groupBy([sql`1`, 'state']).execute(),
    ]);
    const rootId = root.split('/').at(-1)!;
    const ids = [...new Set(totals.map((r) => r.unit || rootId))];
    const names = ids.length ? await k.selectFrom('org_units').select(['id', 'name']).where('county_id', '=', actor.county).where('id', 'in', ids).execute() : [];
    for (const r of totals) {
      const unitId = r.unit || rootId;
      const overdue = late.filter((l) => (l.unit || rootId) === unitId && l.state === r.state).reduce((a, l) => a + Number(l.n), 0);
      rows.push({ rootId, unitId, unitName: names.find((n) => n.id === unitId)?.name ?? unitId, state: r.state, count: Number(r.n), overdue });
    }
  }
  return rows;
}
