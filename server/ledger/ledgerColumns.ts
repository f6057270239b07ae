import { caseRecords, getPath, type Definition, type RecordList, valueKind } from '../../engine/index';
import type { CaseView } from '../cases/caseView';
import { type LedgerKind, ledgerHeader } from './ledgerValues';

/** One ledger column: a Chinese header, how to read the cell from a case, and what kind of value it holds. */
export interface LedgerColumn {
  header: string;
  value: (c: CaseView) => string | number | null;
  /** Dates and moments are written as real dates and money in yuan with two decimals (ledgerValues.ts); none: as the value is. */
  kind?: LedgerKind;
}

type Schema = { type?: string; title?: string; format?: string; multipleOf?: number; file?: unknown; properties?: Record<string, Schema>; items?: Schema };
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A cell for any form value: lists joined with ；, yes/no in Chinese, a photo or file by its name. */
export function cellText(value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((v) => (isRecord(v) ? Object.entries(v).filter(([k]) => !k.startsWith('_')).map(([, x]) => cellText(x)).join(' ') : cellText(v))).join('；');
  const o = value as Record<string, unknown>;
  if (typeof o.sha256 === 'string' && typeof o.name === 'string') return o.name;
  return Object.values(o).map((x) => cellText(x)).join(' ');
}

const STATUS: Record<string, string> = { active: '办理中', done: '已办结' };

/**
 * The ledger's columns for a process: the case's own, then every field of every saved form, headed
 * 表单·字段 and read where the form is kept (退回修改 under `returned`), then computed values.
 * A form's lists of rows (家庭成员) are not columns: each is a sheet of its own (tableColumns).
 */
export function ledgerColumns(def: Definition, unitNames: Map<string, string>, stateLabels: Map<string, string>): LedgerColumn[] {
  const columns: LedgerColumn[] = [
    { header: '案件编号', value: (c) => c.id },
    { header: '名称', value: (c) => c.title },
    { header: '所属单位', value: (c) => unitNames.get(c.orgUnitId) ?? c.orgUnitId },
    { header: '当前环节', value: (c) => c.stateKey.split(',').map((k) => stateLabels.get(k) ?? k).join('、') },
    { header: '状态', value: (c) => STATUS[c.status] ?? c.status },
    { header: '是否超期', value: (c) => (c.overdue ? '是' : '否') },
    { header: '办理期限', value: (c) => c.dueAt, kind: 'datetime' },
    { header: '发起时间', value: (c) => c.createdAt, kind: 'datetime' },
    { header: '最后办理', value: (c) => c.updatedAt, kind: 'datetime' },
  ];
  const records = caseRecords(def);
  const tables = new Set(records.tables.map((t) => t.path));
  for (const place of records.forms) {
    const props = (def.forms[place.formId]!.schema as Schema).properties ?? {};
    for (const [field, schema] of Object.entries(props)) {
      if (tables.has(`${place.path}.${field}`)) continue;
      const kind = schema.type === 'object' || schema.type === 'array' ? 'text' : valueKind(schema as Record<string, unknown>);
      columns.push({
        header: ledgerHeader(`${place.title}·${schema.title ?? field}`, kind),
        kind,
        value: (c) => {
          const saved = getPath(c.data, place.path);
          return isRecord(saved) ? cellText(saved[field]) : null;
        },
      });
    }
  }
  // What actions compute (尚欠本金), by the author's labels; a label naming yuan is money, else the value says (a number, a date).
  for (const v of records.computed) {
    const kind: LedgerKind = v.label.includes('元') ? 'money' : undefined;
    columns.push({ header: v.label, value: (c) => cellText(getPath(c.data, v.path)), kind });
  }
  return columns;
}

/** The columns of a sheet of rows (an appended list, a form's table): the case it belongs to, the row's number, then the row's fields. */
export function tableColumns(list: RecordList): { header: string; kind?: LedgerKind; key?: string }[] {
  return [{ header: '案件编号' }, { header: '名称' }, { header: '第几条', kind: 'number' }, ...list.columns.map((c) => ({ header: ledgerHeader(c.title, c.kind), kind: c.kind, key: c.key }))];
}
