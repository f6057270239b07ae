/** The machine as nodes and edges with the words a reviewer reads on the graph. */
import { resolveTarget, walkStates, walkTransitions } from '../../../../engine/index';
import type { CatalogueRef, Definition } from '../../../../engine/index';
import { describeGuard, eventFormOf } from './conditions';
import { deadlineOf } from './machineEdit';

export interface StateNodeData {
  key: string;
  path: string[];
  label: string;
  form?: string;
  assignee?: string;
  deadline?: string;
  final: boolean;
  initial: boolean;
  compound: boolean;
  [k: string]: unknown;
}

export interface FlowEdge {
  id: string;
  source: string;
  target: string;
  trigger: string;
  index: number;
  label: string;
  detail: string;
  [k: string]: unknown;
}

const UNIT_WORDS = { workingDays: '个工作日', days: '天', hours: '小时' } as const;

export function deadlineText(d: Definition, path: string[]): string | undefined {
  const dl = deadlineOf(d, path);
  if (dl) return `${dl.amount} ${UNIT_WORDS[dl.unit]}`;
  return undefined;
}

const rolesText = (d: Definition, event: string) => (d.events[event]?.roles ?? []).map((r) => {
  const id = typeof r === 'string' ? r : r.role;
  return d.roles[id]?.label ?? id;
}).join('、');

export function graphOf(d: Definition): { nodes: StateNodeData[]; edges: FlowEdge[] } {
  const states = walkStates(d.machine.id ?? 'case', d.machine as never);
  const nodes = states.filter((s) => s.path.length > 0).map((s): StateNodeData => {
    const parent = s.parent;
    const form = s.node.meta?.form;
    const assignee = s.node.meta?.assignee;
    return {
      key: s.path.join('.'), path: s.path, label: s.node.meta?.label ?? s.path.at(-1)!,
      form: form ? d.forms[form]?.title ?? form : undefined,
      assignee: assignee ? d.roles[assignee]?.label ?? assignee : undefined,
      deadline: deadlineText(d, s.path),
      final: s.kind === 'final', compound: s.kind === 'compound' || s.kind === 'parallel',
      initial: (parent?.node.initial ?? d.machine.initial) === s.path.at(-1),
    };
  });
  const counters = new Map<string, number>();
  const edges: FlowEdge[] = [];
  for (const t of walkTransitions(states)) {
    if (t.source.path.length === 0) continue;
    for (const target of t.targets) {
      const to = resolveTarget(states, t.source, target);
      if (!to || to.path.length === 0) continue;
      const key = `${t.source.path.join('.')}|${t.trigger}`;
      const index = counters.get(key) ?? 0;
      counters.set(key, index + 1);
      const guard = t.guard as CatalogueRef | undefined;
      let label: string;
      if (t.trigger.startsWith('after:')) label = `超时（${deadlineText(d, t.source.path) ?? t.trigger.slice(6)}）`;
      else if (t.trigger === 'done') label = '子环节完成';
      else if (t.trigger === 'always') label = '自动';
      else label = d.events[t.trigger]?.label ?? t.trigger;
      const who = t.trigger.includes(':') || t.trigger === 'done' || t.trigger === 'always' ? '' : rolesText(d, t.trigger);
      edges.push({
        id: `${key}|${index}|${to.path.join('.')}`, source: t.source.path.join('.'), target: to.path.join('.'), trigger: t.trigger, index,
        label, detail: [who, guard && `当${describeGuard(d, guard, eventFormOf(d, t.trigger, t.source.node.meta?.form))}`].filter(Boolean).join(' · '),
      });
    }
  }
  return { nodes, edges };
}
