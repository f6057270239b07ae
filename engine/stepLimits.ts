/**
 * What one step may store, set by the server's configuration: the bytes of the data its event
 * records (computed fields included, which can make a small request large) and the rows of a
 * list an `append` grows. Checked before anything is written; a replay of the audit trail, which
 * passes no limits, keeps what was accepted.
 */
import { getPath } from './dataPath';
import { fieldLabel } from './fieldErrors';
import type { CompiledProcess } from './compile';
import type { CaseContext, FieldError } from './types';

/** The limits a step is held to (the server's STEP_MAX_KB and LIST_MAX_ROWS). */
export interface StepLimits {
  /** Most bytes (UTF-8 JSON) of data one step's event may record. */
  bytes: number;
  /** Most rows a list grown by `append` may hold. */
  listRows: number;
}

/** The UTF-8 length of a string, counted without encoding it. */
function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // U+0080…U+07FF take 2 bytes, the rest of the BMP 3; a surrogate pair takes 4, 2 per unit.
    if (c >= 0x800) n += c >= 0xd800 && c <= 0xdfff ? 1 : 2;
    else if (c >= 0x80) n += 1;
  }
  return n;
}

/** The bytes a value takes as UTF-8 JSON. */
const jsonBytes = (value: unknown): number => (value === undefined ? 0 : utf8Length(JSON.stringify(value)));

const sizeText = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`);

/** The data paths `append` actions of a definition grow, found once per compiled process. */
const lists = new WeakMap<CompiledProcess, string[]>();
function appendedLists(compiled: CompiledProcess): string[] {
  let found = lists.get(compiled);
  if (!found) {
    const paths = new Set<string>();
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v !== null && typeof v === 'object') {
        const o = v as { type?: unknown; params?: { to?: unknown } };
        if (o.type === 'append' && typeof o.params?.to === 'string') paths.add(o.params.to);
        Object.values(v).forEach(visit);
      }
    };
    visit(compiled.definition.machine);
    lists.set(compiled, (found = [...paths]));
  }
  return found;
}

/** The event data's size against the limit: the largest field named when over, else nothing. */
export function dataTooLarge(compiled: CompiledProcess, formId: string, data: unknown, limits: StepLimits): FieldError[] {
  const bytes = jsonBytes(data);
  if (bytes <= limits.bytes) return [];
  const schema = compiled.forms[formId]?.schema ?? {};
  const fields = data !== null && typeof data === 'object' ? Object.entries(data as Record<string, unknown>) : [];
  const [key, value] = fields.map(([k, v]) => [k, jsonBytes(v)] as const).reduce<readonly [string, number] | undefined>((a, b) => (a && a[1] >= b[1] ? a : b), undefined) ?? ['', bytes];
  const path = key ? `/${key}` : '/';
  const field = key ? fieldLabel(schema, path) : (compiled.forms[formId]?.title ?? '表单');
  return [{ path, field, message: `「${field}」有 ${sizeText(value)}，这一步要保存的数据共 ${sizeText(bytes)}，超过了每一步最多保存的 ${sizeText(limits.bytes)}` }];
}

/** Lists an `append` of this step grew past the limit, each named. */
export function listsTooLong(compiled: CompiledProcess, before: CaseContext, after: CaseContext, limits: StepLimits): FieldError[] {
  const out: FieldError[] = [];
  for (const path of appendedLists(compiled)) {
    const now = getPath(after.data, path);
    const was = getPath(before.data, path);
    if (!Array.isArray(now) || now.length <= limits.listRows || now.length <= (Array.isArray(was) ? was.length : 0)) continue;
    out.push({ path: `/${path.replace(/\./g, '/')}`, field: path, message: `列表「${path}」最多保存 ${limits.listRows} 行，已经满了，不能再追加` });
  }
  return out;
}
