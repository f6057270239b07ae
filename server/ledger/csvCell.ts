/**
 * One CSV cell as the ledger writes it (RFC 4180 quoting), safe to open in Excel or WPS: text
 * that a spreadsheet would read as a formula (a leading =, +, -, @, tab or carriage return) is
 * prefixed with ' as OWASP's "CSV Injection" advises. Numbers the product writes stay numbers.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

/** The CSV text of a cell: '' for null, a number as written (-2.5), text neutralised and quoted when it must be. */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  const s = typeof v === 'number' ? String(v) : FORMULA_START.test(v) ? `'${v}` : v;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
