import type { Calendar } from './types';

/** An ISO 8601 duration split into its parts. */
export interface DurationParts {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const ISO = /^P(?!$)(?:(\d{1,4})Y)?(?:(\d{1,4})M)?(?:(\d{1,4})W)?(?:(\d{1,4})D)?(?:T(?=\d)(?:(\d{1,4})H)?(?:(\d{1,4})M)?(?:(\d{1,4})S)?)?$/;

/** Parses an ISO 8601 duration such as `P7D` or `PT12H`; null when it is not one. */
export function parseDuration(text: string): DurationParts | null {
  const m = ISO.exec(text);
  if (!m) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

const DAY = 86_400_000;

interface DaySets {
  holidays: Set<number>;
  workdays: Set<number>;
}
const daySets = new WeakMap<Calendar, DaySets>();

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
const dayNumber = (date: string) => Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);

function setsOf(calendar: Calendar): DaySets {
  let sets = daySets.get(calendar);
  if (!sets) {
    sets = { holidays: new Set(calendar.holidays.map(dayNumber)), workdays: new Set(calendar.workdays.map(dayNumber)) };
    daySets.set(calendar, sets);
  }
  return sets;
}

function isWorkingDayNumber(day: number, sets: DaySets): boolean {
  if (sets.workdays.has(day)) return true;
  if (sets.holidays.has(day)) return false;
  const weekday = (day + 4) % 7; // 1970-01-01 was a Thursday
  return weekday !== 0 && weekday !== 6;
}

/** The local calendar date (YYYY-MM-DD) of an instant in the calendar's time zone. */
export function localDate(instantMs: number, calendar: Calendar): string {
  return new Date(instantMs + calendar.timeZoneOffsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** True when the local date is a working day: a weekday that is not a holiday, or a make-up workday. */
export function isWorkingDay(date: string, calendar: Calendar): boolean {
  return isWorkingDayNumber(dayNumber(date), setsOf(calendar));
}

/**
 * Adds a duration to an instant. Calendar durations move the local date (China has no
 * daylight saving, so days are 24 h); with `workingDays`, the day count skips weekends
 * and holidays and lands at the same local time on the n-th working day after.
 */
export function addDuration(startMs: number, parts: DurationParts, calendar: Calendar, workingDays = false): number {
  const offset = calendar.timeZoneOffsetMinutes * 60_000;
  const local = new Date(startMs + offset);
  local.setUTCFullYear(local.getUTCFullYear() + parts.years, local.getUTCMonth() + parts.months);
  let ms = local.getTime() - offset;
  const days = parts.weeks * 7 + parts.days;
  if (workingDays) {
    const sets = setsOf(calendar);
    let day = Math.floor((ms + offset) / DAY);
    for (let left = days; left > 0; ) {
      ms += DAY;
      day++;
      if (isWorkingDayNumber(day, sets)) left--;
    }
  } else {
    ms += days * DAY;
  }
  return ms + ((parts.hours * 60 + parts.minutes) * 60 + parts.seconds) * 1000;
}
