import { checkApprovals } from './approvals';
import { compile, DefinitionError } from '../compile';
import { walkMachine, walkTransitions } from '../stateWalk';
import type { Definition } from '../types';
import { checkCatalogueRefs, findRefs } from './catalogueRefs';
import { checkDataPaths } from './dataPaths';
import { checkFlow } from './flow';
import { checkForms } from './forms';
import { type Problem, problem } from './problems';
import { checkPersonalCopies } from './personalCopies';
import { checkReferences } from './references';
import { type ReviewerGate, reviewerGates } from './reviewerGates';
import { checkShape } from './shape';
import { checkCalendar, type CheckOptions, checkRolesHeld, checkSpawns } from './environment';
import { namer } from './names';
import { checkLimits, isVariation, parseSource, resolveVariation } from './source';

export type { Problem, ProblemCode, Severity } from './problems';
export { problemCatalogue } from './problems';
export type { ReviewerGate } from './reviewerGates';
export type { CheckOptions } from './environment';
export { locate } from './source';

/** What the checker found: errors (the definition cannot be used), warnings, and the reviewer gates. */
export interface CheckReport {
  ok: boolean;
  errors: Problem[];
  warnings: Problem[];
  /** States a cadre can never leave without a reviewer. */
  reviewerGates: ReviewerGate[];
  /** The definition the engine will run (the merged result for a county variation). */
  definition?: Definition;
}

function report(problems: Problem[], gates: ReviewerGate[] = [], definition?: Definition): CheckReport {
  const errors = problems.filter((p) => p.severity === 'error');
  const out: CheckReport = { ok: errors.length === 0, errors, warnings: problems.filter((p) => p.severity === 'warning'), reviewerGates: gates };
  if (definition && out.ok) out.definition = definition;
  return out;
}

/** Checks a parsed definition (a whole one, not a variation). Never throws. */
export function checkDefinition(value: unknown, options: CheckOptions = {}): CheckReport {
  const limited = checkLimits(value);
  return limited.problems.length ? report(limited.problems) : checkWithinLimits(value, options);
}

/** The checks after the size limits (which parseSource has already applied to text). */
function checkWithinLimits(value: unknown, options: CheckOptions): CheckReport {
  const shape = checkShape(value);
  if (shape.length) return report(shape);
  const def = value as Definition;
  const states = walkMachine(def);
  const transitions = walkTransitions(states);
  const refs = findRefs(states, transitions);
  const problems = [
    ...checkFlow(def, states, transitions),
    ...checkReferences(def, states, transitions, refs),
    ...checkCatalogueRefs(refs),
    ...checkForms(def),
    ...checkCalendar(def, states, options.now),
    ...checkSpawns(def, refs, options.processExists),
    ...checkRolesHeld(def, states, options.roleHeld),
    ...checkApprovals(def, states, transitions, options.roleHeld),
  ];
  if (!problems.some((p) => p.code === 'guard-unknown' || p.code === 'action-unknown' || p.code.endsWith('params-invalid'))) {
    problems.push(...checkDataPaths(def, states, transitions, refs), ...checkPersonalCopies(def, refs));
  }
  if (!problems.some((p) => p.severity === 'error')) {
    try {
      compile(def);
    } catch (e) {
      problems.push(problem('machine-invalid', e instanceof DefinitionError ? e.pointer : '/machine', { detail: (e as Error).message }));
    }
  }
  return report(problems.map(namer(def)), reviewerGates(def, states, transitions), def);
}

/**
 * Checks definition text: a whole definition, or a county variation (`extends` + `patch`)
 * merged over its template first. Problem paths point into the file the author edits:
 * under /patch where the patch sets that place, else into the merged definition.
 */
export function checkSource(text: string, options: CheckOptions = {}): CheckReport {
  const parsed = parseSource(text);
  if (parsed.problems.length) return report(parsed.problems);
  if (!isVariation(parsed.value)) return checkWithinLimits(parsed.value, options);
  const merged = resolveVariation(parsed.value, options.findTemplate ?? (() => undefined));
  if (!merged.definition) return report(merged.problems);
  const result = checkDefinition(merged.definition, options);
  const patch = (parsed.value as { patch: unknown }).patch;
  // Where the patch set the place, the problem is the county's: point into its file, and say where that sits in the template.
  const relocate = (p: Problem): Problem => (pointerExists(patch, p.path) ? { ...p, path: `/patch${p.path}`, templatePath: p.path } : p);
  return { ...result, errors: result.errors.map(relocate), warnings: result.warnings.map(relocate) };
}

function pointerExists(root: unknown, pointer: string): boolean {
  if (!pointer) return false;
  let cur: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return false;
    cur = (cur as Record<string, unknown>)[key];
  }
  return true;
}
