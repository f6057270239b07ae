/** Dot paths into case data (`plan.households`): read and immutable write. */

const splitCache = new Map<string, string[]>();

/** Splits a dot path into its segments; the empty path is the root. Paths come from definitions, so few: cached. */
export function splitPath(path: string): string[] {
  let keys = splitCache.get(path);
  if (!keys) {
    keys = path === '' ? [] : path.split('.');
    if (splitCache.size < 10_000) splitCache.set(path, keys);
  }
  return keys;
}

/** Reads the value at a dot path, or undefined when any step is missing. */
export function getPath(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const key of splitPath(path)) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Returns a copy of `root` with `value` at the dot path, creating objects on the way; `undefined` deletes. */
export function setPath(root: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = splitPath(path);
  return keys.length ? setKeys(root, keys, 0, value) : root;
}

function setKeys(root: Record<string, unknown>, keys: string[], i: number, value: unknown): Record<string, unknown> {
  const key = keys[i]!;
  if (i === keys.length - 1 && value === undefined) {
    if (!Object.hasOwn(root, key)) return root;
    // Copied without the key rather than `delete`d from a copy: a deleted key turns the object into a slow dictionary.
    const rest: Record<string, unknown> = {};
    for (const k of Object.keys(root)) if (k !== key) rest[k] = root[k];
    return rest;
  }
  const copy: Record<string, unknown> = { ...root };
  if (i === keys.length - 1) {
    copy[key] = value;
    return copy;
  }
  const child = Object.hasOwn(root, key) ? root[key] : undefined;
  const base = child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  copy[key] = setKeys(base, keys, i + 1, value);
  return copy;
}
