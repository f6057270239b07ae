import { describe, expect, it } from 'vitest';
import { BUDGET } from '../../engine/budget';
import { compile } from '../../engine/compile';
import { startCase, transition, type TransitionResult } from '../../engine/transition';
import type { Actor, CaseSnapshot, Definition } from '../../engine/types';

const unitPath = ['c1', 't1', 'v1'];
const cadre: Actor = { id: 'u1', name: '张村干', grants: [{ role: 'cadre', unitPath, level: 'village' }] };
const NOW = Date.parse('2026-03-02T02:00:00Z');

/** A small process: 登记 → (GO) → the states under test. */
function processWith(states: Record<string, unknown>, extra: Partial<Definition> = {}) {
  return compile({
    id: 'looping',
    title: '循环测试',
    version: 1,
    caseLevel: 'village',
    roles: { cadre: { label: '村干部', level: 'village' } },
    startRoles: ['cadre'],
    forms: {},
    events: { GO: { label: '提交', roles: ['cadre'] } },
    machine: { id: 'case', initial: 'idle', states: { idle: { meta: { label: '登记' }, on: { GO: 'a' } }, ...states } },
    ...extra,
  } as unknown as Definition);
}

function rejected(r: TransitionResult) {
  if (r.ok) throw new Error(`accepted in ${JSON.stringify(r.state)}`);
  return r.rejection;
}

const go = (compiled: ReturnType<typeof compile>) => {
  const started = startCase(compiled, { now: NOW, actor: cadre, unitPath });
  if (!started.ok) throw new Error(started.rejection.code);
  const before = JSON.stringify(started.snapshot);
  const r = transition(compiled, started.snapshot, { type: 'GO' }, { now: NOW, actor: cadre, unitPath });
  expect(JSON.stringify(started.snapshot)).toBe(before);
  return r;
};

describe('the budget of one engine call', () => {
  it('refuses an unguarded always cycle, naming both states by label and id', () => {
    const compiled = processWith({ a: { meta: { label: '甲审核' }, always: 'b' }, b: { meta: { label: '乙审核' }, always: 'a' } });
    const r = rejected(go(compiled));
    expect(r.code).toBe('over-budget');
    expect(r.message).toContain('「甲审核」(case.a)');
    expect(r.message).toContain('「乙审核」(case.b)');
    expect(r.message).toContain(`${BUDGET.microsteps} 步`);
  });

  it('refuses a longer cycle whose guard always holds, and a self-loop', () => {
    const always = { type: 'not', params: { guard: { type: 'matches', params: { schema: { required: ['never'] } } } } };
    const three = processWith({ a: { always: { target: 'b', guard: always } }, b: { always: 'c' }, c: { always: { target: 'a', guard: always } } });
    expect(rejected(go(three)).code).toBe('over-budget');
    const self = processWith({ a: { always: { target: 'a', actions: [{ type: 'set', params: { path: 'n', value: 1 } }] } } });
    expect(rejected(go(self)).code).toBe('over-budget');
  });

  it('refuses a loop that writes data faster than the microstep limit allows', () => {
    const big = 'x'.repeat(200_000);
    const compiled = processWith({ a: { always: { target: 'b', actions: [{ type: 'set', params: { path: 'big', value: big } }] } }, b: { always: 'a' } });
    const r = rejected(go(compiled));
    expect(r.code).toBe('over-budget');
    expect(r.message).toContain('MB');
  });

  it('refuses an onDone cycle through a parallel state that finishes at once', () => {
    const compiled = processWith({
      a: { type: 'parallel', onDone: 'a', states: { left: { initial: 'f', states: { f: { type: 'final' } } }, right: { initial: 'f', states: { f: { type: 'final' } } } } },
    });
    expect(rejected(go(compiled)).code).toBe('over-budget');
  });

  it('refuses a start whose initial state loops, so no case is ever created from it', () => {
    const compiled = compile({
      id: 'loop-start', title: '起步即循环', version: 1, caseLevel: 'village', roles: { cadre: { label: '村干部', level: 'village' } }, startRoles: ['cadre'], forms: {}, events: {},
      machine: { id: 'case', initial: 'a', states: { a: { always: 'b' }, b: { always: 'a' } } },
    } as unknown as Definition);
    expect(rejected(startCase(compiled, { now: NOW, actor: cadre, unitPath })).code).toBe('over-budget');
  });

  it('leaves a finite chain of always transitions alone, and the next call starts with a fresh budget', () => {
    const chain: Record<string, unknown> = {};
    for (let i = 0; i < 30; i++) chain[i === 0 ? 'a' : `a${i}`] = { always: i === 29 ? 'done' : `a${i + 1}` };
    const compiled = processWith({ ...chain, done: { type: 'final' } });
    for (let i = 0; i < 20; i++) {
      const r = go(compiled);
      expect(r.ok && r.status).toBe('done');
    }
  });

  it('gives the same answer from a stored snapshot (a replay meets the same limits)', () => {
    const compiled = processWith({ a: { always: 'b' }, b: { always: 'a' } });
    const started = startCase(compiled, { now: NOW, actor: cadre, unitPath });
    if (!started.ok) throw new Error('start');
    const stored = JSON.parse(JSON.stringify(started.snapshot)) as CaseSnapshot;
    const a = transition(compiled, started.snapshot, { type: 'GO' }, { now: NOW, actor: cadre, unitPath });
    const b = transition(compiled, stored, { type: 'GO' }, { now: NOW, actor: cadre, unitPath });
    expect(b).toEqual(a);
  });
});

