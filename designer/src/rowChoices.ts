/**
 * Rows of a case by their ids in the web app: a form field that picks a row (`rowOf`, as a return
 * form picks the entry it sends back) offered as a choice of the list's rows by name, and the row a
 * saved form picks, to start the form that corrects it with what the row holds.
 */
import { isVoided, rowIdAt, rowPickers } from '../../engine/index';
import type { CaseDetail, CaseFormDef } from './caseDetail';
import { formatValue } from './fieldValue';
import { t } from './i18n';

type Records = NonNullable<CaseDetail['records']>;
type RecordRows = Records['lists'][number];

/** What names a row: its id and its first three values, 第 2 条：2026-02-28 · 环境整治 · 30. */
export function rowLabel(list: RecordRows, row: Record<string, unknown>, index: number): string {
  const values = list.columns.filter((c) => !c.key.startsWith('_')).slice(0, 3).map((c) => formatValue(row[c.key], c.kind));
  return t('rows.label', { id: rowIdAt(row, index), values: values.join(' · ') });
}

/** The schema with each field that picks a row offering the list's live rows by name (one of their ids); a list with no rows leaves the field as it is. */
export function withRowChoices(schema: CaseFormDef['schema'], records: Records | undefined): CaseFormDef['schema'] {
  let out = schema;
  for (const p of rowPickers(schema)) {
    const list = records?.lists.find((l) => l.path === p.list);
    const choices = (list?.rows ?? []).flatMap((row, i) => (isVoided(row) ? [] : [{ const: rowIdAt(row, i), title: rowLabel(list!, row, i) }]));
    if (!choices.length) continue;
    out = { ...out, properties: { ...out.properties, [p.key]: { ...out.properties?.[p.key], oneOf: choices } as { title?: string } } };
  }
  return out;
}

/** The form fields of the row a saved form picks in the list `formId` appends to (the entry sent back), to start the form that corrects it; undefined when none is picked. */
export function pickedRowData(formId: string, records: Records | undefined): Record<string, unknown> | undefined {
  const list = records?.lists.find((l) => l.form === formId);
  const pick = list && records!.picked?.find((p) => p.list === list.path);
  const row = pick && list.rows.find((r, i) => rowIdAt(r, i) === pick.id);
  return row && Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('_')));
}
