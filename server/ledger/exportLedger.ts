import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Db } from '../db/open';
import { type CaseView, caseView } from '../cases/caseView';
import { recordPersonalAccess } from '../cases/personalLog';
import { personalData, withMaskedData } from '../cases/personalView';
import { loadProcess } from '../processes';
import { type UserActor, underRoots } from '../rights';
import { type CaseFilter, filteredCases, scopeRoots } from '../cases/caseQueries';
import { AppError } from '../errors';
import { caseRecords, type CompiledProcess, getPath, pathKey } from '../../engine/index';
import { csvCell } from './csvCell';
import { cellText, ledgerColumns, tableColumns } from './ledgerColumns';
import { csvText, xlsxValue } from './ledgerValues';

/** Who exported a ledger (name and username) and when (Beijing time), as the file carries them. */
export function exportStamp(actor: UserActor, now: Date): { who: string; when: string } {
  return { who: `${actor.name}（${actor.username}）`, when: now.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) };
}

/** The dashboard's filters an export honours: when cases were started, where, at which step, overdue. */
export type LedgerFilter = Pick<CaseFilter, 'createdFrom' | 'createdTo' | 'orgUnitId' | 'state' | 'status' | 'overdue'>;

/**
 * Streams the ledger (台账) of a process's cases the actor may see, as xlsx or csv,
 * reading the cases in pages so memory stays flat however many there are.
 */
export async function exportLedger(db: Db, actor: UserActor, processId: string, format: 'xlsx' | 'csv', now: Date, fresh = false, filter: LedgerFilter = {}): Promise<{ stream: Readable; filename: string }> {
  const setup = await db.read(actor.county, fresh, async (k) => {
    const process = await loadProcess(k, actor.county, processId);
    if (!process) throw new AppError('CF_NOT_FOUND', '找不到该流程');
    const units = await k.selectFrom('org_units').select(['id', 'name']).where('county_id', '=', actor.county).execute();
    // The dashboard's unit narrows what is exported, never beyond what the actor may see.
    return { process, units, roots: await scopeRoots(k, actor, filter.orgUnitId) };
  });
  const latest = setup.process.compiled;
  const def = latest.definition;
  const filename = `${def.title}台账-${now.toISOString().slice(0, 10)}.${format}`;
  // Recorded before a byte is sent: an export nobody can trace is not made.
  await db.run(actor.county, (k) => recordPersonalAccess(k, actor, { kind: 'export', processId, processTitle: def.title, format, filename }, now));
  const exported = exportStamp(actor, now);
  const labels = new Map([...setup.process.compiled.states.values()].map((s) => [pathKey(s.path), s.label]));
  const columns = ledgerColumns(def, new Map(setup.units.map((u) => [u.id, u.name])), labels);
  const out = new PassThrough();
  const { roots } = setup;
  const versions = new Map<number, CompiledProcess>();
  const pages = async function* () {
    let after = '';
    for (;;) {
      const page = await db.read(actor.county, fresh, async (k) => {
        const cases = k.selectFrom('cases').selectAll().where('county_id', '=', actor.county).where(underRoots('org_path', roots));
        const rows = await filteredCases(cases, actor, { ...filter, processId }, now).where('id', '>', after).orderBy('id').limit(500).execute();
        // Each case masked by its own version's fields and the latest's (the columns'), unless the exporter is on its step.
        const views: CaseView[] = [];
        for (const r of rows) {
          let own = versions.get(r.process_version);
          if (!own) versions.set(r.process_version, (own = (await loadProcess(k, actor.county, r.process_id, r.process_version))?.compiled ?? latest));
          const view = caseView(r, now);
          views.push(withMaskedData(own, view, personalData(actor, own, r, view.data, latest).data));
        }
        return { views, last: rows.at(-1)?.id };
      });
      if (!page.last) return;
      yield page.views;
      after = page.last;
    }
  };
  const records = caseRecords(def);
  // Lists of rows (家庭成员, 股东名册, 走访记录) are sheets of their own in the xlsx; the CSV is one table and says where they are.
  const tables = [...records.tables, ...records.lists];
  const write = async () => {
    if (format === 'csv') {
      // First row: who exported and when, and where the lists are (as many cells as the header, so every row has the same), then the header.
      const elsewhere = tables.length ? `${tables.map((l) => l.title).join('、')}每条一行，见 xlsx 导出中同名的工作表（本 CSV 不含）` : null;
      const stamp = [`导出人：${exported.who}`, `导出时间：${exported.when}`, elsewhere, ...columns.slice(3).map(() => null)];
      out.write(`\uFEFF${stamp.map((v) => csvCell(v)).join(',')}\r\n${columns.map((c) => csvCell(c.header)).join(',')}\r\n`);
      for await (const page of pages()) {
        const text = page.map((c) => columns.map((col) => csvText(col.value(c), col.kind)).join(',')).join('\r\n');
        if (!out.write(`${text}\r\n`)) await new Promise((r) => out.once('drain', r));
      }
      out.end();
      return;
    }
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
    // Who exported and when: the workbook's properties, and the header of every printed page.
    book.creator = exported.who;
    book.lastModifiedBy = exported.who;
    book.created = now;
    book.modified = now;
    const pageHeader = `&L${`导出人：${exported.who}`.replace(/&/g, '&&')}&R${`导出时间：${exported.when}`}`;
    // A frozen header row with filters; sheet names are at most 31 characters and unique.
    const names = new Set<string>();
    const addSheet = (title: string, headers: string[]) => {
      const base = title.replace(/[\\/?*[\]:]/g, ' ').slice(0, 28);
      let name = base;
      for (let n = 2; names.has(name); n++) name = `${base}(${n})`;
      names.add(name);
      const sheet = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }], headerFooter: { oddHeader: pageHeader, differentFirst: false, differentOddEven: false } });
      sheet.columns = headers.map((header) => ({ header, width: Math.min(40, Math.max(12, header.length * 2 + 2)) }));
      sheet.getRow(1).font = { bold: true };
      sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: headers.length } };
      return sheet;
    };
    // Dates as real dates, money in yuan with two decimals: each cell typed and formatted by its column's kind.
    const addRow = (sheet: ExcelJS.Worksheet, cells: { value: unknown; numFmt?: string }[]) => {
      const row = sheet.addRow(cells.map((c) => c.value));
      cells.forEach((c, i) => c.numFmt && (row.getCell(i + 1).numFmt = c.numFmt));
      row.commit();
    };
    const main = addSheet(def.title, columns.map((c) => c.header));
    for await (const page of pages()) for (const c of page) addRow(main, columns.map((col) => xlsxValue(col.value(c), col.kind)));
    main.commit();
    // Each list of rows on a sheet of its own: one row per entry, linked by the case number.
    for (const list of tables) {
      const cols = tableColumns(list);
      const sheet = addSheet(list.title, cols.map((c) => c.header));
      for await (const page of pages()) {
        for (const c of page) {
          const rows = getPath(c.data, list.path);
          if (!Array.isArray(rows)) continue;
          rows.forEach((row, i) => {
            const r = row !== null && typeof row === 'object' ? (row as Record<string, unknown>) : {};
            addRow(sheet, [{ value: c.id }, { value: c.title }, { value: i + 1 }, ...cols.slice(3).map((col) => xlsxValue(cellText(r[col.key!]), col.kind))]);
          });
        }
      }
      sheet.commit();
    }
    await book.commit();
  };
  write().catch((e) => out.destroy(e as Error));
  return { stream: out, filename };
}
