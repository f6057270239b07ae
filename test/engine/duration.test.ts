import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../engine/compile';
import { addDuration, isWorkingDay, localDate, parseDuration } from '../../engine/duration';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('durations and the holiday calendar', () => {
  it('parses ISO 8601 durations and refuses other text', () => {
    expect(parseDuration('P7D')).toMatchObject({ days: 7, hours: 0 });
    expect(parseDuration('P1Y2M3W4DT5H6M7S')).toEqual({ years: 1, months: 2, weeks: 3, days: 4, hours: 5, minutes: 6, seconds: 7 });
    for (const bad of ['P', 'PT', '7D', 'P7', 'P1.5D', 'soon', 'P99999D']) expect(parseDuration(bad)).toBeNull();
  });

  it('knows weekends, public holidays and make-up workdays (调休)', () => {
    expect(isWorkingDay('2026-03-02', defaultCalendar)).toBe(true); // Monday
    expect(isWorkingDay('2026-03-07', defaultCalendar)).toBe(false); // Saturday
    expect(isWorkingDay('2026-10-05', defaultCalendar)).toBe(false); // National Day, a Monday
    expect(isWorkingDay('2026-10-10', defaultCalendar)).toBe(true); // Saturday worked in exchange
    expect(isWorkingDay('2026-02-14', defaultCalendar)).toBe(true); // Saturday before Spring Festival
  });

  it('uses Beijing time for the local date', () => {
    expect(localDate(at('2026-03-01T16:30:00Z'), defaultCalendar)).toBe('2026-03-02');
  });

  it('adds calendar days and months in local time', () => {
    expect(iso(addDuration(at('2026-03-02T02:00:00Z'), parseDuration('P7D')!, defaultCalendar))).toBe('2026-03-09T02:00:00.000Z');
    expect(iso(addDuration(at('2026-01-31T02:00:00Z'), parseDuration('P1M')!, defaultCalendar))).toBe('2026-03-03T02:00:00.000Z');
    expect(iso(addDuration(at('2026-03-02T02:00:00Z'), parseDuration('PT36H')!, defaultCalendar))).toBe('2026-03-03T14:00:00.000Z');
  });

  it('counts working days across the National Day holiday and its make-up Saturday', () => {
    // Tuesday 29 Sep 2026 + 5 working days: 30 Sep, (1–7 Oct off), 8 Oct, 9 Oct, 10 Oct (Sat, worked), 12 Oct.
    const due = addDuration(at('2026-09-29T01:00:00Z'), parseDuration('P5D')!, defaultCalendar, true);
    expect(iso(due)).toBe('2026-10-12T01:00:00.000Z');
  });

  it('counts working days from a Friday over the weekend', () => {
    expect(iso(addDuration(at('2026-03-06T09:00:00Z'), parseDuration('P1D')!, defaultCalendar, true))).toBe('2026-03-09T09:00:00.000Z');
  });
});
