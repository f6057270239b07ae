/** What changed between two versions of a process, in sentences a non-programmer understands. */
import { walkStates, walkTransitions } from '../../../../engine/index';
import type { Definition } from '../../../../engine/index';
import { describeGuard } from '../flow/conditions';
import { deadlineText } from '../flow/graphModel';
import { KINDS, type Json } from '../form/fieldKinds';
import { type Field, readFields } from '../form/formModel';

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function fieldChanges(formTitle: string, before: Field[], after: Field[]): string[] {
  const out: string[] = [];
  const old = new Map(before.map((f) => [f.key, f]));
  for (const f of after) {
    const o = old.get(f.key);
    const name = `表单「${formTitle}」的「${f.title || f.key}」`;
    if (!o) {
      out.push(`表单「${formTitle}」新增字段「${f.title || f.key}」（${KINDS[f.kind].label}${f.required ? '，必填' : ''}）`);
      continue;
    }
    if (o.title !== f.title) out.push(`表单「${formTitle}」的字段「${o.title}」改名为「${f.title}」`);
    if (o.kind !== f.kind) out.push(`${name}类型由「${KINDS[o.kind].label}」改为「${KINDS[f.kind].label}」`);
    if (o.required !== f.required) out.push(`${name}改为${f.required ? '必填' : '选填'}`);
    if (o.min !== f.min || o.max !== f.max) out.push(`${name}的限制改为 ${f.min ?? '不限'} ～ ${f.max ?? '不限'}`);
    if (!same(o.options, f.options)) out.push(`${name}的选项改为：${(f.options ?? []).join('、')}`);
    if (!same(o.showIf, f.showIf)) out.push(f.showIf ? `${name}改为有条件显示` : `${name}改为总是显示`);
    if (o.help !== f.help) out.push(`${name}的填写说明改了`);
    if (f.kind === 'table' && o.kind === 'table') out.push(...fieldChanges(`${formTitle} › ${f.title}`, o.columns ?? [], f.columns ?? []));
  }
  for (const o of before) if (!after.some((f) => f.key === o.key)) out.push(`表单「${formTitle}」删除字段「${o.title || o.key}」`);
  const order = (l: Field[]) => l.map((f) => f.key).filter((k) => before.some((b) => b.key === k) && after.some((a) => a.key === k));
  if (!same(order(before), order(after))) out.push(`表单「${formTitle}」调整了字段顺序`);
  return out;
}

function states(d: Definition) {
  const walked = walkStates(d.machine.id ?? 'case', d.machine as never).filter((s) => s.path.length > 0);
  return new Map(walked.map((s) => [s.path.join('.'), s]));
}

function transitions(d: Definition) {
  const walked = walkStates(d.machine.id ?? 'case', d.machine as never);
  const label = (k: string) => (d.events[k]?.label ?? (k.startsWith('after:') ? '超时' : k));
  return new Map(walkTransitions(walked).filter((t) => t.source.path.length > 0).map((t) => [
    `${t.source.path.join('.')}|${t.trigger}|${t.targets.join(',')}`,
    { text: `「${t.source.node.meta?.label ?? t.source.path.at(-1)}」经「${label(t.trigger)}」转到「${t.targets.map((x) => walked.find((s) => s.path.at(-1) === x.replace(/^.*\./, ''))?.node.meta?.label ?? x).join('、')}」`, t },
  ]));
}

/** Sentences describing how `after` differs from `before` (empty when nothing that matters changed). */
export function describeChanges(before: Definition, after: Definition): string[] {
  const out: string[] = [];
  if (before.title !== after.title) out.push(`流程名称由「${before.title}」改为「${after.title}」`);
  if ((before.description ?? '') !== (after.description ?? '')) out.push('流程说明改了');
  for (const [id, r] of Object.entries(after.roles)) {
    if (!before.roles[id]) out.push(`新增角色「${r.label}」`);
    else if (before.roles[id]!.label !== r.label) out.push(`角色「${before.roles[id]!.label}」改名为「${r.label}」`);
  }
  for (const [id, r] of Object.entries(before.roles)) if (!after.roles[id]) out.push(`不再使用角色「${r.label}」`);
  for (const [id, f] of Object.entries(after.forms)) {
    const o = before.forms[id];
    if (!o) { out.push(`新增表单「${f.title}」`); continue; }
    if (o.title !== f.title) out.push(`表单「${o.title}」改名为「${f.title}」`);
    out.push(...fieldChanges(f.title, readFields(o.schema as Json, (o.uiSchema ?? {}) as Json), readFields(f.schema as Json, (f.uiSchema ?? {}) as Json)));
  }
  for (const [id, f] of Object.entries(before.forms)) if (!after.forms[id]) out.push(`删除表单「${f.title}」`);
  const sb = states(before);
  const sa = states(after);
  for (const [k, s] of sa) {
    const o = sb.get(k);
    const label = s.node.meta?.label ?? k;
    if (!o) { out.push(`新增环节「${label}」`); continue; }
    const om = o.node.meta ?? {};
    const nm = s.node.meta ?? {};
    if (om.label !== nm.label) out.push(`环节「${om.label ?? k}」改名为「${label}」`);
    if (om.assignee !== nm.assignee) out.push(`环节「${label}」改由「${after.roles[nm.assignee ?? '']?.label ?? '（未指定）'}」办理`);
    if (om.form !== nm.form) out.push(`环节「${label}」改为填写「${after.forms[nm.form ?? '']?.title ?? '（不填表）'}」`);
    const dl = [deadlineText(before, o.path), deadlineText(after, s.path)];
    if (dl[0] !== dl[1]) out.push(dl[1] ? `环节「${label}」的办理时限${dl[0] ? `由 ${dl[0]} ` : ''}改为 ${dl[1]}` : `环节「${label}」取消了办理时限`);
  }
  for (const [k, s] of sb) if (!sa.has(k)) out.push(`删除环节「${s.node.meta?.label ?? k}」`);
  const tb = transitions(before);
  const ta = transitions(after);
  for (const [k, { text, t }] of ta) {
    const o = tb.get(k);
    if (!o) { out.push(`新增流转：${text}${t.guard ? `（条件：${describeGuard(after, t.guard)}）` : ''}`); continue; }
    if (!same(o.t.guard, t.guard)) out.push(t.guard ? `流转 ${text} 的条件改为：${describeGuard(after, t.guard)}` : `流转 ${text} 不再有条件`);
    if (!same(o.t.actions, t.actions)) out.push(`流转 ${text} 执行的动作改了`);
  }
  for (const [k, { text }] of tb) if (!ta.has(k)) out.push(`删除流转：${text}`);
  for (const [id, e] of Object.entries(after.events)) {
    const o = before.events[id];
    if (!o) continue;
    if (o.label !== e.label) out.push(`操作「${o.label}」改名为「${e.label}」`);
    const names = (x: typeof e) => (x.roles ?? []).map((r) => after.roles[typeof r === 'string' ? r : r.role]?.label ?? (typeof r === 'string' ? r : r.role)).join('、');
    if (!same(o.roles, e.roles)) out.push(`操作「${e.label}」改为由 ${names(e) || '（无人）'} 执行`);
  }
  return out;
}
