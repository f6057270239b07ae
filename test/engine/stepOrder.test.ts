import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/compile';
import { caseProgress, progressOf, stepOrder } from '../../engine/index';
import { startCase } from '../../engine/transition';
import type { Actor } from '../../engine/types';
import { allDefinitions } from '../helpers/definitions';

const all = new Map(allDefinitions());
const loadDefinition = (file: string) => all.get(file)!;

const labels = (file: string) => stepOrder(loadDefinition(file)).map((s) => s.label);

describe('the steps of a process in the order a case meets them', () => {
  it('relocation: registration, township review, county approval first; a county variation slots its own step in', () => {
    expect(labels('templates/relocation.json').slice(0, 3)).toEqual(['摸底登记', '乡镇审核', '县搬迁办审批']);
    expect(labels('templates/relocation.json').at(-1)).toBe('稳定脱贫');
    expect(labels('counties/621226/relocation.json').slice(0, 3)).toEqual(['摸底登记', '网格长核实', '乡镇审核']);
    expect(labels('templates/micro-loan.json')).toEqual(['申请登记', '乡镇审核', '放款登记', '还款中', '已还清']);
  });

  it('lists every labelled step of every shipped process once', () => {
    for (const [name, def] of allDefinitions()) {
      const order = stepOrder(def);
      expect(new Set(order.map((s) => s.id)).size, name).toBe(order.length);
      expect(order.length, name).toBeGreaterThan(1);
    }
  });

  it('progress: steps before the current one are done, later ones ahead; other endings show only when reached', () => {
    const order = stepOrder(loadDefinition('templates/relocation.json'));
    const county = order.find((s) => s.label === '县搬迁办审批')!;
    const p = progressOf(order, new Set([county.id]), false);
    expect(p.slice(0, 4)).toEqual([
      { label: '摸底登记', state: 'done' }, { label: '乡镇审核', state: 'done' }, { label: '县搬迁办审批', state: 'current' }, { label: '思想动员', state: 'todo' },
    ]);
    expect(p.map((s) => s.label)).not.toContain('不愿搬迁');
    const refused = order.find((s) => s.outcome === 'refused')!;
    expect(progressOf(order, new Set([refused.id]), true).find((s) => s.label === '不愿搬迁')).toEqual({ label: '不愿搬迁', state: 'done' });
  });

  it('a new case stands at its first step', () => {
    const compiled = compile(loadDefinition('templates/micro-loan.json'));
    const actor: Actor = { id: 'u', grants: [{ role: 'village_cadre', unitPath: ['c', 't', 'v'], level: 'village' }] };
    const r = startCase(compiled, { now: Date.parse('2026-03-02T02:00:00Z'), actor, unitPath: ['c', 't', 'v'] });
    if (!r.ok) throw new Error(r.rejection.message);
    expect(caseProgress(compiled, r.snapshot)[0]).toEqual({ label: '申请登记', state: 'current' });
  });

  it('a machine without an id: the new case stands at its first step, and the steps keep their order and the compiled ids', () => {
    const def = structuredClone(loadDefinition('templates/micro-loan.json'));
    delete def.machine.id;
    const compiled = compile(def);
    const actor: Actor = { id: 'u', grants: [{ role: 'village_cadre', unitPath: ['c', 't', 'v'], level: 'village' }] };
    const r = startCase(compiled, { now: Date.parse('2026-03-02T02:00:00Z'), actor, unitPath: ['c', 't', 'v'] });
    if (!r.ok) throw new Error(r.rejection.message);
    expect(caseProgress(compiled, r.snapshot).slice(0, 2)).toEqual([{ label: '申请登记', state: 'current' }, { label: '乡镇审核', state: 'todo' }]);
    expect(stepOrder(def).map((s) => s.label)).toEqual(['申请登记', '乡镇审核', '放款登记', '还款中', '已还清']);
    for (const step of stepOrder(def)) expect(compiled.states.get(step.id)?.label, step.id).toBe(step.label);
  });
});
