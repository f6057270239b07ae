import { addDuration, type DurationParts, parseDuration } from './duration';
import type { Calendar, Definition } from './types';

/** A delay name resolved to its duration and whether it counts working days. */
export interface ResolvedDelay {
  parts: DurationParts;
  workingDays: boolean;
}

/** Resolves a delay name to a duration: one declared in `delays`, else an ISO 8601 duration used directly (null for a computed delay). */
export function resolveDelay(def: Pick<Definition, 'delays'>, name: string): ResolvedDelay | null {
  const declared = def.delays && Object.hasOwn(def.delays, name) ? def.delays[name] : undefined;
  if (declared) {
    if (declared.duration === undefined) return null;
    const parts = parseDuration(declared.duration);
    return parts && { parts, workingDays: declared.workingDays === true };
  }
  const parts = parseDuration(name);
  return parts && { parts, workingDays: false };
}

/** The instant (ms) a delay started at `now` ends, on the given calendar. */
export function delayEnd(delay: ResolvedDelay, now: number, calendar: Calendar): number {
  return addDuration(now, delay.parts, calendar, delay.workingDays);
}

/**
 * The formula of a computed delay: a `meta.sla` written as a formula (=…), or a delay declared
 * with `at`. Undefined for durations.
 */
export function computedDelay(def: Pick<Definition, 'delays'>, name: string): string | undefined {
  if (name.startsWith('=')) return name;
  const declared = def.delays && Object.hasOwn(def.delays, name) ? def.delays[name] : undefined;
  return declared?.at;
}
