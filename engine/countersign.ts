/**
 * 联审/会签 across departments (`meta.countersign`): a step that passes once every department
 * listed has signed, each department by its own role (held at a level, when one is given) and
 * its own rule inside (all, any, or a share of its people); one after another or all at once.
 * Signatures are counted in the snapshot (`countersigns`) until the last department has signed;
 * then the approve event moves the case as usual. A return by anyone whose turn it is returns.
 */
import { neededOf } from './approval';
import { mayAct } from './rights';
import type { Actor, CaseSnapshot, RejectionCode, StateNodeConfig } from './types';

/** A step's countersign, as the definition declares it. */
export type CountersignRule = NonNullable<NonNullable<StateNodeConfig['meta']>['countersign']>;
/** One department of a countersign. */
export type Department = CountersignRule['departments'][number];

/** Where a countersign stands in a case: who has signed for each department (by its role), and the departments that are done, in the order they finished. */
export interface CountersignState {
  signed: Record<string, string[]>;
  done: string[];
}

/** The people of each department (by its role) as the caller knows them now: recorded with the event, so a replay counts the same. */
export type DepartmentHolders = Readonly<Record<string, readonly string[]>>;

const NONE: CountersignState = { signed: {}, done: [] };

/** The countersign's state in the snapshot for a step (nothing signed yet when absent). */
export const countersignState = (snapshot: CaseSnapshot, stepId: string): CountersignState => snapshot.countersigns?.[stepId] ?? NONE;

/** The departments whose turn it is: every one not yet done, or in order only the first of them. */
export function departmentsDue(rule: CountersignRule, state: CountersignState): Department[] {
  const open = rule.departments.filter((d) => !state.done.includes(d.role));
  return rule.order === 'sequential' ? open.slice(0, 1) : open;
}

/**
 * True when the actor is one of the department's people: among the holders the caller gave, or,
 * without them (the designer's simulator, the offered buttons), by the actor's own grants over the
 * case's unit (the role, at the department's level when it names one).
 */
export function inDepartment(d: Department, actor: Actor, unitPath: readonly string[], holders: DepartmentHolders | undefined): boolean {
  if (holders) return (holders[d.role] ?? []).includes(actor.id);
  return mayAct([d.level ? { role: d.role, level: d.level } : d.role], actor, unitPath);
}

/** The signatures a department needs: by its rule over its people when they are known (at least one), else one. */
export function neededIn(d: Department, holders: DepartmentHolders | undefined): number {
  const people = holders?.[d.role];
  return people ? Math.max(1, neededOf(d, people.length)) : 1;
}

/** True once enough of the department's people (those it has now, when known) have signed. */
function signedOff(d: Department, signed: readonly string[], holders: DepartmentHolders | undefined): boolean {
  const people = holders?.[d.role];
  const count = people ? signed.filter((id) => people.includes(id)).length : signed.length;
  return count >= neededIn(d, holders);
}

const names = (ds: readonly Department[]) => ds.map((d) => `「${d.label}」`).join('、');

/** Why someone who may not decide now is refused: their department's turn has not come or is over, else they are in none of it. */
function refusal(rule: CountersignRule, state: CountersignState, actor: Actor, unitPath: readonly string[], holders: DepartmentHolders | undefined): { code: RejectionCode; message?: string } {
  const due = departmentsDue(rule, state);
  const theirs = rule.departments.filter((d) => inDepartment(d, actor, unitPath, holders));
  if (!theirs.length) return { code: 'forbidden-role' };
  const finished = theirs.filter((d) => state.done.includes(d.role));
  if (finished.length) return { code: 'not-their-turn', message: `${names(finished)}已审批完毕，现在等待${names(due)}审批` };
  return { code: 'not-their-turn', message: `还没轮到${names(theirs)}：请等${names(due)}审批后再办理` };
}

/** What a decision at a countersign step comes to: refused, or the signatures after it and whether every department has now signed. */
export type Signing =
  | { ok: false; code: RejectionCode; message?: string }
  | { ok: true; next: CountersignState; complete: boolean };

/**
 * A decision by the actor at a countersign step. A return needs only that the actor is one of a
 * department whose turn it is. An approval counts for the first such department (in the order
 * listed) the actor has not yet signed for; the department is done once its rule is met.
 */
export function decide(kind: 'approve' | 'return', rule: CountersignRule, state: CountersignState, actor: Actor, unitPath: readonly string[], holders: DepartmentHolders | undefined): Signing {
  const mine = departmentsDue(rule, state).filter((d) => inDepartment(d, actor, unitPath, holders));
  if (!mine.length) return { ok: false, ...refusal(rule, state, actor, unitPath, holders) };
  if (kind === 'return') return { ok: true, next: state, complete: false };
  const d = mine.find((x) => !(state.signed[x.role] ?? []).includes(actor.id));
  if (!d) return { ok: false, code: 'already-approved' };
  const signed = [...(state.signed[d.role] ?? []), actor.id];
  const done = signedOff(d, signed, holders) ? [...state.done, d.role] : state.done;
  return { ok: true, next: { signed: { ...state.signed, [d.role]: signed }, done }, complete: rule.departments.every((x) => done.includes(x.role)) };
}

/** True when the buttons of this decision are the actor's to see: one of a department whose turn it is (for an approval, one they have not signed for yet). */
export function mayDecide(kind: 'approve' | 'return', rule: CountersignRule, state: CountersignState, actor: Actor, unitPath: readonly string[]): boolean {
  return departmentsDue(rule, state).some((d) => inDepartment(d, actor, unitPath, undefined) && (kind === 'return' || !(state.signed[d.role] ?? []).includes(actor.id)));
}

/** Where one department of a countersign stands, for the case page. */
export interface DepartmentView {
  label: string;
  role: string;
  mode: Department['mode'];
  /** signed: its rule is met; due: its turn now; later: waiting for the departments before it. */
  status: 'signed' | 'due' | 'later';
  /** The signatures it needs (its people known: by its rule over them). */
  needed: number;
  /** Who has signed for it, in the order they did. */
  signed: string[];
  /** Its people who have not signed (while it is not done; its people known). */
  waiting: string[];
}

/** Where a countersign step stands, department by department. */
export interface CountersignView {
  stateId: string;
  label: string;
  order: CountersignRule['order'];
  departments: DepartmentView[];
}

/** The view of a countersign step in a case, given its departments' people when known. */
export function countersignView(stateId: string, label: string, rule: CountersignRule, state: CountersignState, holders: DepartmentHolders | undefined): CountersignView {
  const due = new Set(departmentsDue(rule, state).map((d) => d.role));
  return {
    stateId, label, order: rule.order,
    departments: rule.departments.map((d) => {
      const signed = state.signed[d.role] ?? [];
      const done = state.done.includes(d.role);
      return {
        label: d.label, role: d.role, mode: d.mode, status: done ? 'signed' : due.has(d.role) ? 'due' : 'later', needed: neededIn(d, holders), signed: [...signed],
        waiting: done ? [] : (holders?.[d.role] ?? []).filter((id) => !signed.includes(id)),
      };
    }),
  };
}
