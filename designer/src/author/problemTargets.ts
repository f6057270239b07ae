/** Where each checker problem belongs on screen: a form field, a graph node or transition, an event, or the basics. */
import type { Problem } from '../../../engine/index';
import { walkMachine } from '../../../engine/index';
import type { Definition } from '../../../engine/index';

export type Target =
  | { tab: 'form'; form: string; field?: string }
  | { tab: 'flow'; state?: string; event?: string }
  | { tab: 'basic' };

const unescape = (k: string) => k.replace(/~1/g, '/').replace(/~0/g, '~');

/** Field keys met along a form-schema pointer (properties/<k>, also inside tables and conditional parts). */
function fieldOf(parts: string[]): string | undefined {
  const i = parts.indexOf('properties');
  return i >= 0 ? parts[i + 1] : undefined;
}

export function targetOf(definition: Definition, path: string): Target {
  const parts = path.split('/').slice(1).map(unescape);
  if (parts[0] === 'forms' && parts[1]) return { tab: 'form', form: parts[1], field: parts[2] === 'schema' || parts[2] === 'uiSchema' ? fieldOf(parts.slice(3)) ?? (parts[2] === 'uiSchema' ? parts[3] : undefined) : undefined };
  if (parts[0] === 'events' && parts[1]) return { tab: 'flow', event: parts[1] };
  if (parts[0] === 'machine' || parts[0] === 'delays') {
    const states = walkMachine(definition).filter((s) => s.path.length > 0);
    const holder = states.filter((s) => path === s.pointer || path.startsWith(`${s.pointer}/`)).sort((a, b) => b.pointer.length - a.pointer.length)[0];
    const on = parts.indexOf('on');
    return { tab: 'flow', state: holder?.path.join('.'), event: on >= 0 ? parts[on + 1] : undefined };
  }
  return { tab: 'basic' };
}

/** Problems that concern one form field. */
export function fieldProblems(definition: Definition, problems: Problem[], form: string, field: string): Problem[] {
  return problems.filter((p) => {
    const t = targetOf(definition, p.path);
    return t.tab === 'form' && t.form === form && t.field === field;
  });
}

/** Problems per graph state (dotted path) and per event. */
export function flowProblems(definition: Definition, problems: Problem[]): { byState: Map<string, Problem[]>; byEvent: Map<string, Problem[]> } {
  const byState = new Map<string, Problem[]>();
  const byEvent = new Map<string, Problem[]>();
  for (const p of problems) {
    const t = targetOf(definition, p.path);
    if (t.tab !== 'flow') continue;
    if (t.state) byState.set(t.state, [...(byState.get(t.state) ?? []), p]);
    if (t.event) byEvent.set(t.event, [...(byEvent.get(t.event) ?? []), p]);
  }
  return { byState, byEvent };
}
