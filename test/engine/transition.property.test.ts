import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile, compileReference, type CompiledProcess } from '../../engine/compile';
import { availableEvents, startCase, transition, type TransitionResult } from '../../engine/transition';
import type { Actor, CaseSnapshot, Definition, Level } from '../../engine/types';
import { allDefinitions } from '../helpers/definitions';
import { validData } from '../helpers/sampleData';

const LEVELS: Level[] = ['county', 'township', 'village', 'site', 'branch', 'grid'];
const UNIT = ['c1', 't1', 'v1', 's1', 'b1', 'g1'];
// The refusals a random walk may meet; 'not-their-turn' where a 联审 department acts before its turn (housing-subsidy).
const REJECTIONS = ['unknown-event', 'forbidden-role', 'not-allowed-in-state', 'condition-not-met', 'invalid-data', 'case-closed', 'invalid-snapshot', 'not-their-turn'];

const depthOf = (level: Level | undefined) => Math.max(0, LEVELS.indexOf(level ?? 'village'));
/** Where a definition's cases sit: the unit path down to its case level. */
const caseUnitOf = (def: Definition) => UNIT.slice(0, depthOf(def.caseLevel) + 1);

/** One actor per declared role, held at the role's level (no deeper than the case) on the case's branch; plus outsiders. */
function actorsFor(def: Definition): Actor[] {
  const actors: Actor[] = Object.entries(def.roles).map(([role, r]) => {
    const depth = Math.min(depthOf(r.level), depthOf(def.caseLevel));
    return { id: role, name: r.label, grants: [{ role, unitPath: UNIT.slice(0, depth + 1), level: r.level ?? 'village' }] };
  });
  const firstRole = Object.keys(def.roles)[0]!;
  actors.push({ id: 'elsewhere', grants: [{ role: firstRole, unitPath: ['c1', 't2'], level: 'township' }] });
  actors.push({ id: 'nobody', grants: [] });
  return actors;
}

function timerEvents(compiled: CompiledProcess): string[] {
  const out: string[] = [];
  const visit = (node: { after?: object; states?: Record<string, unknown> }, id: string) => {
    for (const key of Object.keys(node.after ?? {})) out.push(`xstate.after.${key}.${id}`);
    for (const [k, child] of Object.entries(node.states ?? {})) visit(child as never, `${id}.${k}`);
  };
  visit(compiled.definition.machine as never, compiled.definition.machine.id ?? 'case');
  return out;
}

const strip = (r: TransitionResult) => JSON.parse(JSON.stringify(r));

describe.each(allDefinitions())('random event sequences through %s', (_file, def) => {
  const compiled = compile(def);
  // XState alone, without macrostep plans: every step must give what it gives (engine/plans.ts).
  const reference = compileReference(def);
  const actors = actorsFor(def);
  const caseUnit = caseUnitOf(def);
  const types = [...Object.keys(def.events), ...timerEvents(compiled), 'constructor', '__proto__', 'toString', 'xstate.init', ''];
  const formArb = Object.fromEntries(Object.entries(def.forms).map(([k, f]) => [k, validData(f.schema as Record<string, unknown>)]));
  const formData = Object.values(formArb);
  const randomStep = fc.record({
    type: fc.constantFrom(...types),
    actor: fc.constantFrom(...actors),
    system: fc.boolean(),
    data: fc.oneof({ weight: 6, arbitrary: fc.oneof(...formData) }, { weight: 2, arbitrary: fc.jsonValue() }, { weight: 2, arbitrary: fc.constant(undefined) }),
    minutes: fc.integer({ min: 0, max: 60 * 24 * 30 }),
  });
  const timers = timerEvents(compiled);
  const system: Actor = { id: 'system', grants: [] };

  /** Most steps are what some user could do now (valid data for the step's form); the rest are random. */
  function nextStep(g: fc.GeneratorValue, snapshot: CaseSnapshot) {
    if (g(fc.integer, { min: 0, max: 9 }) < 3) return g(() => randomStep);
    const choices = actors.flatMap((actor) => availableEvents(compiled, snapshot, actor, caseUnit).map((e) => ({ actor, e })));
    const minutes = g(fc.integer, { min: 0, max: 60 * 24 * 10 });
    if (!choices.length || g(fc.integer, { min: 0, max: 9 }) === 0) {
      const type = g(fc.constantFrom, ...[...timers, 'CHILD.DONE']);
      return { type, actor: system, system: true, data: undefined, minutes };
    }
    const { actor, e } = g(fc.constantFrom, ...choices);
    const data = e.form ? g(() => formArb[e.form!]!) : undefined;
    return { type: e.type, actor, system: false, data, minutes };
  }

  const visited = new Set<string>();

  it('never throws, rejects only with typed codes, and gives the same result from a stored snapshot and from XState alone', () => {
    const replayedBefore = compiled.runner.plans!.counts.replayed;
    fc.assert(
      fc.property(fc.gen(), fc.integer({ min: 1, max: 40 }), (g, length) => {
        let now = Date.parse('2026-03-02T02:00:00Z');
        const started = startCase(compiled, { now, actor: actors[0]!, unitPath: caseUnit, system: true });
        if (!started.ok) throw new Error('start refused');
        let snapshot: CaseSnapshot = started.snapshot;
        visited.add(JSON.stringify(snapshot.value));
        for (let i = 0; i < length; i++) {
          const s = nextStep(g, snapshot);
          now += s.minutes * 60_000;
          const options = { now, actor: s.actor, unitPath: caseUnit, system: s.system };
          const event = { type: s.type, data: s.data };
          const inMemory = transition(compiled, snapshot, event, options);
          const stored = transition(compiled, JSON.parse(JSON.stringify(snapshot)) as CaseSnapshot, JSON.parse(JSON.stringify(event)), options);
          expect(strip(stored)).toEqual(strip(inMemory));
          const alone = transition(reference, JSON.parse(JSON.stringify(snapshot)) as CaseSnapshot, JSON.parse(JSON.stringify(event)), options);
          expect(strip(alone)).toEqual(strip(inMemory));
          if (!inMemory.ok) {
            expect(REJECTIONS).toContain(inMemory.rejection.code);
            expect(inMemory.rejection.message).toMatch(/[\u4e00-\u9fff]/);
            for (const d of inMemory.rejection.details) expect(d.message).toMatch(/[\u4e00-\u9fff]/);
            continue;
          }
          snapshot = inMemory.snapshot;
          visited.add(JSON.stringify(snapshot.value));
          const plan = snapshot.context.data.plan as { amount?: number; households?: { amountFen?: number }[] } | undefined;
          if (plan?.households?.every((h) => typeof h.amountFen === 'number')) {
            expect(plan.households.reduce((a, h) => a + h.amountFen!, 0)).toBe(Math.round(plan.amount! * 100));
          }
        }
      }),
      { numRuns: 150 },
    );
    // Later walks did replay the plans earlier ones recorded (else the comparison proves nothing about them).
    expect(compiled.runner.plans!.counts.replayed - replayedBefore).toBeGreaterThan(100);
  });

  it('explores the flow: the walks reach at least 80% of the leaf states', () => {
    const all = [...compiled.states.values()];
    const leaves = all.filter((s) => s.path.length > 0 && !all.some((o) => o.path.length > s.path.length && s.path.every((k, i) => o.path[i] === k)));
    expect(visited.size / leaves.length).toBeGreaterThanOrEqual(0.8);
  });
});
