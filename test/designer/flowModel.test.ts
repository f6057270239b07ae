import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../engine/check/index';
import { compile } from '../../engine/compile';
import { startCase, transition, type TransitionResult } from '../../engine/transition';
import type { CaseSnapshot, Definition } from '../../engine/types';
import { blankDefinition } from '../../designer/src/author/blank';
import { describeGuard, fromGuard, toGuard } from '../../designer/src/author/flow/conditions';
import { graphOf } from '../../designer/src/author/flow/graphModel';
import { addState, addTransition, deadlineOf, removeState, setDeadline, setEvent, setMeta, setTimeoutTarget, setTransition } from '../../designer/src/author/flow/machineEdit';
import { withFields } from '../../designer/src/author/form/FormBuilder';
import { newField } from '../../designer/src/author/form/formModel';
import { describeChanges } from '../../designer/src/author/publish/describeChanges';
import { cadre, townshipReviewer, VILLAGE } from '../helpers/people';
import { template } from '../helpers/definitions';

const starter = { role: 'village_cadre', level: 'village', label: '村委会经办人', kind: 'cadre', holders: 2 } as const;
const MONDAY = Date.parse('2026-11-23T02:00:00Z');

/** The 公益性岗位申请 flow built only with the designer's edit functions. */
function jobApplication(): Definition {
  let d = blankDefinition('job-apply', '公益性岗位申请', 'village', starter);
  d = withFields(d, 'apply', [{ ...newField('text', []), key: 'name', title: '姓名', required: true }, { ...newField('yesNo', ['name']), key: 'disabled', title: '是否残疾人', required: true }]);
  d = { ...d, roles: { ...d.roles, township_reviewer: { label: '乡镇审核人', level: 'township', kind: 'reviewer' } } };
  const added = addState(d, false);
  d = setMeta(added.definition, [added.key], { label: '乡镇审核', assignee: 'township_reviewer' });
  d = setDeadline(d, [added.key], { amount: 5, unit: 'workingDays' });
  d = setTransition(d, ['filling'], 'SUBMIT', 0, { target: added.key, actions: [{ type: 'save' }] });
  const approve = addTransition(d, [added.key], 'done');
  d = setEvent(approve.definition, approve.event, { label: '审核通过', kind: 'approve', roles: ['township_reviewer'] });
  const back = addTransition(d, [added.key], 'filling');
  d = setEvent(back.definition, back.event, { label: '退回', kind: 'return', roles: ['township_reviewer'] });
  return d;
}

const ok = (r: TransitionResult) => {
  if (!r.ok) throw new Error(`${r.rejection.code} ${JSON.stringify(r.rejection.details)}`);
  return r;
};

