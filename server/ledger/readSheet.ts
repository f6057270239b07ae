import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { AppError } from '../errors';

/** A cell's value as a roster means it: dates as YYYY-MM-DD, rich text as its text, formulas as their result; blank as undefined. */
export function cellValue(cell: ExcelJS.Cell): unknown {
  const v = cell.value;
  if (v === null || v === undefined || v === '') return undefined;
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object' && 'text' in v) return String((v as { text: string }).text);
  if (typeof v === 'object' && 'result' in v) return (v as { result: unknown }).result;
  return v;
}

/** The first sheet of a roster: its header row's titles (trimmed) and each later row's cells by title, with the row number. */
export interface Sheet {
  headers: string[];
  rows: { row: number; cells: Record<string, string> }[];
}

/** True when the bytes start as an xlsx (a zip) does. */
const isZip = (file: Buffer) => file.length > 3 && file[0] === 0x50 && file[1] === 0x4b;

/**
 * Reads an .xlsx or a .csv roster (UTF-8, with or without BOM) into rows of text keyed by header,
 * refusing, in Chinese, a file it cannot read or one longer than `maxRows`.
 */
export async function readSheet(file: Buffer, maxRows: number): Promise<Sheet> {
  const book = new ExcelJS.Workbook();
  let sheet: ExcelJS.Worksheet | undefined;
  try {
    if (isZip(file)) {
      await book.xlsx.load(file as unknown as ArrayBuffer);
      sheet = book.worksheets[0];
    } else {
      const text = file.toString('utf8').replace(/^\uFEFF/, '');
      if (text.includes('\uFFFD')) throw new AppError('CF_VALIDATION', 'CSV 文件须为 UTF-8 编码（在 Excel 中另存为「CSV UTF-8」）');
      sheet = await book.csv.read(Readable.from([text]), { parserOptions: { delimiter: ',' } });
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('CF_VALIDATION', '无法读取该文件：请上传 .xlsx 或 .csv 格式的名册');
  }
  if (!sheet) throw new AppError('CF_VALIDATION', '文件中没有工作表');
  if (sheet.rowCount - 1 > maxRows) throw new AppError('CF_TOO_LARGE', `一次最多导入 ${maxRows} 行，请拆分名册`);
  const headers: string[] = [];
  sheet.getRow(1).eachCell((cell, col) => (headers[col] = String(cellValue(cell) ?? '').trim()));
  const rows: Sheet['rows'] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const cells: Record<string, string> = {};
    headers.forEach((h, col) => {
      const v = cellValue(row.getCell(col));
      if (h && v !== undefined) cells[h] = String(v).trim();
    });
    if (Object.values(cells).some((v) => v !== '')) rows.push({ row: n, cells });
  });
  return { headers: headers.filter(Boolean), rows };
}
