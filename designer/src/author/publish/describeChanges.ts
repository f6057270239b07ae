/** What changed between two versions of a process, in sentences a non-programmer understands. */
import { walkMachine, walkTransitions } from '../../../../engine/index';
import type { Definition } from '../../../../engine/index';
import { describeGuard } from '../flow/conditions';
import { departmentsText } from '../flow/countersignModel';
import { deadlineText } from '../flow/graphModel';
import { KINDS, type Json } from '../form/fieldKinds';
import { type Field, readFields } from '../form/formModel';
import { t } from '../../i18n';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function fieldChanges(formTitle: string, before: Field[], after: Field[]): string[] {
  const out: string[] = [];
  const old = new Map(before.map((f) => [f.key, f]));
  for (const f of after) {
    const o = old.get(f.key);
    const name = t('describeChanges.ofForm', { formTitle, field: f.title || f.key });
    if (!o) {
      out.push(t('describeChanges.fieldAdded', { formTitle, field: f.title || f.key, kind: KINDS[f.kind].label, required: f.required ? t('describeChanges.required') : '' }));
      continue;
    }
    if (o.title !== f.title) out.push(t('describeChanges.formFieldRenamed', { formTitle, title: o.title, title2: f.title }));
    if (o.kind !== f.kind) out.push(t('describeChanges.kindChangedFromTo', { name, label: KINDS[o.kind].label, label2: KINDS[f.kind].label }));
    if (o.required !== f.required) out.push(t('describeChanges.nowRequiredOrNot', { name, how: f.required ? t('describeChanges.required2') : t('describeChanges.optional') }));
    if (o.min !== f.min || o.max !== f.max) out.push(t('describeChanges.limitsNow', { name, min: f.min ?? t('describeChanges.noLimit'), max: f.max ?? t('describeChanges.noLimit') }));
    if (!same(o.options, f.options)) out.push(t('describeChanges.optionsNow', { name, options: (f.options ?? []).join(t('common.listComma')) }));
    if (!same(o.showIf, f.showIf)) out.push(f.showIf ? t('describeChanges.nowShowsOnACondition', { name }) : t('describeChanges.nowAlwaysShows', { name }));
    if (o.help !== f.help) out.push(t('describeChanges.helpTextChanged', { name }));
    if (f.kind === 'table' && o.kind === 'table') out.push(...fieldChanges(`${formTitle} › ${f.title}`, o.columns ?? [], f.columns ?? []));
  }
  for (const o of before) if (!after.some((f) => f.key === o.key)) out.push(t('describeChanges.formFieldDeleted', { formTitle, field: o.title || o.key }));
  const order = (l: Field[]) => l.map((f) => f.key).filter((k) => before.some((b) => b.key === k) && after.some((a) => a.key === k));
  if (!same(order(before), order(after))) out.push(t('describeChanges.formFieldsReordered', { formTitle }));
  return out;
}

function states(d: Definition) {
  const walked = walkMachine(d).filter((s) => s.path.length > 0);
  return new Map(walked.map((s) => [s.path.join('.'), s]));
}

function transitions(d: Definition) {
  const walked = walkMachine(d);
  const label = (k: string) => (d.events[k]?.label ?? (k.startsWith('after:') ? t('describeChanges.timeLimit') : k));
  return new Map(walkTransitions(walked).filter((tr) => tr.source.path.length > 0).map((tr) => [
    `${tr.source.path.join('.')}|${tr.trigger}|${tr.targets.join(',')}`,
    { text: t('describeChanges.transitionText', {
      from: tr.source.node.meta?.label ?? tr.source.path.at(-1),
      action: label(tr.trigger),
      to: tr.targets.map((x) => walked.find((s) => s.path.at(-1) === x.replace(/^.*\./, ''))?.node.meta?.label ?? x).join(t('common.listComma')),
    }), t: tr },
  ]));
}

