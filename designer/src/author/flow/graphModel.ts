/** The machine as nodes and edges with the words a reviewer reads on the graph. */
import { resolveTarget, walkMachine, walkTransitions } from '../../../../engine/index';
import type { CatalogueRef, Definition } from '../../../../engine/index';
import { describeGuard, eventFormOf } from './conditions';
import { departmentsText } from './countersignModel';
import { deadlineOf } from './machineEdit';
import { t } from '../../i18n';

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

const UNIT_WORDS = { workingDays: t('graphModel.workingDays'), days: t('graphModel.days'), hours: t('graphModel.hours') } as const;

export function deadlineText(d: Definition, path: string[]): string | undefined {
  const dl = deadlineOf(d, path);
  if (dl) return `${dl.amount} ${UNIT_WORDS[dl.unit]}`;
  return undefined;
}

const rolesText = (d: Definition, event: string) => (d.events[event]?.roles ?? []).map((r) => {
  const id = typeof r === 'string' ? r : r.role;
  return d.roles[id]?.label ?? id;
}).join(t('common.listComma'));

export function graphOf(d: Definition): { nodes: StateNodeData[]; edges: FlowEdge[] } {
  const states = walkMachine(d);
  const nodes = states.filter((s) => s.path.length > 0).map((s): StateNodeData => {
    const parent = s.parent;
    const form = s.node.meta?.form;
    const assignee = s.node.meta?.assignee;
    const countersign = s.node.meta?.countersign;
    return {
      key: s.path.join('.'), path: s.path, label: s.node.meta?.label ?? s.path.at(-1)!,
      form: form ? d.forms[form]?.title ?? form : undefined,
      // A countersign is one step, its departments named in their order (→) or side by side.
      assignee: countersign
        ? t('graphModel.countersign', { departments: departmentsText(countersign) })
        : assignee ? d.roles[assignee]?.label ?? assignee : undefined,
      deadline: deadlineText(d, s.path),
      final: s.kind === 'final', compound: s.kind === 'compound' || s.kind === 'parallel',
      initial: (parent?.node.initial ?? d.machine.initial) === s.path.at(-1),
    };
  });
  const counters = new Map<string, number>();
  const edges: FlowEdge[] = [];
  for (const tr of walkTransitions(states)) {
    if (tr.source.path.length === 0) continue;
    for (const target of tr.targets) {
      const to = resolveTarget(states, tr.source, target);
      if (!to || to.path.length === 0) continue;
      const key = `${tr.source.path.join('.')}|${tr.trigger}`;
      const index = counters.get(key) ?? 0;
      counters.set(key, index + 1);
      const guard = tr.guard as CatalogueRef | undefined;
      let label: string;
      if (tr.trigger.startsWith('after:')) label = t('graphModel.timeLimit', { limit: deadlineText(d, tr.source.path) ?? tr.trigger.slice(6) });
      else if (tr.trigger === 'done') label = t('graphModel.childStepsDone');
      else if (tr.trigger === 'always') label = t('graphModel.automatic');
      else label = d.events[tr.trigger]?.label ?? tr.trigger;
      const signing = tr.source.node.meta?.countersign;
      const decides = ['approve', 'return'].includes(d.events[tr.trigger]?.kind ?? '');
      // At a countersign its departments approve and return, whatever the event's roles.
      const who = tr.trigger.includes(':') || tr.trigger === 'done' || tr.trigger === 'always' ? ''
        : signing && decides ? signing.departments.map((x) => x.label).join(t('common.listComma')) : rolesText(d, tr.trigger);
      edges.push({
        id: `${key}|${index}|${to.path.join('.')}`, source: tr.source.path.join('.'), target: to.path.join('.'), trigger: tr.trigger, index,
        label, detail: [who, guard && t('graphModel.when', { describeGuard: describeGuard(d, guard, eventFormOf(d, tr.trigger, tr.source.node.meta?.form)) })].filter(Boolean).join(' · '),
      });
    }
  }
  return { nodes, edges };
}
