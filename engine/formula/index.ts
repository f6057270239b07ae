/**
 * Formulas in definitions: one language for the engine, the checker and the browser.
 * See docs/formulas.md for the language and why it is a small parser of our own.
 */
import type { FormulaEnv } from './functions';
import { compiledFormula, parseFormulaCached } from './cache';
import { callsOf, fieldsOf, FormulaSyntaxError } from './syntax';
import { formulaFunctions } from './functions';
import { getPath } from '../dataPath';
import type { Calendar } from '../types';
import { Day, FormulaError, toData } from './values';
import { BudgetExceeded } from '../budget';
import { FormulaFault } from './fault';

export { formulaFunctions, type FormulaEnv, type FormulaFunction, type FormulaType, type Typed } from './functions';
export { callsOf, fieldsOf, FormulaSyntaxError, MAX_FORMULA_LENGTH, type Node } from './syntax';
export { type FieldTypes, FORMULA_TYPE_NAMES, type FormulaIssue, resultMisfit, typecheck, typeOf } from './typecheck';
export { Day, FormulaError, type Value } from './values';

export { parseFormulaCached as parseFormula };
export { applyComputedFields, computeFormFields, ComputedFieldOverrun, computedReadonly, hasComputedFields } from './formFields';
export { FormulaFault } from './fault';

/** Evaluates a formula on case data; the result as case data holds it (numbers, YYYY-MM-DD, text, lists), or the FormulaError it gives. A formula that does not parse gives null. */
export function evaluateFormula(text: string, env: FormulaEnv): unknown {
  const run = compiledFormula(text);
  return run === null ? null : toData(run(env));
}

/** Evaluates a formula whose value the engine keeps: the value as case data holds it; throws FormulaFault, naming its place (`place(about)`, worked out only then), when it is an error value. */
export function formulaValue<T>(text: string, env: FormulaEnv, place: (about: T) => string, about: T): unknown {
  const v = evaluateFormula(text, env);
  if (v instanceof FormulaError) throw new FormulaFault(v, place(about));
  return v;
}

/** Evaluates a formula as a condition: true only when it yields a true value; throws FormulaFault, naming its place (`place(about)`, worked out only then), when it gives an error value. */
export function formulaHolds<T>(text: string, env: FormulaEnv, place: (about: T) => string, about: T): boolean {
  const run = compiledFormula(text);
  if (run === null) return false;
  const v = run(env);
  if (v instanceof FormulaError) throw new FormulaFault(v, place(about));
  return v === true;
}

/** True when a formula counts working days on the calendar (WORKDAY): a date it gives past the calendar's last year ignores holidays. */
export function countsWorkingDays(text: string): boolean {
  const node = parseFormulaCached(text);
  return !(node instanceof FormulaSyntaxError) && [...callsOf(node)].some((name) => Object.hasOwn(formulaFunctions, name) && formulaFunctions[name]!.workingDays === true);
}

/** The last second of a day in the calendar's time zone (shown to users as that day, 23:59), or null for a value that is not a date. */
export function endOfDay(day: string, calendar: { timeZoneOffsetMinutes: number }): string | null {
  const d = Day.parse(day);
  return d ? new Date((d.n + 1) * 86_400_000 - calendar.timeZoneOffsetMinutes * 60_000 - 1000).toISOString() : null;
}

const textOf = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '');

/** A formula's value as text for a title or a key; blank when it gives nothing or an error value, or would build a text past the budget's `textLength`. */
function formulaText(spec: string, data: unknown, now: number, calendar: Calendar): string {
  try {
    return textOf(evaluateFormula(spec, { data, now, calendar, tick: () => undefined }));
  } catch (e) {
    if (e instanceof BudgetExceeded) return '';
    throw e;
  }
}

/** How many of the data paths a formula reads hold nothing yet (absent, blank text, an empty list). */
function blankReads(spec: string, data: unknown): number {
  const node = parseFormulaCached(spec);
  if (node instanceof FormulaSyntaxError) return 0;
  const paths = new Set(fieldsOf(node).map((f) => f.path));
  let blank = 0;
  for (const path of paths) if (isBlankAt(data, path.split('.'))) blank++;
  return blank;
}

/** True when nothing is at the path yet; a path through a list (a column of its rows) is blank only when every row lacks it. */
function isBlankAt(v: unknown, segments: string[]): boolean {
  if (Array.isArray(v)) return v.length === 0 || v.every((row) => isBlankAt(row, segments));
  if (!segments.length) return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
  if (v === null || typeof v !== 'object' || !Object.hasOwn(v, segments[0]!)) return true;
  return isBlankAt((v as Record<string, unknown>)[segments[0]!], segments.slice(1));
}

/** A formula that tests for blanks or errors itself (ISBLANK, IFERROR, ISERROR) decides what a blank part means. */
const handlesBlanks = (spec: string) => /\b(ISBLANK|IFERROR|ISERROR)\s*\(/i.test(spec);

/**
 * What names a case: a data path's value, or a formula's (=…); empty when it gives nothing — also
 * when any field the formula reads is still blank (before the forms that fill it), so that no list
 * shows a title with a hole in it, 「（ 元）」 or 「周春福（ 元）」 or 「户  年积分账」. The caller then shows
 * its fallback (untitledCase: the process's name and the case's short number). A formula that tests
 * for blanks itself (ISBLANK, IFERROR, ISERROR) decides what a blank part means.
 */
export function caseTitleOf(spec: string | undefined, data: unknown, now: number, calendar: Calendar): string {
  if (!spec) return '';
  if (!spec.startsWith('=')) return textOf(getPath(data, spec)).slice(0, 200);
  if (!handlesBlanks(spec) && blankReads(spec, data) > 0) return '';
  return formulaText(spec, data, now, calendar).slice(0, 200);
}

/** A case's short number, as lists, the outbox and untitled cases show it: the first 8 characters of its id, in capitals (the search box finds a case by it). */
export const shortNumber = (id: string): string => id.slice(0, 8).toUpperCase();

/** What a case is called while its title has nothing to show yet (caseTitleOf gives ''): the process's name and the case's short number, 积分台账 3F2A9C1B. */
export const untitledCase = (processTitle: string, id: string): string => `${processTitle} ${shortNumber(id)}`;

/**
 * A case's uniqueness key from its data (the definition's `uniqueKey` formula), or '' — no key, and
 * nothing is checked — when the formula gives nothing or any field it reads is blank: a key with a
 * blank part (「-2026」 for an application not yet filled) would make every unfilled case the same.
 * A formula that tests for blanks itself (ISBLANK, IFERROR) is taken as it is.
 */
export function uniqueKeyOf(spec: string | undefined, data: unknown, now: number, calendar: Calendar): string {
  if (!spec || (!handlesBlanks(spec) && blankReads(spec, data) > 0)) return '';
  return formulaText(spec, data, now, calendar).slice(0, 500);
}
