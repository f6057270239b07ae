import { describe, expect, it } from 'vitest';
import { addDuration, isWorkingDay, localDate, parseDuration } from '../../engine/duration';
import { calendarStatus, defaultCalendar, lastYearOf, layerCalendar, type CalendarYear } from '../../engine/index';

const national = (year: number, holidays: string[], workdays: string[] = []): CalendarYear => ({ year, layer: 'national', holidays, workdays });
const local = (year: number, holidays: string[]): CalendarYear => ({ year, layer: 'local', holidays, workdays: [] });
/** Beijing time as an instant. */
const beijing = (text: string) => Date.parse(`${text}+08:00`);
const fiveWorkingDays = parseDuration('P5D')!;

describe("a county's calendar: the national list it loaded, its own days on top", () => {
  it('says next year is missing from 1 November, Beijing time, and stops once the national list is loaded', () => {
    // The built-in calendar ends with 2026.
    expect(lastYearOf(defaultCalendar)).toBe(2026);
    expect(calendarStatus(defaultCalendar, beijing('2026-10-31T23:59:59'))).toEqual({ lastYear: 2026, nextYear: 2027, missing: true, remind: false });
    // 16:00 UTC on 31 October is already 1 November in the county.
    expect(calendarStatus(defaultCalendar, beijing('2026-11-01T00:00:00'))).toEqual({ lastYear: 2026, nextYear: 2027, missing: true, remind: true });
    expect(calendarStatus(defaultCalendar, beijing('2026-12-31T23:00:00')).remind).toBe(true);

    const loaded = layerCalendar(defaultCalendar, [national(2027, ['2027-01-01'])]);
    expect(calendarStatus(loaded, beijing('2026-11-15T09:00:00'))).toEqual({ lastYear: 2027, nextYear: 2027, missing: false, remind: false });
    // A county's own days for 2027 do not make the national ones known.
    expect(calendarStatus(layerCalendar(defaultCalendar, [local(2027, ['2027-07-22'])]), beijing('2026-11-15T09:00:00'))).toMatchObject({ lastYear: 2026, remind: true });
    // In January the year has begun without its holidays: missing, and said so again from November.
    expect(calendarStatus(defaultCalendar, beijing('2027-01-05T09:00:00'))).toEqual({ lastYear: 2026, nextYear: 2028, missing: true, remind: false });
  });

  it("a county's own holidays (楚雄州's 火把节 for 大姚县) push a deadline in working days past them", () => {
    const nationalOnly = layerCalendar(defaultCalendar, [national(2027, ['2027-01-01'])]);
    const withTorchFestival = layerCalendar(defaultCalendar, [national(2027, ['2027-01-01']), local(2027, ['2027-07-22', '2027-07-23'])]);
    const start = beijing('2027-07-19T10:00:00');
    expect(localDate(addDuration(start, fiveWorkingDays, nationalOnly, true), nationalOnly)).toBe('2027-07-26');
    expect(localDate(addDuration(start, fiveWorkingDays, withTorchFestival, true), withTorchFestival)).toBe('2027-07-28');
  });

  it('a local holiday is off even on a national 调休 working day; a national year loaded replaces the built-in days of that year', () => {
    // 2026-10-10, a Saturday, is a 调休 working day in the built-in list.
    expect(isWorkingDay('2026-10-10', defaultCalendar)).toBe(true);
    expect(isWorkingDay('2026-10-10', layerCalendar(defaultCalendar, [local(2026, ['2026-10-10'])]))).toBe(false);
    const replaced = layerCalendar(defaultCalendar, [national(2026, ['2026-01-01'])]);
    expect(isWorkingDay('2026-10-01', replaced)).toBe(true);
    expect(isWorkingDay('2026-10-10', replaced)).toBe(false);
    expect(isWorkingDay('2026-01-01', replaced)).toBe(false);
    // Other years keep the built-in days.
    expect(isWorkingDay('2025-01-01', replaced)).toBe(false);
  });
});
