import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../engine/check/index';
import { blankDefinition } from '../../designer/src/author/blank';
import { addState, addTransition, setEvent, setTransition, stateAt } from '../../designer/src/author/flow/machineEdit';
import { addRoleForStep, roleEntry } from '../../designer/src/author/roleModel';

const starter = { role: 'village_cadre', level: 'village', label: '村委会经办人', kind: 'cadre', holders: 2 } as const;

describe('a role made where a step is assigned', () => {
  it('is the entry the roles tab adds, handles the step, and the checker accepts the process', () => {
    let d = blankDefinition('role-here', '就地建角色', 'village', starter);
    const step = addState(d, false);
    const made = addRoleForStep(step.definition, [step.key], { label: ' 乡镇审核人 ', level: 'township', kind: 'reviewer' });
    expect(made.role).toBe('township_reviewer');
    // The roles tab adds a county role as { label, level, kind }: the same entry.
    expect(made.definition.roles[made.role]).toEqual(roleEntry({ label: '乡镇审核人', level: 'township', kind: 'reviewer' }));
    expect(made.definition.roles[made.role]).toEqual({ label: '乡镇审核人', level: 'township', kind: 'reviewer' });
    expect(stateAt(made.definition, [step.key])?.meta).toMatchObject({ label: expect.any(String), assignee: 'township_reviewer' });
    d = setTransition(made.definition, ['filling'], 'SUBMIT', 0, { target: step.key, actions: [{ type: 'save' }] });
    const approve = addTransition(d, [step.key], 'done');
    d = setEvent(approve.definition, approve.event, { label: '审核通过', kind: 'approve', roles: [made.role] });
    const held = new Set(['village_cadre', 'township_reviewer']);
    const report = checkDefinition(d, { roleHeld: (r) => held.has(r), processExists: () => true, now: 0 });
    expect(report.errors).toEqual([]);
    expect(report.warnings.filter((w) => w.code.startsWith('role-'))).toEqual([]);
  });

  it('a second role of the same level and kind gets its own id, and the checker says when no one in the county holds it', () => {
    const d = blankDefinition('role-here', '就地建角色', 'village', starter);
    const one = addRoleForStep(d, ['filling'], { label: '乡镇审核人', level: 'township', kind: 'reviewer' });
    const two = addRoleForStep(one.definition, ['filling'], { label: '乡镇民政专干', level: 'township', kind: 'reviewer' });
    expect(two.role).toBe('township_reviewer2');
    expect(Object.keys(two.definition.roles)).toEqual(['village_cadre', 'township_reviewer', 'township_reviewer2']);
    const report = checkDefinition(two.definition, { roleHeld: (r) => r !== 'township_reviewer2', processExists: () => true, now: 0 });
    expect(report.warnings.map((w) => w.code)).toContain('role-unheld');
  });
});
