/** A row's own fields in formulas (entries._id, entries._at, entries._by): only rows `append` adds have them, and _at and _by only when it stamps them. */
import type { Typed } from '../formula/index';
import { READABLE_ROW_FIELDS } from '../rows';
import type { FoundRef } from './catalogueRefs';

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
