import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../engine/check/index';
import { compile } from '../../engine/compile';
import { currentCountersign, startCase, transition, type TransitionResult } from '../../engine/transition';
import type { Actor, CaseSnapshot, Definition } from '../../engine/types';
import { blankDefinition } from '../../designer/src/author/blank';
import { addDepartment, addNewDepartment, dropCountersign, makeCountersign, moveDepartment, removeDepartment, setDepartment, setOrder } from '../../designer/src/author/flow/countersignModel';
import { graphOf } from '../../designer/src/author/flow/graphModel';
import { addState, addTransition, setEvent, setMeta, setTransition } from '../../designer/src/author/flow/machineEdit';
import { withFields } from '../../designer/src/author/form/FormBuilder';
import { describeChanges } from '../../designer/src/author/publish/describeChanges';
import { newField } from '../../designer/src/author/form/formModel';
import { cadre, VILLAGE } from '../helpers/people';

const starter = { role: 'village_cadre', level: 'village', label: '村委会经办人', kind: 'cadre', holders: 2 } as const;
const NOW = Date.parse('2026-11-23T02:00:00Z');

/** 危房改造补助 as an author draws it: the village applies, then one step countersigned by two new bureaus at the county. */
function housingSubsidy(): Definition {
  let d = blankDefinition('housing-aid', '危房改造补助', 'village', starter);
  d = withFields(d, 'apply', [{ ...newField('text', []), key: 'householder', title: '户主姓名', required: true }]);
  const step = addState(d, false);
  d = setMeta(step.definition, [step.key], { label: '县联审' });
  d = makeCountersign(d, [step.key]);
  d = addNewDepartment(d, [step.key], { label: '县住建局', level: 'county' });
  d = addNewDepartment(d, [step.key], { label: '县财政局', level: 'county' });
  d = setTransition(d, ['filling'], 'SUBMIT', 0, { target: step.key, actions: [{ type: 'save' }] });
  const approve = addTransition(d, [step.key], 'done');
  // The bureaus approve and return there as its departments: the events need no roles of their own.
  d = setEvent(approve.definition, approve.event, { label: '同意', kind: 'approve' });
  const back = addTransition(d, [step.key], 'filling');
  return setEvent(back.definition, back.event, { label: '退回', kind: 'return' });
}

const ok = (r: TransitionResult) => {
  if (!r.ok) throw new Error(`${r.rejection.code}: ${r.rejection.message}`);
  return r;
};

