/** Checks of a definition against what surrounds it: the engine's calendars, the county's other processes. */
import { calendarOf, calendars, lastYearOf } from '../calendars';
import { computedDelay, resolveDelay } from '../delays';
import { countsWorkingDays } from '../formula/index';
import type { WalkedState } from '../stateWalk';
import type { Definition } from '../types';
import type { FoundRef } from './catalogueRefs';
import { type Problem, problem } from './problems';

/** What the checker may know of the world around a definition; each check that needs a part is skipped without it. */
export interface CheckOptions {
  /** A shared template by id (for county variations). */
  findTemplate?: (id: string) => Definition | undefined;
  /** Whether the county has a process of this id (for `spawn`). */
  processExists?: (id: string) => boolean;
  /** The time to judge calendar coverage against (ms since the epoch). */
  now?: number;
  /** Whether some user of the county holds this role (for steps nobody could act on). */
  roleHeld?: (role: string) => boolean;
}

/** Where the definition first counts working days: the declared delay (its workingDays, or its formula's `at`) or the state that does, or undefined. */
function workingDaysAt(def: Definition, states: WalkedState[]): string | undefined {
  const declared = (name: string) => def.delays !== undefined && Object.hasOwn(def.delays, name);
  for (const s of states) {
    const uses = [...(s.node.meta?.sla ? [[s.node.meta.sla, `${s.pointer}/meta/sla`]] : []), ...Object.keys(s.node.after ?? {}).map((k) => [k, `${s.pointer}/after/${k}`])];
    for (const [name, pointer] of uses) {
      // A deadline from a formula counting working days (=WORKDAY(…)) is as approximate past the calendar as a working-day duration.
      const formula = computedDelay(def, name!);
      if (formula !== undefined && countsWorkingDays(formula)) return declared(name!) ? `/delays/${name}/at` : pointer;
      if (resolveDelay(def, name!)?.workingDays !== true) continue;
      return declared(name!) ? `/delays/${name}/workingDays` : pointer;
    }
  }
  return undefined;
}

/** The calendar must exist; when the process counts working days, the calendar should cover next year too. */
export function checkCalendar(def: Definition, states: WalkedState[], now: number | undefined): Problem[] {
  const calendar = calendarOf(def);
  if (!calendar) return [problem('calendar-unknown', '/calendar', { calendar: def.calendar ?? '', known: Object.keys(calendars).join('、') })];
  const at = now === undefined ? undefined : workingDaysAt(def, states);
  if (now === undefined || at === undefined) return [];
  const last = lastYearOf(calendar);
  const year = new Date(now + calendar.timeZoneOffsetMinutes * 60_000).getUTCFullYear();
  return last < year + 1 ? [problem('calendar-ends', at, { calendar: calendar.id, last, next: last + 1 })] : [];
}

/** `spawn` must name a process the county has (the definition itself included). */
export function checkSpawns(def: Definition, refs: FoundRef[], processExists: ((id: string) => boolean) | undefined): Problem[] {
  if (!processExists) return [];
  const out: Problem[] = [];
  for (const ref of refs) {
    if (ref.kind !== 'action' || ref.name !== 'spawn' || typeof ref.params.process !== 'string') continue;
    const id = ref.params.process;
    if (id !== def.id && !processExists(id)) out.push(problem('spawn-process-unknown', `${ref.pointer}/params/process`, { process: id }));
  }
  return out;
}

/**
 * Roles no user of the county holds, where that leaves something nobody can do: a step whose
 * assignee it is, starting a case, or an event none of whose roles anyone holds. Warned once
 * per role, naming where it is needed.
 */
export function checkRolesHeld(def: Definition, states: WalkedState[], roleHeld: ((role: string) => boolean) | undefined): Problem[] {
  if (!roleHeld) return [];
  const needs = new Map<string, { pointer: string; where: string[] }>();
  const need = (role: string, pointer: string, where: string) => {
    const entry = needs.get(role) ?? { pointer, where: [] };
    if (!entry.where.includes(where)) entry.where.push(where);
    needs.set(role, entry);
  };
  const roleOf = (r: string | { role: string }) => (typeof r === 'string' ? r : r.role);
  const starters = def.startRoles ?? [];
  if (starters.length && !starters.some(roleHeld)) starters.forEach((r, i) => need(r, `/startRoles/${i}`, '发起案件'));
  for (const s of states) {
    const assignee = s.node.meta?.assignee;
    if (assignee && !roleHeld(assignee)) need(assignee, `${s.pointer}/meta/assignee`, `「${s.path.join('.')}」`);
  }
  for (const [type, spec] of Object.entries(def.events)) {
    const roles = (spec.roles ?? []).map(roleOf);
    if (spec.system || !roles.length || roles.some(roleHeld)) continue;
    roles.forEach((r, i) => need(r, `/events/${type}/roles/${i}`, `「${type}」`));
  }
  return [...needs].map(([role, { pointer, where }]) => problem('role-unheld', pointer, { role, where: where.join('、') }));
}
