/** Key completion for definitions, from definitions/definition.schema.json (the format's one source). */
import formatSchema from '../../../../definitions/definition.schema.json';

type S = Record<string, unknown>;
const root = formatSchema as S;

function resolve(s: S | undefined): S | undefined {
  if (!s) return undefined;
  const ref = s.$ref;
  if (typeof ref === 'string' && ref.startsWith('#/$defs/')) return resolve((root.$defs as S)[ref.slice(8)] as S);
  return s;
}

/** The schema(s) that may describe the value at a path: follows properties, additionalProperties, items and anyOf/oneOf/allOf. */
function at(path: string[]): S[] {
  let current: S[] = [root];
  for (const key of path) {
    const next: S[] = [];
    const add = (s: unknown) => { const r = resolve(s as S); if (r) next.push(r); };
    for (const s of current.flatMap(expand)) {
      const props = s.properties as S | undefined;
      if (props && Object.hasOwn(props, key)) add(props[key]);
      else if (s.additionalProperties && typeof s.additionalProperties === 'object') add(s.additionalProperties);
      if (/^\d+$/.test(key) && s.items) add(s.items);
    }
    current = next;
  }
  return current.flatMap(expand);
}

function expand(s: S): S[] {
  const out = [s];
  for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(s[k])) for (const sub of s[k] as S[]) { const r = resolve(sub); if (r) out.push(...expand(r)); }
  return out;
}

/** Property names allowed at a path, with their descriptions. */
export function keysAt(path: string[]): { key: string; info: string }[] {
  const seen = new Map<string, string>();
  for (const s of at(path)) for (const [k, v] of Object.entries((s.properties as S | undefined) ?? {})) if (!seen.has(k)) seen.set(k, String((resolve(v as S)?.description as string | undefined) ?? (v as S).description ?? ''));
  return [...seen].map(([key, info]) => ({ key, info }));
}
