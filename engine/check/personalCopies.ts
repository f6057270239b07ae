import { formulaReads, personalRead } from '../personal';
import type { Definition } from '../types';
import type { FoundRef } from './catalogueRefs';
import { type Problem, problem } from './problems';

/**
 * A `compute` whose formula reads personal information and writes it where no form marks it
 * personal: the result is shown unmasked in lists, exports and prints. (`set` writes only a fixed
 * value or the time, so it copies nothing from a case.)
 */
export function checkPersonalCopies(def: Definition, refs: FoundRef[]): Problem[] {
  const out: Problem[] = [];
  for (const ref of refs) {
    const { expr, to } = ref.params;
    if (ref.kind !== 'action' || ref.name !== 'compute' || typeof expr !== 'string' || typeof to !== 'string') continue;
    const read = personalRead(def, formulaReads(expr));
    if (read && !personalRead(def, [to])) out.push(problem('personal-copied', `${ref.pointer}/params/expr`, { to, field: read.title }));
  }
  return out;
}
