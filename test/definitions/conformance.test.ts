import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/compile';
import { resolveTarget, walkStates, walkTransitions, type WalkedState } from '../../engine/stateWalk';
import type { StateNodeConfig } from '../../engine/types';
import { runCheck } from '../../server/cli/check';
import { allDefinitions, definitionsDir } from '../helpers/definitions';

describe('countyflow check definitions/', () => {
  it('passes with no errors', () => {
    const lines: string[] = [];
    expect(runCheck([definitionsDir], (l) => lines.push(l))).toBe(0);
    expect(lines.at(-1)).toMatch(/0 个错误/);
  });
});

describe.each(allDefinitions())('conformance of %s', (_file, def) => {
  it('compiles', () => {
    expect(() => compile(def)).not.toThrow();
  });

  it('has a path from the start to a final state', () => {
    const states = walkStates(def.machine.id ?? 'case', def.machine as StateNodeConfig);
    const transitions = walkTransitions(states);
    const childOf = (s: WalkedState, key: string | undefined) => states.find((c) => c.parent === s && c.path.at(-1) === key);
    const seen = new Set<WalkedState>();
    const queue: WalkedState[] = [];
    const enter = (s: WalkedState | undefined) => {
      if (!s || seen.has(s)) return;
      seen.add(s);
      queue.push(s);
      if (s.kind === 'compound') enter(childOf(s, s.node.initial));
      if (s.kind === 'parallel') states.filter((c) => c.parent === s).forEach(enter);
    };
    enter(states[0]);
    let reachedFinal = false;
    while (queue.length) {
      const s = queue.shift()!;
      if (s.kind === 'final' && s.parent === states[0]) reachedFinal = true;
      for (let cur: WalkedState | null = s; cur; cur = cur.parent) {
        for (const t of transitions) if (t.source === cur) t.targets.forEach((target) => enter(resolveTarget(states, cur!, target)));
      }
    }
    expect(reachedFinal).toBe(true);
  });
});
