import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, compileReference, type CompiledProcess } from '../../engine/compile';
import { Plans } from '../../engine/plans';
import { startCase, transition, type TransitionResult } from '../../engine/transition';
import type { CaseContext, CaseSnapshot, StateNodeConfig } from '../../engine/types';
import { actor, definitionOf, EVENTS, randomMachine, unitPath } from '../helpers/randomMachines';

const json = (r: TransitionResult) => JSON.stringify(r);
const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * The differential test of macrostep plans (engine/plans.ts): on random machines with nested,
 * parallel and history states, `always` and `onDone` transitions, guards on the case's data and
 * actions that write it, every event gives what XState alone gives, byte for byte: the
 * snapshot, the effects, the rejection and its words. Several cases walk each machine from
 * different data, so later cases replay the plans earlier ones recorded and guards answer
 * differently in the same spot.
 */
describe('a macrostep replayed from its plan gives what XState gives', () => {
  it('on random machines, case after case, from memory and from stored JSON', () => {
    const totals = { replayed: 0, grafts: 0, steps: 0 };
    fc.assert(
      fc.property(
        fc.gen(),
        fc.array(fc.record({ n: fc.integer({ min: -1, max: 9 }), events: fc.array(fc.constantFrom(...EVENTS), { minLength: 1, maxLength: 10 }) }), { minLength: 2, maxLength: 8 }),
        (g, cases) => {
          let planned: CompiledProcess;
          let reference: CompiledProcess;
          try {
            const def = definitionOf(randomMachine(g));
            planned = compile(def);
            reference = compileReference(def);
          } catch {
            return; // XState refused the config itself (the checker reports these): nothing can run.
          }
          const plans = planned.runner.plans!;
          const before = plans.counts.replayed;
          const recordedAt = new Set<string>();
          const now = Date.parse('2026-03-02T02:00:00Z');
          for (const { n, events } of cases) {
            // Some cases start with a counter the guards read, some without it.
            const data = n < 0 ? {} : { n };
            const started = startCase(planned, { now, actor, unitPath, data, system: true });
            expect(json(started)).toBe(json(startCase(reference, { now, actor, unitPath, data, system: true })));
            if (!started.ok) continue;
            let snapshot: CaseSnapshot = started.snapshot;
            for (const [i, type] of events.entries()) {
              const at = now + i * 60_000;
              const key = Plans.key(snapshot.value, snapshot.historyValue, type);
              const recorded = plans.counts.recorded;
              // Every other step starts from stored JSON, as the server's do.
              const from = i % 2 ? copy(snapshot) : snapshot;
              const got = transition(planned, from, { type }, { now: at, actor, unitPath });
              const want = transition(reference, copy(snapshot), { type }, { now: at, actor, unitPath });
              expect(json(got)).toBe(json(want));
              totals.steps++;
              // A second branch recorded at a spot that had a plan: a guard answered otherwise for this case.
              if (plans.counts.recorded > recorded && recordedAt.has(key)) totals.grafts++;
              if (plans.counts.recorded > recorded) recordedAt.add(key);
              if (got.ok) snapshot = got.snapshot;
            }
          }
          totals.replayed += plans.counts.replayed - before;
        },
      ),
      { numRuns: 200, seed: 20261202 },
    );
    // The walks did replay plans, and guards did send cases down branches earlier cases had not
    // taken: else this proves nothing about either.
    expect(totals.replayed).toBeGreaterThan(totals.steps / 4);
    expect(totals.grafts).toBeGreaterThan(20);
  });

  it('a guard that answers differently for this case runs XState for it and records the new branch', () => {
    const def = definitionOf({
      id: 'case',
      initial: 'draft',
      states: {
        draft: {
          on: {
            GO: [
              { target: 'big', guard: { type: 'matches', params: { schema: { properties: { n: { minimum: 5 } } } } }, actions: [{ type: 'append', params: { to: 'log' } }] },
              { target: 'small', actions: [{ type: 'set', params: { path: 'seen', value: true } }] },
            ],
          },
        },
        big: { always: { target: 'done', guard: { type: 'matches', params: { schema: { properties: { n: { maximum: 7 } } } } } } },
        small: {},
        done: { type: 'final' },
      },
    } as unknown as StateNodeConfig);
    const planned = compile(def);
    const reference = compileReference(def);
    const plans = planned.runner.plans!;
    const now = Date.parse('2026-03-02T02:00:00Z');
    const go = (n: number) => {
      const start = startCase(planned, { now, actor, unitPath, data: { n }, system: true });
      if (!start.ok) throw new Error('start refused');
      const got = transition(planned, copy(start.snapshot), { type: 'GO' }, { now, actor, unitPath });
      expect(json(got)).toBe(json(transition(reference, copy(start.snapshot), { type: 'GO' }, { now, actor, unitPath })));
      return got.ok ? got.state : got.rejection.code;
    };
    const counts = () => ({ ...plans.counts });
    const at0 = counts();
    expect(go(6)).toBe('done');
    expect(counts()).toEqual({ replayed: at0.replayed, recorded: at0.recorded + 1 });
    expect(go(7)).toBe('done');
    expect(counts()).toEqual({ replayed: at0.replayed + 1, recorded: at0.recorded + 1 });
    // n = 9 takes the first transition like 6 and 7, then the `always` guard answers no: a new branch.
    expect(go(9)).toBe('big');
    expect(go(2)).toBe('small');
    expect(counts()).toEqual({ replayed: at0.replayed + 1, recorded: at0.recorded + 3 });
    expect([go(8), go(1), go(5)]).toEqual(['big', 'small', 'done']);
    expect(counts()).toEqual({ replayed: at0.replayed + 4, recorded: at0.recorded + 3 });
  });

  it('stays bounded: past 50,000 operations kept, a new spot is run by XState and not recorded', () => {
    const plans = new Plans();
    const call = ({ context }: { context: CaseContext }) => ({ n: ((context as unknown as { n?: number }).n ?? 0) + 1 });
    const ending = { same: false, value: 'a', historyValue: {}, status: 'active' as const, nodes: [] };
    const record = (key: string, ops: number) => {
      const sent = { type: 'GO' };
      plans.start(sent);
      for (let i = 0; i < ops; i++) plans.assign(call, undefined, sent);
      plans.stop(key, ending);
    };
    const hooks = { step: () => undefined, exec: () => undefined };
    const context = { data: {}, due: {}, children: { total: 0, done: 0 } } as CaseContext;
    // A branch over 2,000 operations is never kept.
    record('long', 2_001);
    expect(plans.replay('long', context, { type: 'GO' }, hooks)).toBeUndefined();
    for (let i = 0; i < 26; i++) record(`spot${i}`, 2_000);
    // 25 spots of 2,000 operations fill the 50,000; the 26th is not kept.
    expect(plans.counts.recorded).toBe(25);
    const replayed = plans.replay('spot24', context, { type: 'GO' }, hooks);
    expect((replayed?.context as unknown as { n: number }).n).toBe(2_000);
    expect(plans.replay('spot25', context, { type: 'GO' }, hooks)).toBeUndefined();
  });
});
