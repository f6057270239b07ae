/** Problems in the definition's own words: steps, events, roles and forms by their Chinese labels, the id beside them. */
import { walkMachine } from '../stateWalk';
import type { Definition } from '../types';
import type { Problem } from './problems';
import { isSchema } from './schemaRules';

const unescape = (k: string) => k.replace(/~1/g, '/').replace(/~0/g, '~');

/** The title of the deepest field a form-schema pointer passes through (properties/<key>, items, conditional parts). */
function fieldTitle(schema: unknown, parts: string[]): string | undefined {
  let cur: unknown = schema;
  let title: string | undefined;
  for (let i = 0; i < parts.length && isSchema(cur); i++) {
    cur = cur[parts[i]!];
    if (parts[i - 1] === 'properties' && isSchema(cur)) title = typeof cur.title === 'string' ? cur.title : parts[i];
  }
  return title;
}

/** Names things the way the author sees them, once per definition. */
export function namer(def: Definition) {
  const names = new Map<string, string>();
  const states = walkMachine(def);
  const put = (key: string, label: string | undefined) => {
    if (label && label !== key && !names.has(key)) names.set(key, label);
  };
  for (const s of states) if (s.path.length) put(s.path.join('.'), s.node.meta?.label);
  for (const s of states) if (s.path.length) put(s.path.at(-1)!, s.node.meta?.label);
  for (const [k, e] of Object.entries(def.events ?? {})) put(k, e.label);
  for (const [k, r] of Object.entries(def.roles ?? {})) put(k, r.label);
  for (const [k, f] of Object.entries(def.forms ?? {})) put(k, f.title);

  /** 「registering」 becomes 「登记」(registering). */
  const words = (message: string) => message.replace(/「([^」]+)」(?!\()/g, (whole, key: string) => (names.has(key) ? `「${names.get(key)}」(${key})` : whole));

  /** The label of what a JSON pointer points at: a form field, a form, an event, a role, or the step it sits in. */
  const labelAt = (pointer: string): string | undefined => {
    const parts = pointer.split('/').slice(1).map(unescape);
    const [top, id] = parts;
    if (top === 'forms' && id) {
      const form = def.forms?.[id];
      if (!form) return undefined;
      if (parts[2] === 'schema') return fieldTitle(form.schema, parts.slice(3)) ?? form.title;
      if (parts[2] === 'uiSchema' && parts[3]) return fieldTitle(form.schema, ['properties', parts[3]]) ?? form.title;
      return form.title;
    }
    if (top === 'events' && id) return def.events?.[id]?.label;
    if (top === 'roles' && id) return def.roles?.[id]?.label;
    if (top === 'machine') {
      const holder = states.filter((s) => pointer === s.pointer || pointer.startsWith(`${s.pointer}/`)).sort((a, b) => b.pointer.length - a.pointer.length)[0];
      return holder?.node.meta?.label ?? (holder && holder.path.length ? holder.path.join('.') : undefined);
    }
    return undefined;
  };

  return (p: Problem): Problem => {
    const label = labelAt(p.path);
    return { ...p, message: words(p.message), ...(label ? { label } : {}) };
  };
}
