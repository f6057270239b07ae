import Ajv2020 from 'ajv/dist/2020.js';
import localizeZh from 'ajv-i18n/localize/zh/index.js';
import { findAction, findGuard } from '../catalogue/index';
import { compileCondition } from '../formAjv';
import type { FormulaType } from '../formula/index';
import { actionList, type WalkedState, type WalkedTransition } from '../stateWalk';
import type { CatalogueRef } from '../types';
import { type Problem, problem } from './problems';
import { ajvCompileMessage, checkSchemaRules } from './schemaRules';

/** A catalogue reference found in the definition, with where it sits. */
export interface FoundRef {
  kind: 'guard' | 'action';
  name: string;
  params: Record<string, unknown>;
  pointer: string;
}

const paramsAjv = new Ajv2020({ strict: false, allErrors: true });
const paramValidators = new Map<object, ReturnType<typeof paramsAjv.compile>>();
const validatorFor = (schema: object) => {
  let v = paramValidators.get(schema);
  if (!v) paramValidators.set(schema, (v = paramsAjv.compile(schema)));
  return v;
};

function guardRefs(ref: CatalogueRef, pointer: string, out: FoundRef[]) {
  const name = typeof ref === 'string' ? ref : ref.type;
  const params = typeof ref === 'string' ? {} : (ref.params ?? {});
  out.push({ kind: 'guard', name, params, pointer });
  const p = typeof ref === 'string' ? '' : '/params';
  if ((name === 'all' || name === 'any') && Array.isArray(params.guards)) {
    params.guards.forEach((g, i) => {
      if (typeof g === 'string' || (g && typeof g === 'object')) guardRefs(g as CatalogueRef, `${pointer}${p}/guards/${i}`, out);
    });
  }
  if (name === 'not' && params.guard !== undefined && params.guard !== null) guardRefs(params.guard as CatalogueRef, `${pointer}${p}/guard`, out);
}

function actionRefs(value: unknown, pointer: string, out: FoundRef[]) {
  const list = actionList(value);
  const single = !Array.isArray(value);
  list.forEach((ref, i) => {
    const at = single ? pointer : `${pointer}/${i}`;
    out.push({ kind: 'action', name: typeof ref === 'string' ? ref : ref.type, params: typeof ref === 'string' ? {} : (ref.params ?? {}), pointer: at });
  });
}

/** Every guard and action reference in the machine. */
export function findRefs(states: WalkedState[], transitions: WalkedTransition[]): FoundRef[] {
  const out: FoundRef[] = [];
  for (const s of states) {
    actionRefs(s.node.entry, `${s.pointer}/entry`, out);
    actionRefs(s.node.exit, `${s.pointer}/exit`, out);
  }
  for (const t of transitions) {
    if (t.guard !== undefined) guardRefs(t.guard, `${t.pointer}/guard`, out);
    actionRefs(t.rawActions, `${t.pointer}/actions`, out);
  }
  return out;
}

/** The formulas a reference's params hold (a formula guard's, a compute's, a row action's id): each with its param and what it must give. */
export function formulasOf(ref: FoundRef): { text: string; param: string; result?: FormulaType }[] {
  const entry = ref.kind === 'guard' ? findGuard(ref.name) : findAction(ref.name);
  return (entry?.formulas ?? []).flatMap((f) => {
    const text = ref.params[f.param];
    return typeof text === 'string' ? [{ text, param: f.param, ...(f.result ? { result: f.result } : {}) }] : [];
  });
}

/** Checks each reference names a catalogue entry (own entries only) and that its params fit. */
export function checkCatalogueRefs(refs: FoundRef[]): Problem[] {
  const out: Problem[] = [];
  for (const ref of refs) {
    const entry = ref.kind === 'guard' ? findGuard(ref.name) : findAction(ref.name);
    if (!entry) {
      out.push(problem(ref.kind === 'guard' ? 'guard-unknown' : 'action-unknown', ref.pointer, { name: ref.name }));
      continue;
    }
    const validate = validatorFor(entry.params);
    if (!validate(ref.params)) {
      const errors = (validate.errors ?? []).map((e) => ({ ...e }));
      localizeZh(errors);
      const detail = errors.map((e) => `${e.instancePath.slice(1).replace(/\//g, '.') || '参数'} ${e.message}`).join('；');
      out.push(problem(ref.kind === 'guard' ? 'guard-params-invalid' : 'action-params-invalid', ref.pointer, { name: ref.name, detail }));
      continue;
    }
    if (ref.kind === 'guard' && ref.name === 'matches') {
      const at = `${ref.pointer}/params/schema`;
      const before = out.length;
      checkSchemaRules(ref.params.schema, at, out, { form: false });
      if (out.length > before) continue;
      try {
        compileCondition(ref.params.schema as object);
      } catch (e) {
        const said = ajvCompileMessage((e as Error).message);
        out.push(problem('condition-invalid', `${at}${said.at}`, { detail: said.detail }));
      }
    }
  }
  return out;
}
