import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Db } from '../db/open';
import { caseView } from '../cases/caseView';
import { loadProcess } from '../processes';
import { type UserActor, underRoots, visibleRoots } from '../rights';
import { AppError } from '../errors';
import { ledgerColumns } from './ledgerColumns';

const csvCell = (v: string | number | null) => {
  if (v === null) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * Streams the ledger (台账) of a process's cases the actor may see, as xlsx or csv,
 * reading the cases in pages so memory stays flat however many there are.
 */
export async function exportLedger(db: Db, actor: UserActor, processId: string, format: 'xlsx' | 'csv', now = new Date()): Promise<{ stream: Readable; filename: string }> {
  const setup = await db.run(actor.county, async (k) => {
    const process = await loadProcess(k, actor.county, processId);
    if (!process) throw new AppError('CF_NOT_FOUND', '找不到该流程');
    const units = await k.selectFrom('org_units').select(['id', 'name']).where('county_id', '=', actor.county).execute();
    return { process, units };
  });
  const def = setup.process.compiled.definition;
  const labels = new Map([...setup.process.compiled.states.values()].map((s) => [s.path.join('.'), s.label]));
  const columns = ledgerColumns(def, new Map(setup.units.map((u) => [u.id, u.name])), labels);
  const out = new PassThrough();
  const roots = visibleRoots(actor);
  const pages = async function* () {
    let after = '';
    for (;;) {
      const rows = await db.run(actor.county, (k) => k.selectFrom('cases').selectAll().where('county_id', '=', actor.county).where('process_id', '=', processId)
        .where(underRoots('org_path', roots)).where('id', '>', after).orderBy('id').limit(500).execute());
      if (!rows.length) return;
      yield rows.map((r) => caseView(r, now));
      after = rows.at(-1)!.id;
    }
  };
  const write = async () => {
    if (format === 'csv') {
      out.write(`\uFEFF${columns.map((c) => csvCell(c.header)).join(',')}\r\n`);
      for await (const page of pages()) {
        const text = page.map((c) => columns.map((col) => csvCell(col.value(c))).join(',')).join('\r\n');
        if (!out.write(`${text}\r\n`)) await new Promise((r) => out.once('drain', r));
      }
      out.end();
      return;
    }
    const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
    const sheet = book.addWorksheet(def.title.slice(0, 31));
    sheet.columns = columns.map((c) => ({ header: c.header, width: Math.min(40, Math.max(10, c.header.length * 2 + 2)) }));
    sheet.getRow(1).font = { bold: true };
    for await (const page of pages()) for (const c of page) sheet.addRow(columns.map((col) => col.value(c))).commit();
    sheet.commit();
    await book.commit();
  };
  write().catch((e) => out.destroy(e as Error));
  const stamp = now.toISOString().slice(0, 10);
  return { stream: out, filename: `${def.title}台账-${stamp}.${format}` };
}
