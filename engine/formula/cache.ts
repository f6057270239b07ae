import { type Compiled, compileFormula } from './compileFormula';
import { FormulaSyntaxError, type Node, parse } from './syntax';

/** A formula once parsed: its tree, and its closure once it is first evaluated. */
interface Entry {
  node: Node;
  run?: Compiled;
}
const cache = new Map<string, Entry | FormulaSyntaxError>();

function entryOf(text: string): Entry | FormulaSyntaxError {
  let hit = cache.get(text);
  if (!hit) {
    try {
      hit = { node: parse(text) };
    } catch (e) {
      hit = e instanceof FormulaSyntaxError ? e : new FormulaSyntaxError(String(e), 0);
    }
    if (cache.size > 2_000) cache.delete(cache.keys().next().value as string);
    cache.set(text, hit);
  }
  return hit;
}

/** Parses a formula once per distinct text; a syntax error is returned, not thrown. */
export function parseFormulaCached(text: string): Node | FormulaSyntaxError {
  const hit = entryOf(text);
  return hit instanceof FormulaSyntaxError ? hit : hit.node;
}

/** A formula compiled once per distinct text (compileFormula.ts); null when it does not parse. */
export function compiledFormula(text: string): Compiled | null {
  const hit = entryOf(text);
  if (hit instanceof FormulaSyntaxError) return null;
  return (hit.run ??= compileFormula(hit.node));
}
