import { findAction, findGuard } from '../catalogue/index';
import { type FieldTypes, fieldsOf, type FormulaIssue, FormulaSyntaxError, type FormulaType, parseFormula, resultMisfit, type Typed, typeOf } from '../formula/index';
import { stepFormOf, type WalkedState, type WalkedTransition } from '../stateWalk';
import type { Definition } from '../types';
import { blankComparisons } from './blankCompare';
import { type FoundRef, formulasOf } from './catalogueRefs';
import { type Problem, problem } from './problems';
import { appendedLists, rowFieldType } from './rowFields';

type Schema = Record<string, unknown>;
const ANY = Symbol('any');
type Known = Schema | typeof ANY;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);


/** Follows one segment of a path into a schema: a property, `*` or an index for items. */
function step(schema: Known, seg: string): Known | undefined {
  if (schema === ANY) return ANY;
  const props = schema.properties;
  if (isSchema(props) && Object.hasOwn(props, seg)) return isSchema(props[seg]) ? (props[seg] as Schema) : ANY;
  if ((seg === '*' || /^\d+$/.test(seg)) && schema.items !== undefined) return isSchema(schema.items) ? (schema.items as Schema) : ANY;
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) return ANY;
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = schema[key];
    if (Array.isArray(list)) for (const sub of list) if (isSchema(sub)) { const hit = step(sub, seg); if (hit) return hit; }
  }
  return undefined;
}

/**
 * Checks that every data path a guard or action reads is defined: by a form (saved under its
 * id, or where a save/append action puts it), or written by another action.
 */
export function checkDataPaths(def: Definition, states: WalkedState[], transitions: WalkedTransition[], refs: FoundRef[]): Problem[] {
  const roots = new Map<string, Known>();
  for (const [id, form] of Object.entries(def.forms)) roots.set(id, form.schema as Schema);
  const written: string[] = [];
  const formOfRef = new Map<string, string>();
  /** The form submitted with the transition a reference sits in, if any. */
  const formOf = (pointer: string) => [...formOfRef.entries()].find(([p]) => pointer.startsWith(`${p}/`))?.[1];
  for (const t of transitions) {
    const spec = Object.hasOwn(def.events, t.trigger) ? def.events[t.trigger] : undefined;
    const form = spec?.data === 'step' ? stepFormOf(t.source) : spec?.data;
    if (form) formOfRef.set(t.pointer, form);
  }
  for (const ref of refs) {
    if (ref.kind !== 'action') continue;
    const entry = findAction(ref.name);
    if (!entry) continue;
    const form = formOf(ref.pointer);
    const schema = form && Object.hasOwn(def.forms, form) ? (def.forms[form]!.schema as Schema) : undefined;
    if ((ref.name === 'save' || ref.name === 'append') && typeof ref.params.to === 'string') {
      const to = ref.params.to;
      if (!to.includes('.')) roots.set(to, schema ? (ref.name === 'append' ? { type: 'array', items: schema } : schema) : ANY);
      else written.push(to);
      continue;
    }
    written.push(...entry.writes(ref.params));
  }

  /** The schema of the field at a data path (ANY when an action writes it), or undefined when nothing defines it. */
  const fieldAt = (path: string): Known | undefined => {
    if (written.some((w) => path === w || path.startsWith(`${w}.`) || w.startsWith(`${path}.`))) return ANY;
    const [head, ...rest] = path.split('.');
    let cur: Known | undefined = head !== undefined ? roots.get(head) : undefined;
    for (const seg of rest) {
      if (!cur) return undefined;
      cur = step(cur, seg);
    }
    return cur;
  };
  const defined = (path: string) => fieldAt(path) !== undefined;

  const out: Problem[] = [];
  for (const ref of refs) {
    const entry = ref.kind === 'guard' ? findGuard(ref.name) : findAction(ref.name);
    if (!entry) continue;
    for (const path of entry.reads(ref.params)) {
      if (path && !defined(path)) out.push(problem('data-path-unknown', ref.pointer, { dataPath: path }));
    }
  }
  const typeOfPath = (path: string): FormulaType | Typed | undefined => {
    const [head, ...rest] = path.split('.');
    if (written.some((w) => path === w || path.startsWith(`${w}.`) || w.startsWith(`${path}.`))) return 'any';
    const root = roots.get(head!);
    return root === undefined ? undefined : formulaTypeIn(root, rest);
  };
  const appended = appendedLists(refs);
  /** What a formula over the case data reads: a row's own field (entries._at), else the field at the path. */
  const formulaFields: FieldTypes = (path) => rowFieldType(path, appended) ?? typeOfPath(path);
  // A process nobody may start (startRoles: []) is spawned: its first data comes from the parent case, which this check cannot see.
  const spawnedOnly = Array.isArray(def.startRoles) && def.startRoles.length === 0;
  if (def.caseTitle?.startsWith('=')) out.push(...checkFormula(def.caseTitle, '/caseTitle', formulaFields));
  else if (def.caseTitle !== undefined && !spawnedOnly && !defined(def.caseTitle)) out.push(problem('data-path-unknown', '/caseTitle', { dataPath: def.caseTitle }));
  if (def.uniqueKey !== undefined) {
    out.push(...checkFormula(def.uniqueKey, '/uniqueKey', formulaFields));
    // A key that reads no field of the case is the same for every case: only one case of the process could ever exist.
    const key = parseFormula(def.uniqueKey);
    if (!(key instanceof FormulaSyntaxError) && fieldsOf(key).length === 0) out.push(problem('unique-key-constant', '/uniqueKey', {}));
  }
  /** The title of a field the cadre may leave empty, reached by a path (from the form submitted with the step for `submitted.…`). */
  const optional = (submitted?: Schema) => (path: string) => {
    if (written.some((w) => path === w || path.startsWith(`${w}.`) || w.startsWith(`${path}.`))) return undefined;
    const [head, ...rest] = path.split('.');
    return optionalTitle(head === 'submitted' ? submitted : roots.get(head!), rest);
  };
  // Computed deadlines and timers: a formula over the case data that must give a date.
  for (const s of states) {
    const sla = s.node.meta?.sla;
    if (typeof sla === 'string' && sla.startsWith('=')) out.push(...checkFormula(sla, `${s.pointer}/meta/sla`, formulaFields, 'date'), ...blankComparisons(sla, `${s.pointer}/meta/sla`, optional()));
  }
  // Approvers chosen in an earlier form: the list must be there.
  for (const s of states) {
    const from = s.node.meta?.approval?.chooseFrom;
    if (from && !defined(from)) out.push(problem('data-path-unknown', `${s.pointer}/meta/approval/chooseFrom`, { dataPath: from }));
    else if (from) {
      // The approvers: a list of people (their user ids, as the people picker keeps them), not one value or a table.
      const t = typeOfPath(from);
      const typed = typeof t === 'string' ? { type: t } : t;
      if (typed && typed.type !== 'any' && !(typed.type === 'list' && (typed.item === undefined || typed.item === 'text' || typed.item === 'any'))) out.push(problem('approval-choose-from-not-people', `${s.pointer}/meta/approval/chooseFrom`, { dataPath: from }));
    }
  }
  for (const [name, delay] of Object.entries(def.delays ?? {})) {
    if (delay.at !== undefined) out.push(...checkFormula(delay.at, `/delays/${name}/at`, formulaFields, 'date'), ...blankComparisons(delay.at, `/delays/${name}/at`, optional()));
  }
  for (const ref of refs) {
    if (ref.kind === 'guard' && ref.name === 'matches' && ref.params.on !== 'event') compareTypes(ref.params.schema, '', `${ref.pointer}/params/schema`, fieldAt, out);
    for (const { text, param, result } of formulasOf(ref)) {
      const form = formOf(ref.pointer);
      const submitted = form && Object.hasOwn(def.forms, form) ? (def.forms[form]!.schema as Schema) : undefined;
      out.push(...checkFormula(text, `${ref.pointer}/params/${param}`, (path) => {
        const [head, ...rest] = path.split('.');
        if (head === 'submitted') return submitted ? formulaTypeIn(submitted, rest) : undefined;
        return formulaFields(path);
      }, result), ...blankComparisons(text, `${ref.pointer}/params/${param}`, optional(submitted)));
    }
  }
  return out;
}

