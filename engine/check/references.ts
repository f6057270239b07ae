import { stepFormOf, type WalkedState, type WalkedTransition } from '../stateWalk';
import { startRolesOf } from '../rights';
import type { Definition } from '../types';
import type { FoundRef } from './catalogueRefs';
import { type Problem, problem } from './problems';

const roleName = (r: string | { role: string }) => (typeof r === 'string' ? r : r.role);

/** The state's own form, or its nearest ancestor's. */

/** Checks that events, roles and forms used anywhere are declared, and flags declared ones never used. */
export function checkReferences(def: Definition, states: WalkedState[], transitions: WalkedTransition[], refs: FoundRef[]): Problem[] {
  const out: Problem[] = [];
  const has = (o: object, k: string) => Object.hasOwn(o, k);
  const usedRoles = new Set<string>();
  const usedForms = new Set<string>();
  const useRole = (role: string, pointer: string) => {
    usedRoles.add(role);
    if (!has(def.roles, role)) out.push(problem('role-undeclared', pointer, { role }));
  };
  const useForm = (form: string, pointer: string) => {
    usedForms.add(form);
    if (!has(def.forms, form)) out.push(problem('form-unknown', pointer, { form }));
  };

  // At a countersign step its departments approve and return, whatever the event's roles.
  const byDepartments = new Set(transitions.filter((t) => t.source.node.meta?.countersign && ['approve', 'return'].includes(has(def.events, t.trigger) ? (def.events[t.trigger]!.kind ?? '') : '')).map((t) => t.trigger));
  for (const [type, spec] of Object.entries(def.events)) {
    const at = `/events/${type}`;
    if (!spec.system && !(spec.roles ?? []).length && !byDepartments.has(type)) out.push(problem('event-no-role', `${at}/roles`, { event: type }));
    (spec.roles ?? []).forEach((r, i) => useRole(roleName(r), `${at}/roles/${i}`));
    if (spec.data && spec.data !== 'step') useForm(spec.data, `${at}/data`);
  }
  (def.startRoles ?? []).forEach((r, i) => useRole(r, `/startRoles/${i}`));
  // Without startRoles, whoever handles the first step starts the case (rights.ts): a first step with no assignee leaves nobody.
  if (def.startRoles === undefined && !startRolesOf(def).length) {
    const first = def.machine.initial;
    out.push(problem('start-no-role', first !== undefined && has(def.machine.states, first) ? `/machine/states/${first}/meta` : '/machine', { state: first ?? '' }));
  }
  for (const s of states) {
    if (s.node.meta?.form) useForm(s.node.meta.form, `${s.pointer}/meta/form`);
    if (s.node.meta?.assignee) useRole(s.node.meta.assignee, `${s.pointer}/meta/assignee`);
    s.node.meta?.countersign?.departments.forEach((d, i) => useRole(d.role, `${s.pointer}/meta/countersign/departments/${i}/role`));
  }
  for (const ref of refs) {
    // A compute into a field of a form (where the form's data is kept) overwrites what the cadre typed there.
    if (ref.kind === 'action' && ref.name === 'compute' && typeof ref.params.to === 'string') {
      const [formId, field] = ref.params.to.split('.');
      const props = formId && field && has(def.forms, formId) ? (def.forms[formId]!.schema as { properties?: Record<string, { title?: unknown; formula?: unknown }> }).properties : undefined;
      const prop = props && field && Object.hasOwn(props, field) ? props[field] : undefined;
      if (prop && prop.formula === undefined) out.push(problem('compute-overwrites-field', `${ref.pointer}/params/to`, { to: ref.params.to, field: typeof prop.title === 'string' ? prop.title : field!, form: def.forms[formId!]!.title }));
    }
    if (ref.kind === 'action' && ref.name === 'notify' && Array.isArray(ref.params.roles)) {
      ref.params.roles.forEach((r, i) => typeof r === 'string' && useRole(r, `${ref.pointer}/params/roles/${i}`));
    }
  }

  const handled = new Set<string>();
  for (const t of transitions) {
    if (t.trigger === 'always' || t.trigger === 'done' || t.trigger.startsWith('after:')) continue;
    handled.add(t.trigger);
    const spec = has(def.events, t.trigger) ? def.events[t.trigger] : undefined;
    if (!spec) {
      out.push(problem('event-undeclared', t.pointer, { event: t.trigger }));
      continue;
    }
    if (spec.data === 'step') {
      const atomics = states.filter((s) => (s === t.source || isUnder(s, t.source)) && s.kind === 'atomic');
      for (const s of atomics.length ? atomics : [t.source]) {
        if (!stepFormOf(s)) out.push(problem('step-form-missing', t.pointer, { event: t.trigger, state: s.path.join('.') }));
      }
    }
  }
  for (const type of Object.keys(def.events)) if (!handled.has(type)) out.push(problem('event-unused', `/events/${type}`, { event: type }));
  for (const role of Object.keys(def.roles)) if (!usedRoles.has(role)) out.push(problem('role-unused', `/roles/${role}`, { role }));
  for (const form of Object.keys(def.forms)) if (!usedForms.has(form)) out.push(problem('form-unused', `/forms/${form}`, { form }));
  return out;
}

const isUnder = (s: WalkedState, ancestor: WalkedState) =>
  s.path.length > ancestor.path.length && ancestor.path.every((k, i) => s.path[i] === k);
