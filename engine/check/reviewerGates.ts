import type { WalkedState, WalkedTransition } from '../stateWalk';
import { rolesInStep } from '../rights';
import type { Definition } from '../types';

/** A state that no cadre can move on from: only reviewers (or timers) take the case further. */
export interface ReviewerGate {
  state: string;
  label: string;
  path: string;
  /** The roles that can move the case on from here. */
  roles: string[];
}

const CADRE_LEVELS = new Set(['village', 'site', 'branch', 'grid', 'building', 'household']);

/** True for a cadre role: declared kind `cadre`, or, without a kind, held at village level or below. */
export function isCadreRole(def: Definition, role: string): boolean {
  const r = Object.hasOwn(def.roles, role) ? def.roles[role] : undefined;
  if (!r) return false;
  return r.kind ? r.kind === 'cadre' : r.level !== undefined && CADRE_LEVELS.has(r.level);
}

/** Lists the active, non-final states whose every way on is an event only non-cadre roles may send. */
export function reviewerGates(def: Definition, states: WalkedState[], transitions: WalkedTransition[]): ReviewerGate[] {
  const gates: ReviewerGate[] = [];
  for (const s of states) {
    if (s.kind !== 'atomic') continue;
    const roles = new Set<string>();
    let cadreCan = false;
    const assignees: string[] = [];
    for (let cur: WalkedState | null = s; cur; cur = cur.parent) if (cur.node.meta?.assignee) assignees.push(cur.node.meta.assignee);
    for (let cur: WalkedState | null = s; cur; cur = cur.parent) {
      for (const t of transitions) {
        if (t.source !== cur || !t.targets.length || !Object.hasOwn(def.events, t.trigger)) continue;
        const spec = def.events[t.trigger]!;
        // At a countersign step its departments approve and return.
        const departments = s.node.meta?.countersign && (spec.kind === 'approve' || spec.kind === 'return') ? s.node.meta.countersign.departments.map((d) => d.role) : undefined;
        for (const role of departments ?? rolesInStep(spec, assignees).map((r) => (typeof r === 'string' ? r : r.role))) {
          roles.add(role);
          if (isCadreRole(def, role)) cadreCan = true;
        }
      }
    }
    if (!cadreCan && roles.size) gates.push({ state: s.path.join('.'), label: s.node.meta?.label ?? s.path.join('.'), path: s.pointer, roles: [...roles] });
  }
  return gates;
}