/**
 * The title of the field `keys` reach in a form schema when the cadre may leave it empty: some
 * step of the way is not \`required\`. Lists, computed fields (formula) and open schemas are not judged.
 */
function optionalTitle(root: Known | undefined, keys: string[]): string | undefined {
  let cur: Known | undefined = root;
  let optional = false;
  for (const key of keys) {
    if (cur === undefined || cur === ANY || cur.type === 'array' || cur.items !== undefined) return undefined;
    const props = cur.properties;
    if (!isSchema(props) || !Object.hasOwn(props, key) || !isSchema(props[key])) return undefined;
    if (!(Array.isArray(cur.required) && cur.required.includes(key))) optional = true;
    cur = props[key] as Schema;
  }
  if (!optional || cur === undefined || cur === ANY || typeof cur.formula === 'string' || cur.type === 'array') return undefined;
  return typeof cur.title === 'string' ? cur.title : keys.at(-1);
}

/** The formula type of the field a path reaches from a schema: through lists it is a list of the field's type. */
export function formulaTypeIn(root: Known, keys: string[]): Typed | undefined {
  let cur: Known = root;
  let list = false;
  for (const key of keys) {
    if (cur === ANY) return list ? { type: 'list' } : { type: 'any' };
    if (cur.type === 'array' || cur.items !== undefined) {
      list = true;
      cur = isSchema(cur.items) ? (cur.items as Schema) : ANY;
      if (cur === ANY) return { type: 'list' };
    }
    const next = step(cur, key);
    if (next === undefined) return undefined;
    cur = next;
  }
  const t = typeOfSchema(cur);
  return list ? { type: 'list', item: t === 'list' ? 'any' : t } : { type: t };
}