describe('a countersign drawn in the step panel', () => {
  it('is one step of two new bureaus, each with a role of its own, that the checker accepts and the engine runs in turn', () => {
    const d = housingSubsidy();
    const rule = d.machine.states.step1!.meta!.countersign!;
    expect(rule).toEqual({ order: 'sequential', departments: [
      { label: '县住建局', role: 'county_reviewer', level: 'county', mode: 'any' },
      { label: '县财政局', role: 'county_reviewer2', level: 'county', mode: 'any' },
    ] });
    expect(d.roles.county_reviewer2).toEqual({ label: '县财政局', level: 'county', kind: 'reviewer' });
    const report = checkDefinition(d);
    expect([...report.errors, ...report.warnings]).toEqual([]);

    // Drawn as one step: the graph names the departments in their order, and who decides on its ways out.
    const { nodes, edges } = graphOf(d);
    expect(nodes.find((n) => n.key === 'step1')?.assignee).toBe('联审：县住建局 → 县财政局');
    expect(edges.filter((e) => e.source === 'step1').map((e) => `${e.label} · ${e.detail}`).sort()).toEqual(['同意 · 县住建局、县财政局', '退回 · 县住建局、县财政局']);

    const compiled = compile(report.definition!);
    const bureau = (id: string, role: string): Actor => ({ id, grants: [{ role, unitPath: VILLAGE.slice(0, 1), level: 'county' }] });
    let s: CaseSnapshot = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    s = ok(transition(compiled, s, { type: 'SUBMIT', data: { householder: '王德顺' } }, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    const type = Object.keys(d.events).find((e) => d.events[e]!.kind === 'approve')!;
    const approve = (who: Actor) => transition(compiled, s, { type }, { now: NOW, actor: who, unitPath: VILLAGE });
    expect(approve(bureau('cai', 'county_reviewer2')).ok).toBe(false);
    s = ok(approve(bureau('zhu', 'county_reviewer'))).snapshot;
    expect(currentCountersign(compiled, s)?.departments.map((x) => x.status)).toEqual(['signed', 'due']);
    expect(ok(approve(bureau('cai', 'county_reviewer2'))).status).toBe('done');
  });

  it('orders, rules and roles are set per department; a share starts at a half and goes with its rule', () => {
    const at = ['step1'];
    let d = setOrder(housingSubsidy(), at, 'parallel');
    d = setDepartment(d, at, 1, { mode: 'ratio' });
    expect(d.machine.states.step1!.meta!.countersign!.departments[1]).toMatchObject({ mode: 'ratio', ratio: 0.5 });
    d = setDepartment(d, at, 1, { mode: 'all' });
    expect(d.machine.states.step1!.meta!.countersign!.departments[1]).toEqual({ label: '县财政局', role: 'county_reviewer2', level: 'county', mode: 'all' });
    d = moveDepartment(d, at, 1, -1);
    expect(d.machine.states.step1!.meta!.countersign!.departments.map((x) => x.label)).toEqual(['县财政局', '县住建局']);
    expect(moveDepartment(d, at, 0, -1)).toEqual(d);
    expect(graphOf(d).nodes.find((n) => n.key === 'step1')?.assignee).toBe('联审：县财政局、县住建局');
    // A department given another role takes its name while it still had the old role's, and its level.
    d = { ...d, roles: { ...d.roles, township_reviewer: { label: '乡镇审核人', level: 'township', kind: 'reviewer' } } };
    d = setDepartment(d, at, 1, { role: 'township_reviewer' });
    expect(d.machine.states.step1!.meta!.countersign!.departments[1]).toEqual({ label: '乡镇审核人', role: 'township_reviewer', level: 'township', mode: 'any' });
    d = setDepartment(d, at, 1, { label: '镇规划所', level: undefined });
    expect(d.machine.states.step1!.meta!.countersign!.departments[1]).toEqual({ label: '镇规划所', role: 'township_reviewer', mode: 'any' });
    d = removeDepartment(d, at, 1);
    expect(checkDefinition(d).warnings.map((p) => p.code)).toContain('countersign-one-department');
    d = addDepartment(d, at, 'county_reviewer');
    expect(d.machine.states.step1!.meta!.countersign!.departments.map((x) => x.label)).toEqual(['县财政局', '县住建局']);
  });

  it('a step with a role becomes a countersign whose first department is that role, and back', () => {
    let d = blankDefinition('housing-aid', '危房改造补助', 'village', starter);
    d = { ...d, roles: { ...d.roles, county_office: { label: '县住建局', level: 'county', kind: 'reviewer' } } };
    d = setMeta(d, ['filling'], { ...d.machine.states.filling!.meta!, assignee: 'county_office', approval: { mode: 'all' } });
    const joint = makeCountersign(d, ['filling']);
    expect(joint.machine.states.filling!.meta).toEqual({ label: d.machine.states.filling!.meta!.label, form: 'apply', countersign: { order: 'sequential', departments: [{ label: '县住建局', role: 'county_office', level: 'county', mode: 'any' }] } });
    expect(dropCountersign(joint, ['filling']).machine.states.filling!.meta).toEqual({ label: d.machine.states.filling!.meta!.label, form: 'apply', assignee: 'county_office' });
    // What publishing says of it: the step's new way of deciding, not a step left with no role.
    expect(describeChanges(d, joint)).toEqual([`环节「${d.machine.states.filling!.meta!.label}」改为联审：县住建局`]);
    expect(describeChanges(joint, dropCountersign(joint, ['filling']))).toContain(`环节「${d.machine.states.filling!.meta!.label}」不再由多部门联审`);
  });
});
