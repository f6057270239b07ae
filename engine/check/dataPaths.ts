import { findAction, findGuard } from '../catalogue/index';
import type { WalkedState, WalkedTransition } from '../stateWalk';
import type { Definition } from '../types';
import type { FoundRef } from './catalogueRefs';
import { type Problem, problem } from './problems';

type Schema = Record<string, unknown>;
const ANY = Symbol('any');
type Known = Schema | typeof ANY;
const isSchema = (v: unknown): v is Schema => v !== null && typeof v === 'object' && !Array.isArray(v);

function formOfState(s: WalkedState): string | undefined {
  for (let cur: WalkedState | null = s; cur; cur = cur.parent) if (cur.node.meta?.form) return cur.node.meta.form;
  return undefined;
}

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
export function checkDataPaths(def: Definition, transitions: WalkedTransition[], refs: FoundRef[]): Problem[] {
  const roots = new Map<string, Known>();
  for (const [id, form] of Object.entries(def.forms)) roots.set(id, form.schema as Schema);
  const written: string[] = [];
  const formOfRef = new Map<string, string>();
  for (const t of transitions) {
    const spec = Object.hasOwn(def.events, t.trigger) ? def.events[t.trigger] : undefined;
    const form = spec?.data === 'step' ? formOfState(t.source) : spec?.data;
    if (form) formOfRef.set(`${t.pointer}/actions`, form);
  }
  for (const ref of refs) {
    if (ref.kind !== 'action') continue;
    const entry = findAction(ref.name);
    if (!entry) continue;
    const form = [...formOfRef.entries()].find(([p]) => ref.pointer.startsWith(p))?.[1];
    const schema = form && Object.hasOwn(def.forms, form) ? (def.forms[form]!.schema as Schema) : undefined;
    if ((ref.name === 'save' || ref.name === 'append') && typeof ref.params.to === 'string') {
      const to = ref.params.to;
      if (!to.includes('.')) roots.set(to, schema ? (ref.name === 'append' ? { type: 'array', items: schema } : schema) : ANY);
      else written.push(to);
      continue;
    }
    written.push(...entry.writes(ref.params));
  }

  const defined = (path: string): boolean => {
    if (written.some((w) => path === w || path.startsWith(`${w}.`) || w.startsWith(`${path}.`))) return true;
    const [head, ...rest] = path.split('.');
    let cur: Known | undefined = head !== undefined ? roots.get(head) : undefined;
    for (const seg of rest) {
      if (!cur) return false;
      cur = step(cur, seg);
    }
    return cur !== undefined;
  };

  const out: Problem[] = [];
  for (const ref of refs) {
    const entry = ref.kind === 'guard' ? findGuard(ref.name) : findAction(ref.name);
    if (!entry) continue;
    for (const path of entry.reads(ref.params)) {
      if (path && !defined(path)) out.push(problem('data-path-unknown', ref.pointer, { dataPath: path }));
    }
  }
  return out;
}
