/** A comparison on a field the cadre may leave empty: a blank compared with < <= > >= is #VALUE!, and the step is refused. */
import { callsOf, FormulaSyntaxError, type Node, parseFormula } from '../formula/index';
import { type Problem, problem } from './problems';

const ORDERED = new Set(['<', '<=', '>', '>=']);
/** Functions with which a formula decides itself what a blank or an error means. */
const HANDLES_BLANKS = ['ISBLANK', 'IFERROR', 'ISERROR'];

/** The fields a side of a comparison reads directly or through arithmetic (a function such as SUM takes blanks itself). */
function sideFields(node: Node, out: Extract<Node, { kind: 'field' }>[] = []): Extract<Node, { kind: 'field' }>[] {
  if (node.kind === 'field') out.push(node);
  else if (node.kind === 'unary') sideFields(node.arg, out);
  else if (node.kind === 'binary' && !ORDERED.has(node.op) && node.op !== '=' && node.op !== '<>' && node.op !== '&') {
    sideFields(node.left, out);
    sideFields(node.right, out);
  }
  return out;
}

function comparisons(node: Node, out: Extract<Node, { kind: 'binary' }>[] = []): Extract<Node, { kind: 'binary' }>[] {
  if (node.kind === 'binary') {
    if (ORDERED.has(node.op)) out.push(node);
    comparisons(node.left, out);
    comparisons(node.right, out);
  } else if (node.kind === 'unary') comparisons(node.arg, out);
  else if (node.kind === 'call') node.args.forEach((a) => comparisons(a, out));
  return out;
}

/**
 * Warns where a formula compares (< <= > >=) a field that is not required, without ISBLANK or
 * IFERROR: left empty, the field makes the comparison #VALUE! and the step is refused.
 * `optional(path)` gives the field's title when the path is a field a form may leave empty.
 */
export function blankComparisons(text: string, pointer: string, optional: (path: string) => string | undefined): Problem[] {
  const node = parseFormula(text);
  if (node instanceof FormulaSyntaxError) return [];
  const calls = callsOf(node);
  if (HANDLES_BLANKS.some((name) => calls.has(name))) return [];
  const out: Problem[] = [];
  const seen = new Set<string>();
  for (const c of comparisons(node)) {
    for (const f of [...sideFields(c.left), ...sideFields(c.right)]) {
      const title = seen.has(f.path) ? undefined : optional(f.path);
      if (title === undefined) continue;
      seen.add(f.path);
      out.push(problem('formula-compares-optional', pointer, { at: f.pos + 1, field: title, path: f.path, op: c.op }));
    }
  }
  return out;
}