/** The formula type of the values a schema allows. */
function typeOfSchema(s: Known): FormulaType {
  if (s === ANY) return 'any';
  const t = s.type;
  if (t === 'number' || t === 'integer') return 'number';
  if (t === 'boolean') return 'boolean';
  if (t === 'array') return 'list';
  if (t === 'string') return s.format === 'date' ? 'date' : 'text';
  if (Array.isArray(s.enum) && s.enum.every((v) => typeof v === 'string')) return 'text';
  return 'any';
}

const FORMULA_CODES = { field: 'formula-field-unknown', function: 'formula-function-unknown', arity: 'formula-arity', type: 'formula-type', date: 'formula-date-text', result: 'formula-result-type', row: 'formula-row-field', list: 'formula-not-list' } as const;

/** Parses and type-checks a formula, and that it gives what its place wants; each problem at the formula's JSON path, naming the character it starts at. */
export function checkFormula(text: string, pointer: string, fields: FieldTypes, wanted?: FormulaType): Problem[] {
  const node = parseFormula(text);
  if (node instanceof FormulaSyntaxError) return [problem('formula-syntax', pointer, { at: node.pos + 1, detail: node.message })];
  const issues: FormulaIssue[] = [];
  const type = typeOf(node, fields, issues);
  const result = wanted && resultMisfit(node, type, wanted);
  if (result) issues.push(result);
  return issues.map((i) => problem(FORMULA_CODES[i.kind], pointer, { at: i.pos + 1, detail: i.message }));
}

const TYPE_NAMES: Record<string, string> = { string: '文字', number: '数字', integer: '整数', boolean: '是/否', array: '列表', object: '对象', null: '空值' };
const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);
const NUMERIC = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf'];
const TEXTUAL = ['minLength', 'maxLength', 'pattern', 'format'];

/** The JSON types a field may hold: its `type`, else the types of its options; undefined when open. */
function typesOf(field: Schema): string[] | undefined {
  if (typeof field.type === 'string') return [field.type];
  if (Array.isArray(field.type)) return field.type.filter((t): t is string => typeof t === 'string');
  if (Array.isArray(field.enum)) return [...new Set(field.enum.map(jsonType))];
  if (field.const !== undefined) return [jsonType(field.const)];
  return undefined;
}
const fits = (valueType: string, types: string[]) => types.includes(valueType) || (valueType === 'integer' && types.includes('number'));

/** A condition comparing a field with a value of another type is never true (a number field against "5"). */
function compareTypes(cond: unknown, prefix: string, pointer: string, fieldAt: (path: string) => Known | undefined, out: Problem[]) {
  if (!isSchema(cond)) return;
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = cond[key];
    if (Array.isArray(list)) list.forEach((sub, i) => compareTypes(sub, prefix, `${pointer}/${key}/${i}`, fieldAt, out));
  }
  for (const key of ['not', 'if', 'then', 'else']) compareTypes(cond[key], prefix, `${pointer}/${key}`, fieldAt, out);
  if (!isSchema(cond.properties)) return;
  for (const [k, sub] of Object.entries(cond.properties)) {
    const path = prefix ? `${prefix}.${k}` : k;
    const at = `${pointer}/properties/${k}`;
    const field = fieldAt(path);
    const types = field && field !== ANY ? typesOf(field) : undefined;
    if (types?.length && isSchema(sub)) {
      const name = field !== ANY && typeof field?.title === 'string' ? field.title : path;
      const mismatch = (where: string, valueType: string, value: string) =>
        out.push(problem('condition-type-mismatch', where, { field: name, fieldType: types.map((t) => TYPE_NAMES[t] ?? t).join('或'), valueType: TYPE_NAMES[valueType] ?? valueType, value }));
      if (sub.const !== undefined && !fits(jsonType(sub.const), types)) mismatch(`${at}/const`, jsonType(sub.const), JSON.stringify(sub.const));
      if (Array.isArray(sub.enum)) sub.enum.forEach((v, i) => !fits(jsonType(v), types) && mismatch(`${at}/enum/${i}`, jsonType(v), JSON.stringify(v)));
      if (typeof sub.type === 'string' && !fits(sub.type, types) && !(sub.type === 'number' && types.includes('integer'))) mismatch(`${at}/type`, sub.type, `（type: "${sub.type}"）`);
      const numeric = types.some((t) => t === 'number' || t === 'integer');
      for (const kw of NUMERIC) if (sub[kw] !== undefined && !numeric) mismatch(`${at}/${kw}`, 'number', `（${kw}: ${JSON.stringify(sub[kw])}）`);
      for (const kw of TEXTUAL) if (sub[kw] !== undefined && !types.includes('string')) mismatch(`${at}/${kw}`, 'string', `（${kw}: ${JSON.stringify(sub[kw])}）`);
    }
    compareTypes(sub, path, at, fieldAt, out);
  }
}
