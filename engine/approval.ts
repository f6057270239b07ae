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
  /** The step's rule; 'one' for a one-person step that people were added to (加签). */
  mode: ApprovalRule['mode'] | 'one';
  /** Who may approve: the rule's approvers (empty: any holder of the step's role), then those added. */
  approvers: string[];
  /** Those added by 加签: each of them must approve too. */
  added: string[];
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

/**
 * The ballot of an active step decided by several people — by its approval rule, or because
 * people were added to it (加签) — or null for a step one person decides.
 */
export function ballotOf(info: StateInfo, votes: Record<string, string[]> | undefined, added: readonly string[] | undefined, data: unknown, given: readonly string[] | undefined): Ballot | null {
  const extra = [...new Set(added ?? [])];
  const base = info.approval ? approversOf(info.approval, data, given) : [];
  if (!extra.length && !base.length) return null;
  const baseNeeded = info.approval && base.length ? neededOf(info.approval, base.length) : 1;
  return {
    stateId: info.id, label: info.label, mode: info.approval && base.length ? info.approval.mode : 'one',
    approvers: [...base, ...extra.filter((a) => !base.includes(a))], added: extra,
    approved: votes?.[info.id] ?? [], needed: baseNeeded + extra.length,
  };
}

/** True once every added person and enough of the rule's approvers (or, for a one-person step, its one) have approved. */
export function ballotMet(b: Ballot, approved: readonly string[]): boolean {
  const fromAdded = b.added.filter((a) => approved.includes(a)).length;
  return fromAdded === b.added.length && approved.length - fromAdded >= b.needed - b.added.length;
}
