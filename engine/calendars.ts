import cnCalendar from '../definitions/calendars/CN.json';
import type { Calendar, Definition } from './types';

/** The holiday calendars the engine has, by id (definitions/calendars). A definition names one with `calendar`. */
export const calendars: Readonly<Record<string, Calendar>> = Object.freeze({ CN: cnCalendar });

/** The built-in calendar (China's public holidays and make-up workdays). */
export const defaultCalendar: Calendar = cnCalendar;

/** The calendar a definition runs on, or undefined when it names one the engine does not have. */
export function calendarOf(def: Pick<Definition, 'calendar'>): Calendar | undefined {
  const id = def.calendar ?? defaultCalendar.id;
  return Object.hasOwn(calendars, id) ? calendars[id] : undefined;
}

const lastYears = new WeakMap<Calendar, number>();

/** The last year the calendar lists holidays for: working days after it are counted without holidays. Worked out once per calendar (a step with a deadline asks). */
export function lastYearOf(calendar: Calendar): number {
  let year = calendar.coveredThrough ?? lastYears.get(calendar);
  if (year === undefined) {
    year = 0;
    for (const d of [...calendar.holidays, ...calendar.workdays]) year = Math.max(year, Number(d.slice(0, 4)));
    lastYears.set(calendar, year);
  }
  return year;
}

/** True when an instant falls in a year the calendar does not cover (in the calendar's time zone). */
export function beyondCalendar(calendar: Calendar, iso: string): boolean {
  const local = new Date(Date.parse(iso) + calendar.timeZoneOffsetMinutes * 60_000);
  return local.getUTCFullYear() > lastYearOf(calendar);
}
