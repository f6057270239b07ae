/**
 * What a case keeps besides its forms, as the case page and the ledger show it: lists that
 * `append` grows (走访记录, 还款记录), with the columns of the form that fills them, and values
 * `compute` writes (尚欠本金), with their labels. Read off the definition's graph.
 */
import { actionList, stepFormOf, walkMachine, walkTransitions } from './stateWalk';
import type { Definition } from './types';

export interface RecordColumn {
  key: string;
  title: string;
  /** How to show the value: a date, a moment (登记时间), money (yuan, two decimals), money kept in whole fen (`allocate`'s shares), a number, or text. */
  kind: 'date' | 'datetime' | 'money' | 'fen' | 'number' | 'text' | 'boolean';
}
/** A list of rows a case keeps: appended entries (走访记录) or a form's table (家庭成员), with its columns. */
export interface RecordList {
  path: string;
  title: string;
  columns: RecordColumn[];
  /** The form whose submissions `append` adds as rows (an appended list's). */
  form?: string;
}
export interface ComputedValue {
  path: string;
  label: string;
}
/** Where a form's data is kept in a case: under its id, or where a step's `save` puts it (退回修改 under `returned`). */
export interface FormPlace {
  formId: string;
  path: string;
  title: string;
}

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

/** How a form field's value is shown (case page) and typed (spreadsheet): a date, money (multipleOf 0.01), a number, yes/no, text. */
export function valueKind(s: Schema): RecordColumn['kind'] {
  if (s.type === 'boolean') return 'boolean';
  if (s.type === 'integer') return 'number';
  if (s.type === 'number') return s.multipleOf === 0.01 ? 'money' : 'number';
  return s.format === 'date' ? 'date' : 'text';
}


/** A form field as a record column: its key, title and kind. Lists and objects are not columns. */
function columnsOf(properties: unknown): RecordColumn[] {
  return Object.entries(isSchema(properties) ? properties : {}).filter(([, s]) => isSchema(s) && s.type !== 'array' && s.type !== 'object')
    .map(([key, s]) => ({ key, title: typeof (s as Schema).title === 'string' ? ((s as Schema).title as string) : key, kind: valueKind(s as Schema) }));
}

/**
 * What a case keeps, read off the definition: `lists` that `append` grows, `computed` values,
 * where each saved form is kept (`forms`), and `tables`, the lists of rows inside saved forms
 * (家庭成员, 股东名册) with the columns `allocate` adds to them (分得金额, in fen).
 */
type Records = { lists: RecordList[]; computed: ComputedValue[]; forms: FormPlace[]; tables: RecordList[] };
/** Read once per definition: published definitions are frozen and shared, and every case page asks. */
const cache = new WeakMap<Definition, Records>();

/** The lists and computed values a definition keeps in its cases, in the order the flow meets them. */
export function caseRecords(def: Definition): Records {
  let hit = cache.get(def);
  if (!hit) cache.set(def, (hit = readRecords(def)));
  return hit;
}

function readRecords(def: Definition): Records {
  const lists = new Map<string, RecordList>();
  const computed = new Map<string, ComputedValue>();
  const saved = new Map<string, FormPlace>();
  const appended = new Set<string>();
  const allocated = new Map<string, RecordColumn[]>();
  const touched = new Map<string, Set<string>>();
  const states = walkMachine(def);
  for (const t of walkTransitions(states)) {
    const spec = Object.hasOwn(def.events, t.trigger) ? def.events[t.trigger] : undefined;
    const formId = spec?.data === 'step' ? stepFormOf(t.source) : spec?.data;
    const form = formId && Object.hasOwn(def.forms, formId) ? def.forms[formId] : undefined;
    for (const ref of actionList(t.rawActions)) {
      if (typeof ref === 'string') continue;
      const p = ref.params ?? {};
      if (ref.type === 'save' && formId && form) {
        const path = typeof p.to === 'string' && p.to ? p.to : formId;
        saved.set(`${formId} ${path}`, { formId, path, title: form.title });
      }
      if (ref.type === 'append' && formId) appended.add(formId);
      if (ref.type === 'append' && typeof p.to === 'string' && form && !lists.has(p.to)) {
        const columns = columnsOf(isSchema(form.schema) ? form.schema.properties : undefined);
        if (p.stamp === true) columns.push({ key: '_at', title: '登记时间', kind: 'datetime' }, { key: '_by', title: '登记人', kind: 'text' });
        lists.set(p.to, { path: p.to, title: form.title, columns, form: formId });
      }
      if ((ref.type === 'changeRow' || ref.type === 'voidRow') && typeof p.list === 'string') touched.set(p.list, new Set([...(touched.get(p.list) ?? []), ref.type]));
      if (ref.type === 'allocate' && typeof p.roster === 'string' && typeof p.to === 'string') {
        allocated.set(p.roster, [...(allocated.get(p.roster) ?? []), { key: p.to, title: '分得金额', kind: 'fen' }]);
      }
      if (ref.type === 'compute' && typeof p.to === 'string' && !computed.has(p.to)) {
        computed.set(p.to, { path: p.to, label: typeof p.label === 'string' ? p.label : p.to });
      }
    }
  }
  // A row corrected (更正) or voided (作废) by its id says when, and who did it.
  for (const [path, how] of touched) {
    const list = lists.get(path);
    if (!list) continue;
    if (how.has('changeRow')) list.columns.push({ key: '_changedAt', title: '更正时间', kind: 'datetime' }, { key: '_changedBy', title: '更正人', kind: 'text' });
    if (how.has('voidRow')) list.columns.push({ key: '_voidAt', title: '作废时间', kind: 'datetime' }, { key: '_voidBy', title: '作废人', kind: 'text' });
  }
  // A form no step saves or appends is kept under its id (the start form, a roster's prefill).
  const forms = Object.entries(def.forms).flatMap(([formId, form]) => {
    // A form kept in more than one place (表决 under `meeting`, or under `meetingRejected` when it fails) names the others by their path.
    const places = [...saved.values()].filter((f) => f.formId === formId).map((f, _i, all) => (all.length > 1 && f.path !== formId ? { ...f, title: `${form.title}（${f.path}）` } : f));
    return places.length || appended.has(formId) ? places : [{ formId, path: formId, title: form.title }];
  });
  const tables: RecordList[] = [];
  for (const place of forms) {
    const schema = def.forms[place.formId]!.schema as Schema;
    for (const [key, s] of Object.entries(isSchema(schema.properties) ? schema.properties : {})) {
      if (!isSchema(s) || s.type !== 'array' || !isSchema(s.items) || !isSchema(s.items.properties)) continue;
      const path = `${place.path}.${key}`;
      const title = `${place.title}·${typeof s.title === 'string' ? s.title : key}`;
      tables.push({ path, title, columns: [...columnsOf(s.items.properties), ...(allocated.get(path) ?? [])] });
    }
  }
  return { lists: [...lists.values()], computed: [...computed.values()], forms, tables };
}
