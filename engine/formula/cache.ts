import { FormulaSyntaxError, type Node, parse } from './syntax';

const cache = new Map<string, Node | FormulaSyntaxError>();

/** Parses a formula once per distinct text; a syntax error is returned, not thrown. */
export function parseFormulaCached(text: string): Node | FormulaSyntaxError {
  let hit = cache.get(text);
  if (!hit) {
    try {
      hit = parse(text);
    } catch (e) {
      hit = e instanceof FormulaSyntaxError ? e : new FormulaSyntaxError(String(e), 0);
    }
    if (cache.size > 2_000) cache.delete(cache.keys().next().value as string);
    cache.set(text, hit);
  }
  return hit;
}
