import { checkApprovals } from './approvals';
import { compile, DefinitionError } from '../compile';
import { walkMachine, walkTransitions } from '../stateWalk';
import type { Definition } from '../types';
import { checkCatalogueRefs, findRefs } from './catalogueRefs';
import { checkCountersigns } from './countersigns';
import { checkDataPaths } from './dataPaths';
import { checkFlow } from './flow';
import { checkForms } from './forms';
import { type Problem, problem } from './problems';
import { checkPersonalCopies } from './personalCopies';
import { checkReadOrder } from './readOrder';
import { checkReferences } from './references';
import { checkRowLists } from './rowFields';
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
    ...checkCountersigns(def, states, transitions, options.roleHeld),
  ];
  if (!problems.some((p) => p.code === 'guard-unknown' || p.code === 'action-unknown' || p.code.endsWith('params-invalid'))) {
    problems.push(...checkDataPaths(def, states, transitions, refs), ...checkReadOrder(def, states, transitions, refs), ...checkPersonalCopies(def, refs), ...checkRowLists(def, refs));
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
  const relocate = (p: Problem): Problem => (valueAt(patch, p.path) !== undefined ? { ...p, path: `/patch${p.path}`, templatePath: p.path } : p);
  const deleted = deletedFormInUse(patch, merged.definition, options.findTemplate?.((parsed.value as { extends: string }).extends));
  const errors = result.errors.map((p) => deleted(p) ?? relocate(p));
  return { ...result, ok: errors.length === 0, errors, warnings: result.warnings.map(relocate) };
}

/** The value at a JSON pointer (null where the patch deletes), or undefined when there is nothing there. */
function valueAt(root: unknown, pointer: string): unknown {
  if (!pointer) return undefined;
  let cur: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * A form the patch deletes (`"forms": {"visit": null}`) that the merged definition still uses: the
 * county's doing, so reported under /patch where it deletes it, with the template's place of use beside it.
 */
function deletedFormInUse(patch: unknown, merged: Definition, template: Definition | undefined) {
  return (p: Problem): Problem | undefined => {
    if (p.code !== 'form-unknown') return undefined;
    const id = valueAt(merged, p.path);
    const at = typeof id === 'string' ? `/forms/${id.replace(/~/g, '~0').replace(/\//g, '~1')}` : '';
    if (typeof id !== 'string' || valueAt(patch, at) !== null || !template || !Object.hasOwn(template.forms, id)) return undefined;
    const where = p.label ? `${p.path.startsWith('/events/') ? '操作' : '环节'}「${p.label}」` : p.path;
    const found = problem('patch-form-in-use', `/patch${at}`, { form: template.forms[id]!.title ?? id, id, where });
    return { ...found, templatePath: p.path, ...(p.label ? { label: p.label } : {}) };
  };
}
