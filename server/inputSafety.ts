/**
 * What no request may carry, whatever its route: JSON nested deeper than anything CountyFlow
 * reads, text PostgreSQL cannot store (NUL, a lone surrogate half), numbers that are not
 * finite. Each is refused with the field named, before any validation or database work.
 */
import { maxDepth } from '../engine/index';

/** Deepest nesting a request body may have (forms nest tables in groups a few levels at most). */
export const MAX_BODY_DEPTH = 64;

export { maxDepth };

/** Why a value cannot be taken: the JSON pointer of the first offending place, and what is wrong there. */
export interface Unsafe {
  path: string;
  reason: 'text' | 'number';
}

const escape = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');
/** NUL, or half of a surrogate pair without its other half (String.prototype.isWellFormed, Node 20, not yet in our TypeScript lib). */
const badText = (s: string) => s.includes('\u0000') || !(s as string & { isWellFormed(): boolean }).isWellFormed();

/** The first string (or key) holding NUL or a lone surrogate, or number that is not finite, in a parsed value. */
export function firstUnsafe(value: unknown, path = ''): Unsafe | undefined {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length) {
    const [v, at] = stack.pop()!;
    if (typeof v === 'string') {
      if (badText(v)) return { path: at || '/', reason: 'text' };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path: at || '/', reason: 'number' };
    } else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (badText(k)) return { path: `${at}/${escape(k)}`, reason: 'text' };
        stack.push([child, `${at}/${escape(k)}`]);
      }
    }
  }
  return undefined;
}

/** The Chinese detail for an unsafe place. */
export function unsafeMessage(u: Unsafe, field: string): string {
  return u.reason === 'text' ? `「${field}」含有不能保存的字符（空字符或残缺的 Unicode 字符）` : `「${field}」的数值超出范围`;
}