/** Sentences describing how `after` differs from `before` (empty when nothing that matters changed). */
export function describeChanges(before: Definition, after: Definition): string[] {
  const out: string[] = [];
  if (before.title !== after.title) out.push(t('describeChanges.processNameChangedFromTo', { title: before.title, title2: after.title }));
  if ((before.description ?? '') !== (after.description ?? '')) out.push(t('describeChanges.processDescriptionChanged'));
  for (const [id, r] of Object.entries(after.roles)) {
    if (!before.roles[id]) out.push(t('describeChanges.newRole', { label: r.label }));
    else if (before.roles[id]!.label !== r.label) out.push(t('describeChanges.roleRenamed', { label: before.roles[id]!.label, label2: r.label }));
  }
  for (const [id, r] of Object.entries(before.roles)) if (!after.roles[id]) out.push(t('describeChanges.roleNoLongerUsed', { label: r.label }));
  for (const [id, f] of Object.entries(after.forms)) {
    const o = before.forms[id];
    if (!o) { out.push(t('describeChanges.newForm', { title: f.title })); continue; }
    if (o.title !== f.title) out.push(t('describeChanges.formRenamed', { title: o.title, title2: f.title }));
    out.push(...fieldChanges(f.title, readFields(o.schema as Json, (o.uiSchema ?? {}) as Json), readFields(f.schema as Json, (f.uiSchema ?? {}) as Json)));
  }
  for (const [id, f] of Object.entries(before.forms)) if (!after.forms[id]) out.push(t('describeChanges.formDeleted', { title: f.title }));
  const sb = states(before);
  const sa = states(after);
  for (const [k, s] of sa) {
    const o = sb.get(k);
    const label = s.node.meta?.label ?? k;
    if (!o) { out.push(t('describeChanges.newStep', { label })); continue; }
    const om = o.node.meta ?? {};
    const nm = s.node.meta ?? {};
    if (om.label !== nm.label) out.push(t('describeChanges.stepRenamed', { old: om.label ?? k, label }));
    if (!same(om.countersign, nm.countersign)) out.push(nm.countersign ? t('describeChanges.stepCountersignNow', { label, departments: departmentsText(nm.countersign) }) : t('describeChanges.stepNoLongerCountersigned', { label }));
    // A step made a countersign gives up its role for its departments: said once, above.
    if (om.assignee !== nm.assignee && !nm.countersign) out.push(t('describeChanges.stepHandlerNow', { label, role: after.roles[nm.assignee ?? '']?.label ?? t('describeChanges.notSet') }));
    if (om.form !== nm.form) out.push(t('describeChanges.stepFormNow', { label, form: after.forms[nm.form ?? '']?.title ?? t('describeChanges.noForm') }));
    const dl = [deadlineText(before, o.path), deadlineText(after, s.path)];
    if (dl[0] !== dl[1]) out.push(dl[1] ? t('describeChanges.stepTimeLimitNow', { label, from: dl[0] ? t('describeChanges.from', { dl: dl[0] }) : '', to: dl[1] }) : t('describeChanges.stepNoLongerHasA', { label }));
  }
  for (const [k, s] of sb) if (!sa.has(k)) out.push(t('describeChanges.stepDeleted', { label: s.node.meta?.label ?? k }));
  const tb = transitions(before);
  const ta = transitions(after);
  for (const [k, { text, t: tr }] of ta) {
    const o = tb.get(k);
    if (!o) { out.push(t('describeChanges.newTransition', { text, condition: tr.guard ? t('describeChanges.condition', { describeGuard: describeGuard(after, tr.guard) }) : '' })); continue; }
    if (!same(o.t.guard, tr.guard)) out.push(tr.guard ? t('describeChanges.transitionConditionNow', { text, describeGuard: describeGuard(after, tr.guard) }) : t('describeChanges.transitionNoConditionAnyMore', { text }));
    if (!same(o.t.actions, tr.actions)) out.push(t('describeChanges.transitionActionsChanged', { text }));
  }
  for (const [k, { text }] of tb) if (!ta.has(k)) out.push(t('describeChanges.transitionDeleted', { text }));
  for (const [id, e] of Object.entries(after.events)) {
    const o = before.events[id];
    if (!o) continue;
    if (o.label !== e.label) out.push(t('describeChanges.actionRenamed', { label: o.label, label2: e.label }));
    const names = (x: typeof e) => (x.roles ?? []).map((r) => after.roles[typeof r === 'string' ? r : r.role]?.label ?? (typeof r === 'string' ? r : r.role)).join(t('common.listComma'));
    if (!same(o.roles, e.roles)) out.push(t('describeChanges.actionRolesNow', { label: e.label, names: names(e) || t('describeChanges.nobody') }));
  }
  return out;
}