describe('a formula past the budget while the step\'s effects are worked out', () => {
  it('a delay whose formula builds too long a text refuses the step, naming the budget, instead of throwing', () => {
    const note = { type: 'object', properties: { note: { type: 'string', title: '备注', maxLength: 8000 } } };
    const compiled = compile({
      id: 'late-delay', title: '时限公式', version: 1, caseLevel: 'village',
      roles: { cadre: { label: '村干部', level: 'village' } }, startRoles: ['cadre'],
      forms: { f: { title: '登记', schema: note } },
      events: { GO: { label: '提交', roles: ['cadre'], data: 'f' } },
      delays: { due: { at: `=${Array(200).fill('f.note').join('&')}` } },
      machine: { id: 'case', initial: 'idle', states: { idle: { meta: { label: '登记' }, on: { GO: { target: 'wait', actions: [{ type: 'save' }] } } }, wait: { meta: { label: '等待' }, after: { due: 'done' } }, done: { type: 'final' } } },
    } as unknown as Definition);
    const start = startCase(compiled, { now: NOW, actor: cadre, unitPath });
    if (!start.ok) throw new Error(start.rejection.message);
    const r = transition(compiled, start.snapshot, { type: 'GO', data: { note: 'x'.repeat(8000) } }, { now: NOW, actor: cadre, unitPath });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.rejection).toMatchObject({ code: 'over-budget', message: expect.stringContaining(`这一步在「等待」(case.wait)公式得到的文字超过 ${BUDGET.textLength} 个字`) });
    expect(transition(compiled, start.snapshot, { type: 'GO', data: { note: '短' } }, { now: NOW, actor: cadre, unitPath }).ok).toBe(true);
  });

  it('a compiled formula still counts every row it reads: summing a list longer than the budget refuses the step, a shorter one is kept', () => {
    const compiled = compile({
      id: 'long-sum', title: '长列表求和', version: 1, caseLevel: 'village',
      roles: { cadre: { label: '村干部', level: 'village' } }, startRoles: ['cadre'], forms: {},
      events: { GO: { label: '合计', roles: ['cadre'] } },
      machine: { id: 'case', initial: 'idle', states: { idle: { meta: { label: '登记' }, on: { GO: { target: 'done', actions: [{ type: 'compute', params: { to: 'total', expr: 'SUMIF(rows.kind, "存入", rows.amount)' } }] } } }, done: { type: 'final' } } },
    } as unknown as Definition);
    const sum = (n: number) => {
      const rows = Array.from({ length: n }, () => ({ kind: '存入', amount: 0.01 }));
      const start = startCase(compiled, { now: NOW, actor: cadre, unitPath, data: { rows }, system: true });
      if (!start.ok) throw new Error(start.rejection.message);
      return transition(compiled, start.snapshot, { type: 'GO' }, { now: NOW, actor: cadre, unitPath });
    };
    const kept = sum(1000);
    expect(kept.ok && kept.snapshot.context.data.total).toBe(10);
    const r = sum(BUDGET.formulaSteps / 2);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.rejection).toMatchObject({ code: 'over-budget', message: expect.stringContaining(`公式计算超过 ${BUDGET.formulaSteps} 步`) });
  });
});
