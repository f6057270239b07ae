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
  /** How to show the value: a date, money (yuan, two decimals), a number, or text. */
  kind: 'date' | 'money' | 'number' | 'text' | 'boolean';
}
export interface RecordList {
  path: string;
  title: string;
  columns: RecordColumn[];
}
export interface ComputedValue {
  path: string;
  label: string;
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


type Records = { lists: RecordList[]; computed: ComputedValue[] };
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
  const states = walkMachine(def);
  for (const t of walkTransitions(states)) {
    const spec = Object.hasOwn(def.events, t.trigger) ? def.events[t.trigger] : undefined;
    const formId = spec?.data === 'step' ? stepFormOf(t.source) : spec?.data;
    const form = formId && Object.hasOwn(def.forms, formId) ? def.forms[formId] : undefined;
    for (const ref of actionList(t.rawActions)) {
      if (typeof ref === 'string') continue;
      const p = ref.params ?? {};
      if (ref.type === 'append' && typeof p.to === 'string' && form && !lists.has(p.to)) {
        const props = isSchema(form.schema) && isSchema(form.schema.properties) ? form.schema.properties : {};
        const columns: RecordColumn[] = Object.entries(props).filter(([, s]) => isSchema(s) && s.type !== 'array' && s.type !== 'object')
          .map(([key, s]) => ({ key, title: typeof (s as Schema).title === 'string' ? ((s as Schema).title as string) : key, kind: valueKind(s as Schema) }));
        if (p.stamp === true) columns.push({ key: '_at', title: '登记时间', kind: 'text' }, { key: '_by', title: '登记人', kind: 'text' });
        lists.set(p.to, { path: p.to, title: form.title, columns });
      }
      if (ref.type === 'compute' && typeof p.to === 'string' && !computed.has(p.to)) {
        computed.set(p.to, { path: p.to, label: typeof p.label === 'string' ? p.label : p.to });
      }
    }
  }
  return { lists: [...lists.values()], computed: [...computed.values()] };
}
