import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUDGET } from '../../engine/budget';
import { compile } from '../../engine/compile';
import { startCase, transition, type TransitionResult } from '../../engine/transition';
import type { CaseSnapshot, StateNodeConfig } from '../../engine/types';
import { actor, definitionOf, EVENTS, randomMachine, unitPath } from '../helpers/randomMachines';

const TYPED = ['unknown-event', 'forbidden-role', 'not-allowed-in-state', 'condition-not-met', 'invalid-data', 'case-closed', 'invalid-snapshot', 'over-budget'];

/** The call returns (never throws, never hangs) with an accepted snapshot or a typed rejection. */
function withinBudget(run: () => TransitionResult): TransitionResult {
  const t0 = performance.now();
  const r = run();
  // Not a speed test: a call bounded by the budget ends within a second even on a loaded machine.
  expect(performance.now() - t0).toBeLessThan(1000);
  if (!r.ok) {
    expect(TYPED).toContain(r.rejection.code);
    expect(r.rejection.message).toMatch(/[\u4e00-\u9fff]/);
  } else {
    expect(JSON.stringify(r.snapshot.context.data).length).toBeLessThan(BUDGET.bytes + 100_000);
  }
  return r;
}

describe('every engine call on a randomly generated machine returns within the budget', () => {
  it('start and random events: an accepted snapshot or a typed rejection, never a hang or a throw', () => {
    let overruns = 0;
    fc.assert(
      fc.property(fc.gen(), fc.array(fc.constantFrom(...EVENTS), { maxLength: 8 }), (g, events) => {
        let compiled;
        try {
          compiled = compile(definitionOf(randomMachine(g)));
        } catch {
          return; // XState refused the config itself (the checker reports these): nothing can run.
        }
        const now = Date.parse('2026-03-02T02:00:00Z');
        const started = withinBudget(() => startCase(compiled, { now, actor, unitPath }));
        if (!started.ok) {
          overruns += started.rejection.code === 'over-budget' ? 1 : 0;
          return;
        }
        let snapshot: CaseSnapshot = started.snapshot;
        for (const type of events) {
          const before = JSON.stringify(snapshot);
          const r = withinBudget(() => transition(compiled, snapshot, { type }, { now, actor, unitPath }));
          if (!r.ok) {
            // Refused means untouched: the snapshot the caller holds is what it was.
            expect(JSON.stringify(snapshot)).toBe(before);
            overruns += r.rejection.code === 'over-budget' ? 1 : 0;
            continue;
          }
          snapshot = r.snapshot;
        }
      }),
      { numRuns: 300 },
    );
    // The generator does produce runaways (else this test proves nothing about the budget).
    expect(overruns).toBeGreaterThan(0);
  });
});

describe('a case read back from the database goes on as the one held in memory', () => {
  it('comes back through a deep history state to the step it left, from stored JSON too', () => {
    const compiled = compile(definitionOf({
      id: 'case',
      initial: 'work',
      states: {
        work: { initial: 'a', states: { a: { on: { NEXT: 'b' } }, b: {}, h: { type: 'history', history: 'deep' } }, on: { GO: '#case.pause' } },
        pause: { on: { BACK: '#case.work.h' } },
      },
    } as unknown as StateNodeConfig));
    const now = Date.parse('2026-03-02T02:00:00Z');
    let snapshot = (startCase(compiled, { now, actor, unitPath }) as { snapshot: CaseSnapshot }).snapshot;
    for (const type of ['NEXT', 'GO']) snapshot = (transition(compiled, snapshot, { type }, { now, actor, unitPath }) as { snapshot: CaseSnapshot }).snapshot;
    const stored = JSON.parse(JSON.stringify(snapshot)) as CaseSnapshot;
    const live = transition(compiled, snapshot, { type: 'BACK' }, { now, actor, unitPath });
    const restored = transition(compiled, stored, { type: 'BACK' }, { now, actor, unitPath });
    expect(live.ok && live.state).toEqual({ work: 'b' });
    expect(restored.ok && restored.state).toEqual({ work: 'b' });
  });

  it('on random machines with history states: every event gives the same answer from stored JSON', () => {
    let throughHistory = 0;
    fc.assert(
      fc.property(fc.gen(), fc.array(fc.constantFrom(...EVENTS), { minLength: 2, maxLength: 8 }), (g, events) => {
        let compiled;
        try {
          compiled = compile(definitionOf(randomMachine(g)));
        } catch {
          return;
        }
        const now = Date.parse('2026-03-02T02:00:00Z');
        const started = startCase(compiled, { now, actor, unitPath });
        if (!started.ok) return;
        let snapshot: CaseSnapshot = started.snapshot;
        for (const type of events) {
          const stored = JSON.parse(JSON.stringify(snapshot)) as CaseSnapshot;
          if (Object.keys(stored.historyValue ?? {}).length) throughHistory++;
          const live = transition(compiled, snapshot, { type }, { now, actor, unitPath });
          const restored = transition(compiled, stored, { type }, { now, actor, unitPath });
          expect(JSON.stringify(restored)).toBe(JSON.stringify(live));
          if (!live.ok) continue;
          snapshot = live.snapshot;
        }
      }),
      // A fixed seed: these walks are known to pass through remembered history (checked below), every run.
      { numRuns: 300, seed: 20261202 },
    );
    // Walks did pass through remembered history (else this proves nothing about restoring it).
    expect(throughHistory).toBeGreaterThan(0);
  });
});
