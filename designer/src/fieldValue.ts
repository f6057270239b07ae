/** One value of a case as people read it, by the engine's kind of its field (valueKind): the case page's forms, records and lists alike. */
import type { RecordColumn } from '../../engine/index';
import { formatTime, t } from './i18n';

/** A value as text: money with two decimals (fen shown as yuan), times in Beijing time, yes/no, lists joined; blank as a dash (a print leaves it empty, to be written by hand). */
export function formatValue(value: unknown, kind: RecordColumn['kind'], blank = '—'): string {
  if (value === undefined || value === null || value === '') return blank;
  if (Array.isArray(value)) return value.length ? value.map((v) => formatValue(v, kind, blank)).join(t('common.listComma')) : blank;
  if (kind === 'money' && typeof value === 'number') return value.toFixed(2);
  if (kind === 'fen' && typeof value === 'number') return (value / 100).toFixed(2);
  if (kind === 'boolean' || typeof value === 'boolean') return value ? t('casePage.yes') : t('casePage.no');
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) return formatTime(value);
  return String(value);
}
