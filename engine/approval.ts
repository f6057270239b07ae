/**
 * Steps decided by several approvers: 会签 (all must approve; one return returns), 或签 (the
 * first approval decides), or a share of them. Approvals are counted in the snapshot (`votes`)
 * until the step's rule is met; then the approve event moves the case as usual.
 */
import type { ApprovalRule, StateInfo } from './compile';
import { getPath } from './dataPath';

/** Where a step's vote stands. */
export interface Ballot {
  stateId: string;
  label: string;
  mode: ApprovalRule['mode'];
  /** Who may approve. */
  approvers: string[];
  /** Who has approved so far. */
  approved: string[];
  /** How many approvals the step needs. */
  needed: number;
}

/** The approvals a rule needs out of so many approvers. */
export function neededOf(rule: ApprovalRule, approvers: number): number {
  if (rule.mode === 'any') return 1;
  if (rule.mode === 'all') return approvers;
  return Math.max(1, Math.ceil((rule.ratio ?? 1) * approvers - 1e-9));
}

/** The approvers of a step: the users an earlier form chose (chooseFrom), else those the caller says hold its role. */
export function approversOf(rule: ApprovalRule, data: unknown, given: readonly string[] | undefined): string[] {
  if (rule.chooseFrom) {
    const chosen = getPath(data, rule.chooseFrom);
    return Array.isArray(chosen) ? [...new Set(chosen.filter((x): x is string => typeof x === 'string'))] : [];
  }
  return [...new Set(given ?? [])];
}

/** The ballot of an active step with an approval rule, as it stands. */
export function ballotOf(info: StateInfo & { approval: ApprovalRule }, votes: Record<string, string[]> | undefined, data: unknown, given: readonly string[] | undefined): Ballot {
  const approvers = approversOf(info.approval, data, given);
  return {
    stateId: info.id, label: info.label, mode: info.approval.mode, approvers,
    approved: (votes?.[info.id] ?? []).filter((a) => approvers.includes(a)),
    needed: neededOf(info.approval, approvers.length),
  };
}
