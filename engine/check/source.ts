import { findNodeAtLocation, parseTree, visit } from 'jsonc-parser';
import { applyMergePatch } from '../mergePatch';
import type { Definition } from '../types';
import { type Problem, problem } from './problems';

/** Limits that keep a hostile upload from hanging or exhausting the checker. */
export const LIMITS = { bytes: 1_048_576, depth: 40, values: 50_000 } as const;

/** A county variation file: a template id and a JSON Merge Patch over it. */
export interface Variation {
  extends: string;
  patch: Record<string, unknown>;
}

/** Measures nesting depth in one pass over the text, outside strings, before parsing (the server bounds request bodies with it too). */
export function maxDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) max = Math.max(max, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return max;
}

function countValues(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length && count <= limit) {
    const v = stack.pop();
    count++;
    if (v !== null && typeof v === 'object') for (const child of Object.values(v)) stack.push(child);
  }
  return count;
}

/** Parses definition text within the limits; problems instead of exceptions. */
export function parseSource(text: string): { value?: unknown; problems: Problem[] } {
  const size = new TextEncoder().encode(text).length;
  if (size > LIMITS.bytes) return { problems: [problem('too-large', '', { size, limit: LIMITS.bytes })] };
  if (maxDepth(text) > LIMITS.depth) return { problems: [problem('too-deep', '', { limit: LIMITS.depth })] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { problems: [problem('json-invalid', '', { detail: (err as Error).message })] };
  }
  const duplicates = duplicateKeys(text);
  if (duplicates.length) return { problems: duplicates };
  return checkLimits(value);
}

const escape = (k: string | number) => String(k).replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Keys written twice in one object: JSON.parse keeps the last and silently drops the first (a
 * second state or form of the same name). Found with jsonc-parser's scanner, which reports
 * every property as written; the problem points at the second one.
 */
export function duplicateKeys(text: string): Problem[] {
  const out: Problem[] = [];
  const open: Set<string>[] = [];
  visit(text, {
    onObjectBegin: () => void open.push(new Set()),
    onObjectEnd: () => void open.pop(),
    onObjectProperty: (key, _offset, _length, _line, _column, path) => {
      const seen = open[open.length - 1];
      if (!seen) return;
      if (seen.has(key)) out.push(problem('duplicate-key', `${path().map((p) => `/${escape(p)}`).join('')}/${escape(key)}`, { key }));
      seen.add(key);
    },
  });
  return out;
}

/** Line and column (1-based) of a JSON pointer in the text, for messages a county's CI prints next to the file. */
export function locate(text: string, pointer: string): { line: number; column: number } | undefined {
  // A file past the limits is reported as a whole (too-large, too-deep); its tree is never built (a recursive parse would overflow).
  if (text.length > LIMITS.bytes || maxDepth(text) > LIMITS.depth) return undefined;
  const tree = parseTree(text);
  if (!tree) return undefined;
  const path = pointer.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~')).map((k) => (/^\d+$/.test(k) ? Number(k) : k));
  let node = findNodeAtLocation(tree, path);
  // Fall back to the nearest place that exists (a missing key is reported at its object).
  for (let n = path.length - 1; !node && n >= 0; n--) node = findNodeAtLocation(tree, path.slice(0, n));
  if (!node) return undefined;
  const offset = node.parent?.type === 'property' && node.parent.children?.[1] === node ? node.parent.offset : node.offset;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Applies the depth and size limits to an already parsed value. */
export function checkLimits(value: unknown): { value?: unknown; problems: Problem[] } {
  if (maxDepth(JSON.stringify(value) ?? '') > LIMITS.depth) return { problems: [problem('too-deep', '', { limit: LIMITS.depth })] };
  if (countValues(value, LIMITS.values) > LIMITS.values) return { problems: [problem('too-many-nodes', '', { limit: LIMITS.values })] };
  return { value, problems: [] };
}

/** True when the value is a county variation (`extends` + `patch`) rather than a whole definition. */
export function isVariation(value: unknown): boolean {
  return value !== null && typeof value === 'object' && Object.hasOwn(value, 'extends');
}

/** Merges a variation over its template; problems when the file or the template is wrong. */
export function resolveVariation(
  value: unknown,
  findTemplate: (id: string) => Definition | undefined,
): { definition?: Definition; problems: Problem[] } {
  const v = value as Partial<Variation> & Record<string, unknown>;
  const extra = Object.keys(v).filter((k) => !['$schema', 'extends', 'patch'].includes(k));
  if (typeof v.extends !== 'string' || v.patch === null || typeof v.patch !== 'object' || Array.isArray(v.patch) || extra.length) {
    const detail = extra.length ? `多余的项 ${extra.join('、')}` : '需要 extends（模板编号）和 patch（JSON Merge Patch 对象）';
    return { problems: [problem('variation-invalid', '', { detail })] };
  }
  const template = findTemplate(v.extends);
  if (!template) return { problems: [problem('extends-unknown', '/extends', { id: v.extends })] };
  return { definition: applyMergePatch(template, v.patch) as Definition, problems: [] };
}
