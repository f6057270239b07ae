/** Dot paths into case data (`plan.households`): read and immutable write. */

/** Splits a dot path into its segments; the empty path is the root. */
export function splitPath(path: string): string[] {
  return path === '' ? [] : path.split('.');
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
  const [head, ...rest] = splitPath(path);
  if (head === undefined) return root;
  const copy: Record<string, unknown> = { ...root };
  if (rest.length === 0) {
    if (value === undefined) delete copy[head];
    else copy[head] = value;
    return copy;
  }
  const child = Object.hasOwn(root, head) ? root[head] : undefined;
  const base = child !== null && typeof child === 'object' && !Array.isArray(child) ? (child as Record<string, unknown>) : {};
  copy[head] = setPath(base, rest.join('.'), value);
  return copy;
}
