/** Rows by their ids: a row's own fields in formulas (entries._id, _at, _by: only rows `append` adds have them, _at and _by only when it stamps them), row actions and row pickers. */
import type { Typed } from '../formula/index';
import { READABLE_ROW_FIELDS } from '../rows';
import type { Definition } from '../types';
import type { FoundRef } from './catalogueRefs';
import { type Problem, problem } from './problems';

/** The lists `append` grows, by path, each with whether every append to it stamps the time and the person (`stamp: true`). */
export function appendedLists(refs: readonly FoundRef[]): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const ref of refs) {
    if (ref.kind !== 'action' || ref.name !== 'append' || typeof ref.params.to !== 'string') continue;
    out.set(ref.params.to, (out.get(ref.params.to) ?? true) && ref.params.stamp === true);
  }
  return out;
}

/**
 * The type a path reading a row field gives (entries._at: a list of dates); `{ missing }`, saying
 * why, when the list has no such field; null when the path reads no row field.
 */
export function rowFieldType(path: string, appended: ReadonlyMap<string, boolean>): Typed | { missing: string } | null {
  const keys = path.split('.');
  const field = keys.at(-1)!;
  if (keys.length < 2 || !field.startsWith('_')) return null;
  const list = keys.slice(0, -1).join('.');
  if (!Object.hasOwn(READABLE_ROW_FIELDS, field)) return { missing: `「${path}」：记录的每一行只有 _id（编号）、_at（登记日期）、_by（登记人）可以读，没有「${field}」` };
  const stamped = appended.get(list);
  if (stamped === undefined) return { missing: `「${path}」：只有「追加」（append）写入的列表，每一行才有 ${field}，「${list}」不是这样的列表` };
  if (field !== '_id' && !stamped) return { missing: `「${path}」：追加到「${list}」时没有记下时间和登记人（append 的 stamp 不是 true），${field} 总是空的` };
  return { type: 'list', item: READABLE_ROW_FIELDS[field as keyof typeof READABLE_ROW_FIELDS] };
}

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * What names a list by its rows' ids must name a list `append` grows: a row action (changeRow,
 * voidRow) and a form field that picks a row (`rowOf`, a top-level field holding the row's id, so
 * a whole number).
 */
export function checkRowLists(def: Definition, refs: readonly FoundRef[]): Problem[] {
  const appended = appendedLists(refs);
  const known = [...appended.keys()].join('、') || '没有';
  const out: Problem[] = [];
  for (const ref of refs) {
    const list = ref.params.list;
    if (ref.kind === 'action' && (ref.name === 'changeRow' || ref.name === 'voidRow') && typeof list === 'string' && !appended.has(list)) {
      out.push(problem('row-list-unknown', `${ref.pointer}/params/list`, { list, doing: ref.name === 'changeRow' ? '更正其中一行' : '作废其中一行', known }));
    }
  }
  for (const [formId, form] of Object.entries(def.forms)) {
    const props = (form.schema as { properties?: Record<string, Record<string, unknown>> }).properties ?? {};
    for (const [key, field] of Object.entries(props)) {
      if (field === null || typeof field !== 'object' || typeof field.rowOf !== 'string') continue;
      const at = `/forms/${escape(formId)}/schema/properties/${escape(key)}`;
      const name = typeof field.title === 'string' ? field.title : key;
      if (!appended.has(field.rowOf)) out.push(problem('row-list-unknown', `${at}/rowOf`, { list: field.rowOf, doing: `在「${name}」中挑选其中一行`, known }));
      if (field.type !== 'integer') out.push(problem('row-picker-type', at, { field: name }));
    }
  }
  return out;
}
