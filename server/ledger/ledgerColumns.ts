import { caseRecords, getPath, type RecordColumn, type Definition, valueKind } from '../../engine/index';
import type { CaseView } from '../cases/caseView';

/** One ledger column: a Chinese header, how to read the cell from a case, and what kind of value it holds. */
export interface LedgerColumn {
  header: string;
  value: (c: CaseView) => string | number | null;
  /** Dates are written as real dates and money with two decimals in a spreadsheet. */
  kind?: RecordColumn['kind'];
}

type Schema = { type?: string; title?: string; format?: string; multipleOf?: number; properties?: Record<string, Schema>; items?: Schema };

/** A cell for any form value: lists joined with ；, yes/no in Chinese. */
export function cellText(value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => (v !== null && typeof v === 'object' ? Object.entries(v).filter(([k]) => !k.startsWith('_')).map(([, x]) => cellText(x)).join(' ') : cellText(v))).join('；');
  return Object.values(value as object).map((x) => cellText(x)).join(' ');
}

const STATUS: Record<string, string> = { active: '办理中', done: '已办结' };

/** The ledger's columns for a process: the case's own, then every form field, headed 表单·字段. */
export function ledgerColumns(def: Definition, unitNames: Map<string, string>, stateLabels: Map<string, string>): LedgerColumn[] {
  const date = (s: string | null) => (s ? new Date(s).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }) : null);
  const columns: LedgerColumn[] = [
    { header: '案件编号', value: (c) => c.id },
    { header: '名称', value: (c) => c.title },
    { header: '所属单位', value: (c) => unitNames.get(c.orgUnitId) ?? c.orgUnitId },
    { header: '当前环节', value: (c) => c.stateKey.split(',').map((k) => stateLabels.get(k) ?? k).join('、') },
    { header: '状态', value: (c) => STATUS[c.status] ?? c.status },
    { header: '是否超期', value: (c) => (c.overdue ? '是' : '否') },
    { header: '办理期限', value: (c) => date(c.dueAt) },
    { header: '发起时间', value: (c) => date(c.createdAt) },
    { header: '最后办理', value: (c) => date(c.updatedAt) },
  ];
  for (const [formId, form] of Object.entries(def.forms)) {
    const props = (form.schema as Schema).properties ?? {};
    for (const [field, schema] of Object.entries(props)) {
      columns.push({
        header: `${form.title}·${schema.title ?? field}`,
        kind: valueKind(schema),
        value: (c) => {
          const saved = c.data[formId];
          return saved !== null && typeof saved === 'object' ? cellText((saved as Record<string, unknown>)[field]) : null;
        },
      });
    }
  }
  // What actions compute (尚欠本金), by the author's labels.
  for (const v of caseRecords(def).computed) {
    columns.push({ header: v.label, value: (c) => cellText(getPath(c.data, v.path)), kind: 'number' });
  }
  return columns;
}

/** The columns of one appended list's sheet: the case it belongs to, the entry's number, then the entry's fields. */
export function listColumns(list: { columns: RecordColumn[] }): { header: string; kind?: RecordColumn['kind']; key?: string }[] {
  return [{ header: '案件编号' }, { header: '名称' }, { header: '第几条', kind: 'number' }, ...list.columns.map((c) => ({ header: c.title, kind: c.kind, key: c.key }))];
}
