/**
 * A form field that picks one row of a list `append` grows (`"rowOf": "entries"`, a whole number:
 * the row's id, rows.ts), as a return form picks the entry it sends back (退回这一条). On submit the
 * id must name a live row of that list; afterwards the case page marks the row the saved form picks.
 */
import { caseRecords } from './caseRecords';
import { getPath } from './dataPath';
import { rowIndexOf } from './rows';
import type { Definition, FieldError } from './types';

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A form's top-level fields that pick a row: the field, its title, and the list it picks from. */
export function rowPickers(schema: unknown): { key: string; title: string; list: string }[] {
  const props = isSchema(schema) && isSchema(schema.properties) ? schema.properties : {};
  return Object.entries(props).flatMap(([key, p]) => (isSchema(p) && typeof p.rowOf === 'string' ? [{ key, title: typeof p.title === 'string' ? p.title : key, list: p.rowOf }] : []));
}

/** The error, naming the field, when submitted data picks a row its list does not have (or has voided); else undefined. */
export function rowPickProblem(def: Definition, schema: unknown, data: unknown, caseData: unknown): FieldError | undefined {
  for (const p of rowPickers(schema)) {
    const id = isSchema(data) ? data[p.key] : undefined;
    if (id === undefined) continue;
    const rows = getPath(caseData, p.list);
    if (rowIndexOf(Array.isArray(rows) ? rows : [], id) >= 0) continue;
    const list = caseRecords(def).lists.find((l) => l.path === p.list)?.title ?? p.list;
    return { path: `/${p.key}`, field: p.title, message: `「${p.title}」须是「${list}」中的一条：没有第 ${String(id)} 条，或它已作废` };
  }
  return undefined;
}

/** A row a saved form picks now: the list, the row's id, the form's title (退回这一条), and the reason written in it, when it has one. */
export interface PickedRow {
  list: string;
  id: number;
  by: string;
  reason?: string;
}

/** The rows the case's saved forms pick (the entry a return sent back, while `returned` holds it). */
export function pickedRows(def: Definition, data: unknown): PickedRow[] {
  const out: PickedRow[] = [];
  for (const place of caseRecords(def).forms) {
    const saved = getPath(data, place.path);
    if (!isSchema(saved)) continue;
    for (const p of rowPickers(def.forms[place.formId]?.schema)) {
      const id = saved[p.key];
      if (typeof id === 'number') out.push({ list: p.list, id, by: place.title, ...(typeof saved.reason === 'string' ? { reason: saved.reason } : {}) });
    }
  }
  return out;
}
