import ExcelJS from 'exceljs';
import { toFieldErrors } from '../../engine/index';
import { createFormAjv } from '../../engine/index';
import { createCases } from '../cases/createCases';
import { notesOf } from '../metrics/notes';
import type { Db } from '../db/open';
import { AppError } from '../errors';
import { loadProcess } from '../processes';
import { canSee, type UserActor } from '../rights';
import { cellValue } from './readSheet';

/** What an import found (and, unless it was a dry run without errors, did). */
export interface ImportReport {
  dryRun: boolean;
  rows: number;
  created: number;
  errors: { row: number; column: string; message: string }[];
}

type Schema = { type?: string; title?: string; enum?: unknown[]; properties?: Record<string, Schema>; required?: string[] };

const UNIT_HEADERS = ['组织单位', '所属单位', '村（社区）'];
const MAX_ROWS = 5000;

/** Converts a cell to the field's type: 是/否 for yes/no, numbers from text. */
function coerce(value: unknown, schema: Schema): unknown {
  if (value === undefined) return undefined;
  if (schema.type === 'boolean') return value === '是' || value === true || value === 'true' ? true : value === '否' || value === false || value === 'false' ? false : value;
  if ((schema.type === 'number' || schema.type === 'integer') && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (schema.type === 'string' && typeof value === 'number') return String(value);
  return value;
}

/**
 * Creates one case per roster row (the first sheet; a 组织单位 column plus columns titled as
 * the first step's form fields). All or nothing: with any row in error nothing is created;
 * a dry run only reports.
 */
export async function importRoster(db: Db, actor: UserActor, processId: string, file: Buffer, dryRun: boolean, now: Date): Promise<ImportReport> {
  const book = new ExcelJS.Workbook();
  try {
    await book.xlsx.load(file as unknown as ArrayBuffer);
  } catch {
    throw new AppError('CF_VALIDATION', '无法读取该文件：请上传 .xlsx 格式的 Excel 名册');
  }
  const sheet = book.worksheets[0];
  if (!sheet) throw new AppError('CF_VALIDATION', 'Excel 文件中没有工作表');
  if (sheet.rowCount - 1 > MAX_ROWS) throw new AppError('CF_TOO_LARGE', `一次最多导入 ${MAX_ROWS} 行，请拆分名册`);

  return db.transaction(actor.county, async (k) => {
    const process = await loadProcess(k, actor.county, processId);
    if (!process) throw new AppError('CF_NOT_FOUND', '找不到该流程');
    const compiled = process.compiled;
    const def = compiled.definition;
    const formId = compiled.startForm;
    const form = formId ? (def.forms[formId]!.schema as Schema) : { properties: {} };
    const props = form.properties ?? {};
    const units = await k.selectFrom('org_units').select(['id', 'name', 'path']).where('county_id', '=', actor.county).execute();

    const headers = new Map<number, string>();
    sheet.getRow(1).eachCell((cell, col) => headers.set(col, String(cellValue(cell) ?? '').trim()));
    const unitCol = [...headers].find(([, h]) => UNIT_HEADERS.includes(h))?.[0];
    const fieldCols = new Map<number, string>();
    for (const [col, h] of headers) {
      const field = Object.entries(props).find(([key, s]) => s.title === h || key === h)?.[0];
      if (field && props[field]!.type !== 'array' && props[field]!.type !== 'object') fieldCols.set(col, field);
    }
    const report: ImportReport = { dryRun, rows: 0, created: 0, errors: [] };
    if (!unitCol) report.errors.push({ row: 1, column: '组织单位', message: `缺少「组织单位」列（可填单位名称或编号）` });
    // Rows are checked against the fields the roster carries; the rest is filled in later, step by step.
    const present = new Set(fieldCols.values());
    const partial = { ...form, required: (form.required ?? []).filter((f) => present.has(f)), properties: Object.fromEntries([...present].map((f) => [f, props[f]!])) };
    const validate = createFormAjv().compile(partial);
    const rows: { row: number; unit: { id: string; path: string }; data: Record<string, unknown> }[] = [];
    sheet.eachRow((row, n) => {
      if (n === 1 || !unitCol) return;
      report.rows++;
      const found = report.errors.length;
      const unitText = String(cellValue(row.getCell(unitCol)) ?? '').trim();
      const unit = units.find((u) => u.id === unitText || u.name === unitText);
      if (!unit) report.errors.push({ row: n, column: '组织单位', message: unitText ? `找不到单位「${unitText}」` : '「组织单位」必须填写' });
      else if (!canSee(actor, unit.path)) report.errors.push({ row: n, column: '组织单位', message: `无权在「${unit.name}」发起案件` });
      const data: Record<string, unknown> = {};
      for (const [col, field] of fieldCols) {
        const v = coerce(cellValue(row.getCell(col)), props[field]!);
        if (v !== undefined) data[field] = v;
      }
      if (!validate(data)) for (const e of toFieldErrors(partial, validate.errors ?? [])) report.errors.push({ row: n, column: e.field, message: e.message });
      if (unit && report.errors.length === found) rows.push({ row: n, unit, data });
    });
    // Rows that passed are started too (written only when every row passes), so one report lists every problem.
    const write = !dryRun && !report.errors.length;
    const created = await createCases(k, process, actor, rows.map((r) => ({ unit: r.unit, data: formId ? { [formId]: r.data } : {} })), now, !write);
    created.forEach((c, i) => {
      if (!c.ok) report.errors.push({ row: rows[i]!.row, ...rowError(c.error) });
      else if (write) report.created++;
    });
    report.errors.sort((a, b) => a.row - b.row);
    // All or nothing: a refused row undoes the rows created before it.
    if (report.errors.length && !dryRun) throw new RosterRefused({ ...report, created: 0 });
    return report;
  }).then((report) => {
    // Counted once committed: an import is all or nothing.
    if (report.created) notesOf(db).step(processId, 'import', 'accepted', report.created);
    return report;
  }, (e: unknown) => {
    if (e instanceof RosterRefused) return e.report;
    throw e;
  });
}

/** Where and why a row's case was refused, as the report shows it. */
function rowError(e: AppError): { column: string; message: string } {
  if (e.code === 'CF_FORBIDDEN') return { column: '组织单位', message: e.message };
  const detail = e.code === 'CF_DUPLICATE_CASE' ? undefined : e.details[0];
  return { column: detail?.field ?? '整行', message: detail?.message ?? e.message };
}

/** A real import with a refused row: the transaction is undone and the report answered. */
class RosterRefused extends Error {
  constructor(readonly report: ImportReport) {
    super('roster refused');
  }
}
