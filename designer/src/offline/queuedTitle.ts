import { caseTitleOf, defaultCalendar } from '../../../engine/index';

/**
 * The name a case will have once a queued submission is applied: the process's `caseTitle` over
 * the case's data with the submitted form in it (李明华 rather than the process's name), else
 * the name it has now. The outbox lists each submission by it.
 */
export function queuedTitle(spec: string | undefined, data: Record<string, unknown>, formId: string | undefined, submitted: unknown, fallback: string): string {
  const after = formId && submitted !== undefined ? { ...data, [formId]: submitted } : data;
  return caseTitleOf(spec, after, Date.now(), defaultCalendar) || fallback;
}
