/** Checks steps decided by several approvers (`meta.approval`): a rule that can be met, by people who exist. */
import type { WalkedState, WalkedTransition } from '../stateWalk';
import type { Definition } from '../types';
import { type Problem, problem } from './problems';

export function checkApprovals(def: Definition, states: WalkedState[], transitions: WalkedTransition[], roleHeld: ((role: string) => boolean) | undefined): Problem[] {
  const out: Problem[] = [];
  for (const s of states) {
    const rule = s.node.meta?.approval;
    if (!rule) continue;
    const at = `${s.pointer}/meta/approval`;
    const state = s.node.meta?.label ?? s.path.join('.');
    if (rule.mode === 'ratio' && rule.ratio === undefined) out.push(problem('approval-ratio-missing', at, { state }));
    // A share means something only when counted: 会签 (all) and 或签 (any) decide without it.
    if (rule.mode !== 'ratio' && rule.ratio !== undefined) out.push(problem('approval-ratio-unused', `${at}/ratio`, { state, mode: rule.mode === 'any' ? '或签（any：第一人决定）' : '会签（all：人人同意）' }));
    // The step (or a state around it) must take an approval.
    const around = new Set<WalkedState>();
    for (let cur: WalkedState | null = s; cur; cur = cur.parent) around.add(cur);
    const approves = transitions.some((t) => around.has(t.source) && Object.hasOwn(def.events, t.trigger) && def.events[t.trigger]!.kind === 'approve');
    if (!approves) out.push(problem('approval-no-approve', at, { state }));
    if (!rule.chooseFrom) {
      const assignee = s.node.meta?.assignee;
      if (!assignee) out.push(problem('approval-no-approvers', at, { state, why: '既没有指定办理人角色（assignee），也没有从表单选定审批人（chooseFrom）' }));
      else if (roleHeld && !roleHeld(assignee)) out.push(problem('approval-no-approvers', `${s.pointer}/meta/assignee`, { state, why: `本县没有人担任角色「${def.roles[assignee]?.label ?? assignee}」` }));
    }
  }
  return out;
}
