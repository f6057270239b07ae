/** Checks steps countersigned by several departments (`meta.countersign`): departments that can sign, by rules that can be met. */
import { definitionSchema } from '../definitionSchema';
import type { WalkedState, WalkedTransition } from '../stateWalk';
import type { Definition, Level } from '../types';
import { type Problem, problem } from './problems';

/** The org levels from the top (the schema's order). */
const LEVEL_ORDER: readonly Level[] = definitionSchema.$defs.level.enum;
const LEVEL_NAMES: Record<Level, string> = {
  province: '省', prefecture: '市（州）', county: '县', township: '乡镇', village: '村（社区）', site: '安置点', branch: '党支部', grid: '网格', building: '楼栋', household: '户',
};

/** Why no unit of this level can be over a case of the process, or undefined when one can. */
function levelMissing(def: Definition, level: Level): string | undefined {
  const at = LEVEL_ORDER.indexOf(level);
  if (at < LEVEL_ORDER.indexOf('county')) return `县的组织树最高一级是县，没有「${LEVEL_NAMES[level]}」一级`;
  if (at > LEVEL_ORDER.indexOf(def.caseLevel)) return `案件挂在「${LEVEL_NAMES[def.caseLevel]}」一级，它的上级里没有「${LEVEL_NAMES[level]}」`;
  return undefined;
}

/** True when the step, or a state around it, takes an event of this kind. */
function takes(def: Definition, s: WalkedState, transitions: WalkedTransition[], kind: string): boolean {
  const around = new Set<WalkedState>();
  for (let cur: WalkedState | null = s; cur; cur = cur.parent) around.add(cur);
  return transitions.some((t) => around.has(t.source) && Object.hasOwn(def.events, t.trigger) && def.events[t.trigger]!.kind === kind);
}

export function checkCountersigns(def: Definition, states: WalkedState[], transitions: WalkedTransition[], roleHeld: ((role: string) => boolean) | undefined): Problem[] {
  const out: Problem[] = [];
  for (const s of states) {
    const meta = s.node.meta;
    const rule = meta?.countersign;
    if (!rule) continue;
    const at = `${s.pointer}/meta/countersign`;
    const state = meta.label ?? s.path.join('.');
    if (s.kind !== 'atomic') out.push(problem('countersign-not-a-step', at, { state }));
    // Who decides is the departments': a role of its own, or a rule of several approvers, would say otherwise.
    if (meta.assignee) out.push(problem('countersign-conflict', `${s.pointer}/meta/assignee`, { state, what: `办理角色（assignee「${def.roles[meta.assignee]?.label ?? meta.assignee}」）` }));
    if (meta.approval) out.push(problem('countersign-conflict', `${s.pointer}/meta/approval`, { state, what: '多人审批（approval）' }));
    if (!takes(def, s, transitions, 'approve')) out.push(problem('approval-no-approve', at, { state }));
    if (rule.departments.length === 1) out.push(problem('countersign-one-department', `${at}/departments`, { state, department: rule.departments[0]!.label }));
    const seen = new Map<string, string>();
    rule.departments.forEach((d, i) => {
      const here = `${at}/departments/${i}`;
      const named = `${state}·${d.label}`;
      const earlier = seen.get(d.role);
      if (earlier !== undefined) out.push(problem('countersign-role-twice', `${here}/role`, { state, department: d.label, other: earlier, role: def.roles[d.role]?.label ?? d.role }));
      else seen.set(d.role, d.label);
      if (d.mode === 'ratio' && d.ratio === undefined) out.push(problem('approval-ratio-missing', here, { state: named }));
      if (d.mode !== 'ratio' && d.ratio !== undefined) out.push(problem('approval-ratio-unused', `${here}/ratio`, { state: named, mode: d.mode === 'any' ? '或签（any：第一人决定）' : '会签（all：人人同意）' }));
      const missing = d.level && levelMissing(def, d.level);
      if (missing) out.push(problem('countersign-no-holder', `${here}/level`, { state, department: d.label, why: missing }));
      else if (roleHeld && Object.hasOwn(def.roles, d.role) && !roleHeld(d.role)) out.push(problem('countersign-no-holder', `${here}/role`, { state, department: d.label, why: `本县没有人担任角色「${def.roles[d.role]!.label}」` }));
    });
  }
  return out;
}
