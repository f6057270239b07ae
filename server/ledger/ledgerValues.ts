/**
 * A ledger value as each file carries it, by the column's kind: in a spreadsheet dates and
 * moments are real dates (moments in Beijing time, which Excel shows as written), money is a
 * number of yuan with two decimals (an amount kept in whole fen is divided by 100); in a CSV the
 * same as text a spreadsheet reads back (2026-03-05, 2026-03-05 14:30, 1500.00).
 */
import type { RecordColumn } from '../../engine/index';
import { csvCell } from './csvCell';

/** A column's kind; none: read from the value (a computed value may be a number or a date). */
export type LedgerKind = RecordColumn['kind'] | undefined;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MOMENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const BEIJING_MS = 8 * 3600_000;

/** The kind a value has when its column does not say: a day, a moment, or as it is. */
function kindOf(v: string | number | null, kind: LedgerKind): LedgerKind {
  if (kind) return kind;
  if (typeof v === 'string') return DAY.test(v) ? 'date' : MOMENT.test(v) ? 'datetime' : 'text';
  return typeof v === 'number' ? 'number' : 'text';
}

/** A header naming the unit of money (申请金额 → 申请金额（元）); headers that name it already stay. */
export function ledgerHeader(title: string, kind: LedgerKind): string {
  return (kind === 'money' || kind === 'fen') && !title.includes('元') ? `${title}（元）` : title;
}

/** Money in yuan, rounded to the fen (an amount kept in fen divided by 100). */
const yuan = (v: number, kind: LedgerKind) => Math.round(kind === 'fen' ? v : v * 100) / 100;

/** A moment as Beijing's wall-clock time, which a spreadsheet (with no time zone) shows as written. */
const beijing = (v: string) => new Date(new Date(v).getTime() + BEIJING_MS);

/** The spreadsheet cell for a value: a Date, a number or text, with the number format it is shown in. */
export function xlsxValue(v: string | number | null, columnKind: LedgerKind): { value: Date | string | number | null; numFmt?: string } {
  const kind = kindOf(v, columnKind);
  if (v === null) return { value: null };
  if (kind === 'date' && typeof v === 'string' && DAY.test(v)) return { value: new Date(`${v}T00:00:00Z`), numFmt: 'yyyy-mm-dd' };
  if (kind === 'datetime' && typeof v === 'string' && MOMENT.test(v) && !Number.isNaN(Date.parse(v))) return { value: beijing(v), numFmt: 'yyyy-mm-dd hh:mm' };
  if ((kind === 'money' || kind === 'fen') && typeof v === 'number') return { value: yuan(v, kind), numFmt: '0.00' };
  return { value: v };
}

/** The CSV cell for a value: dates as written, moments in Beijing time, money with two decimals (a number), text neutralised (csvCell). */
export function csvText(v: string | number | null, columnKind: LedgerKind): string {
  const kind = kindOf(v, columnKind);
  if (kind === 'datetime' && typeof v === 'string' && MOMENT.test(v) && !Number.isNaN(Date.parse(v))) return csvCell(beijing(v).toISOString().slice(0, 16).replace('T', ' '));
  if ((kind === 'money' || kind === 'fen') && typeof v === 'number') return yuan(v, kind).toFixed(2);
  return csvCell(v);
}
