/**
 * Rows of the lists `append` grows (积分记录, 还款记录): each has a stable id, `_id`, a whole number
 * given when it is appended — one more than the largest id in the list — so the same log replays
 * to the same ids. Rows appended before ids existed have none stored: a row without `_id` is read
 * as its place in the list (1 for the first), which is what it would have been given, since rows
 * are never taken out of a list (voiding one marks it, `_voidAt`, and keeps it).
 */

type Row = Record<string, unknown>;
const isRow = (v: unknown): v is Row => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The fields the engine writes on a row, besides the form's own: its id, when and by whom it was appended, changed (更正) and voided (作废). */
export const ROW_FIELDS = { id: '_id', at: '_at', by: '_by', changedAt: '_changedAt', changedBy: '_changedBy', voidAt: '_voidAt', voidBy: '_voidBy' } as const;

/** The row fields a formula may read, with what each holds: `entries._id`, `entries._at`, `entries._by`. */
export const READABLE_ROW_FIELDS = { _id: 'number', _at: 'date', _by: 'text' } as const;

/** The id of the row at `index` of a stored list: its `_id`, or (a row appended before ids) its place in the list, from 1. */
export function rowIdAt(row: unknown, index: number): number {
  const id = isRow(row) ? row._id : undefined;
  return typeof id === 'number' ? id : index + 1;
}

/** The id the next appended row takes: one more than the largest in the list (0 rows: 1). */
export function nextRowId(list: readonly unknown[]): number {
  let max = 0;
  for (let i = 0; i < list.length; i++) max = Math.max(max, rowIdAt(list[i], i));
  return max + 1;
}

/** True for a row voided (作废): kept in the case's data and shown struck through, but no formula reads it. */
export const isVoided = (row: unknown): boolean => isRow(row) && row._voidAt !== undefined;

/** The place in the list of the live (not voided) row with this id, or -1. */
export function rowIndexOf(list: readonly unknown[], id: unknown): number {
  if (typeof id !== 'number') return -1;
  for (let i = 0; i < list.length; i++) if (rowIdAt(list[i], i) === id && !isVoided(list[i])) return i;
  return -1;
}