describe('the flow editor model', () => {
  it('builds a flow the checker accepts and the engine runs, with a 5-working-day deadline', () => {
    const d = jobApplication();
    expect(checkDefinition(d).errors).toEqual([]);
    expect(deadlineOf(d, ['step1'])).toEqual({ amount: 5, unit: 'workingDays' });
    const compiled = compile(d);
    let s: CaseSnapshot = ok(startCase(compiled, { now: MONDAY, actor: cadre, unitPath: VILLAGE })).snapshot;
    const submitted = ok(transition(compiled, s, { type: 'SUBMIT', data: { name: '张秀英', disabled: false } }, { now: MONDAY, actor: cadre, unitPath: VILLAGE }));
    expect(submitted.state).toBe('step1');
    expect(submitted.dueAt).toBe('2026-11-30T02:00:00.000Z');
    s = submitted.snapshot;
    expect(transition(compiled, s, { type: 'NEXT' }, { now: MONDAY, actor: cadre, unitPath: VILLAGE }).ok).toBe(false);
    const done = ok(transition(compiled, s, { type: 'NEXT' }, { now: MONDAY, actor: townshipReviewer, unitPath: VILLAGE }));
    expect(done.status).toBe('done');
    expect(graphOf(d).edges.map((e) => `${e.source}>${e.target}:${e.label}`).sort()).toEqual(['filling>step1:提交', 'step1>done:审核通过', 'step1>filling:退回']);
  });

  it('a new step is flagged until it is reachable and has a way out; removing it removes its transitions', () => {
    const d = jobApplication();
    const extra = addState(d, false);
    expect(checkDefinition(extra.definition).errors.map((p) => p.code)).toEqual(['state-unreachable']);
    const reached = addTransition(extra.definition, ['step1'], extra.key).definition;
    expect(checkDefinition(reached).errors.map((p) => [p.code, p.path])).toEqual([['state-dead-end', `/machine/states/${extra.key}`]]);
    const left = addTransition(reached, [extra.key], 'done', 'NEXT').definition;
    expect(checkDefinition(left).errors).toEqual([]);
    const removed = removeState(d, ['step1']);
    expect(JSON.stringify(removed.machine)).not.toContain('step1');
  });

  it('a step set to 会签 in the panel is a multi-approver step the checker accepts; a share without a ratio is flagged', () => {
    const d = jobApplication();
    const meta = d.machine.states.step1!.meta!;
    const joint = setMeta(d, ['step1'], { ...meta, approval: { mode: 'all' } });
    expect(checkDefinition(joint, { roleHeld: () => true }).errors).toEqual([]);
    expect(checkDefinition(joint, { roleHeld: (r) => r !== 'township_reviewer' }).errors.map((p) => p.code)).toContain('approval-no-approvers');
    const share = setMeta(d, ['step1'], { ...meta, approval: { mode: 'ratio' } });
    expect(checkDefinition(share).errors.map((p) => [p.code, p.path])).toEqual([['approval-ratio-missing', '/machine/states/step1/meta/approval']]);
  });

  it('a timeout moves the case on by itself when the deadline passes', () => {
    const d = setTimeoutTarget(jobApplication(), ['step1'], 'filling');
    expect(checkDefinition(d).errors).toEqual([]);
    const compiled = compile(d);
    const s = ok(startCase(compiled, { now: MONDAY, actor: cadre, unitPath: VILLAGE })).snapshot;
    const r = ok(transition(compiled, s, { type: 'SUBMIT', data: { name: '张', disabled: true } }, { now: MONDAY, actor: cadre, unitPath: VILLAGE }));
    const timer = r.effects.find((e) => e.type === 'schedule');
    expect(timer).toMatchObject({ type: 'schedule', dueAt: '2026-11-30T02:00:00.000Z' });
  });

  it('conditions built from fields are guards the engine evaluates, and read back for editing and in words', () => {
    const g = toGuard({ on: 'data', form: 'apply', field: 'disabled', op: 'eq', value: true });
    expect(fromGuard(g)).toEqual({ on: 'data', form: 'apply', field: 'disabled', op: 'eq', value: true });
    let d = jobApplication();
    expect(describeGuard(d, g)).toBe('「申请表 › 是否残疾人」为 是');
    const branch = template('branch-standard');
    const weak = (branch.machine.states!.countyAcceptance!.on as Record<string, { guard?: never }[]>).ACCEPT!.find((t) => t.guard)!.guard!;
    expect(describeGuard(branch, weak)).toBe(`「${branch.forms.townshipReview!.title} › 认定为软弱涣散党组织」为 是`);
    d = setTransition(d, ['step1'], 'NEXT', 0, { target: 'done', guard: g });
    expect(checkDefinition(d).errors).toEqual([]);
    const compiled = compile(d);
    const run = (disabled: boolean) => {
      const s = ok(startCase(compiled, { now: MONDAY, actor: cadre, unitPath: VILLAGE })).snapshot;
      const r = ok(transition(compiled, s, { type: 'SUBMIT', data: { name: '张', disabled } }, { now: MONDAY, actor: cadre, unitPath: VILLAGE }));
      return transition(compiled, r.snapshot, { type: 'NEXT' }, { now: MONDAY, actor: townshipReviewer, unitPath: VILLAGE });
    };
    expect(run(true).ok).toBe(true);
    expect(run(false)).toMatchObject({ ok: false, rejection: { code: 'condition-not-met' } });
  });

  it('describes changes against the published version in plain words', () => {
    const before = template('relocation');
    let after = setDeadline(before, ['townshipReview'], { amount: 3, unit: 'workingDays' });
    after = setMeta(after, ['townshipReview'], { ...after.machine.states!.townshipReview!.meta, label: '乡镇初审' });
    after = { ...after, title: '易地扶贫搬迁动员（试点）' };
    const words = describeChanges(before, after);
    expect(words).toContain('流程名称由「易地扶贫搬迁动员」改为「易地扶贫搬迁动员（试点）」');
    expect(words).toContain('环节「乡镇审核」改名为「乡镇初审」');
    expect(words.some((w) => /「乡镇初审」的办理时限.*改为 3 个工作日/.test(w))).toBe(true);
    expect(describeChanges(before, before)).toEqual([]);
  });
});
