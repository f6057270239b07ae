import { lastYearOf } from './calendars';
import type { CompiledProcess } from './compile';
import type { Calendar, CaseSnapshot, RejectionCode } from './types';

/**
 * 期限重算: when a county loads the holidays of a year its calendar lacked, the deadlines counted
 * in working days past the calendar's end (marked approximate) are worked out again. System only;
 * the new instants travel in the event's data, so a replay of the log gives the same snapshot.
 */
export const RECALENDAR_EVENT = 'cf.recalendar';

/** The data of a RECALENDAR_EVENT: each state's new due instant, and which of them are still approximate. */
export interface RecalendarData {
  due: Record<string, string>;
  approximate: string[];
}

/**
 * The approximate deadlines of a case worked out again on the compiled process's calendar, each from
 * when its state was entered (`enteredAt`, ms); null when none is approximate or nothing would change.
 */
export function refreshedDeadlines(compiled: CompiledProcess, snapshot: CaseSnapshot, enteredAt: Readonly<Record<string, number>>): RecalendarData | null {
  const approx = Object.keys(snapshot.context.dueApprox ?? {});
  const due: Record<string, string> = {};
  const approximate: string[] = [];
  for (const state of approx) {
    const sla = compiled.states.get(state)?.sla;
    const since = enteredAt[state];
    if (!sla || since === undefined || !snapshot.context.due[state]) continue;
    const end = compiled.deadline(sla, snapshot.context, since);
    if (!end) continue;
    due[state] = end.at;
    if (end.approximate) approximate.push(state);
  }
  const changed = Object.keys(due).some((s) => due[s] !== snapshot.context.due[s] || !approximate.includes(s));
  return changed ? { due, approximate } : null;
}

/** The snapshot a RECALENDAR_EVENT leads to, or why it is refused. */
export function recalendared(snapshot: CaseSnapshot, data: unknown): CaseSnapshot | RejectionCode {
  const d = data as Partial<RecalendarData> | undefined;
  if (!d || typeof d.due !== 'object' || d.due === null || !Array.isArray(d.approximate)) return 'invalid-data';
  const due = { ...snapshot.context.due };
  const dueApprox = { ...(snapshot.context.dueApprox ?? {}) };
  for (const [state, at] of Object.entries(d.due)) {
    if (!(state in due) || typeof at !== 'string' || Number.isNaN(Date.parse(at))) return 'invalid-data';
    due[state] = at;
    if (d.approximate.includes(state)) dueApprox[state] = true;
    else delete dueApprox[state];
  }
  return { ...snapshot, context: { ...snapshot.context, due, dueApprox } };
}

/** Problems of one year of a calendar as a county loads it, in Chinese (empty when it can be loaded). */
export function calendarYearProblems(year: number, holidays: readonly string[], workdays: readonly string[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const check = (day: string, kind: string) => {
    const d = new Date(`${day}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day) return problems.push(`${kind}「${day}」不是有效日期（应为 YYYY-MM-DD）`);
    if (d.getUTCFullYear() !== year) return problems.push(`${kind}「${day}」不在 ${year} 年内`);
    if (seen.has(day)) return problems.push(holidays.includes(day) && workdays.includes(day) ? `「${day}」既是放假日又是调休上班日` : `「${day}」重复`);
    seen.add(day);
    const weekday = d.getUTCDay();
    if (kind === '调休上班日' && weekday !== 0 && weekday !== 6) problems.push(`调休上班日「${day}」是工作日，本来就上班（调休上班日只能是周六或周日）`);
    return 0;
  };
  for (const day of holidays) check(day, '放假日');
  for (const day of workdays) check(day, '调休上班日');
  return problems;
}

/** One year of days a county has loaded: the national list (replacing that year of the built-in calendar) or its own days on top. */
export interface CalendarYear {
  year: number;
  layer: 'national' | 'local';
  holidays: readonly string[];
  workdays: readonly string[];
}

/**
 * The calendar a county runs on: the built-in one, each year the county loaded as national replacing
 * that year's days, then the county's (or prefecture's) own days on top — a local holiday is off
 * work even if the national list had it as a 调休 working day.
 */
export function layerCalendar(base: Calendar, years: readonly CalendarYear[]): Calendar {
  if (!years.length) return base;
  const national = years.filter((y) => y.layer === 'national');
  const local = years.filter((y) => y.layer === 'local');
  const replaced = new Set(national.map((y) => String(y.year)));
  const keep = (days: readonly string[]) => days.filter((d) => !replaced.has(d.slice(0, 4)));
  const holidays = new Set([...keep(base.holidays), ...national.flatMap((y) => y.holidays), ...local.flatMap((y) => y.holidays)]);
  const workdays = new Set([...keep(base.workdays), ...national.flatMap((y) => y.workdays), ...local.flatMap((y) => y.workdays)].filter((d) => !local.some((y) => y.holidays.includes(d))));
  // A county's own days do not say the national holidays of their year are known.
  const coveredThrough = Math.max(lastYearOf(base), ...national.map((y) => y.year));
  return { id: base.id, timeZoneOffsetMinutes: base.timeZoneOffsetMinutes, holidays: [...holidays].sort(), workdays: [...workdays].sort(), coveredThrough };
}

/** Where a county's calendar stands at an instant, and whether pages should say next year's holidays are missing. */
export interface CalendarStatus {
  /** The last year whose national holidays are known. */
  lastYear: number;
  /** The year after `now`'s (in the calendar's time zone). */
  nextYear: number;
  /** Next year's national holidays are not loaded. */
  missing: boolean;
  /** From 1 November (local time) while they are missing: the State Council publishes them each November or December. */
  remind: boolean;
}

/** Where the calendar stands at `now` (ms): see CalendarStatus. */
export function calendarStatus(calendar: Calendar, now: number): CalendarStatus {
  const local = new Date(now + calendar.timeZoneOffsetMinutes * 60_000);
  const lastYear = lastYearOf(calendar);
  const missing = lastYear <= local.getUTCFullYear();
  return { lastYear, nextYear: local.getUTCFullYear() + 1, missing, remind: missing && local.getUTCMonth() >= 10 };
}

