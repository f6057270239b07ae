import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../engine/check/index';
import { compile, type CompiledProcess } from '../../engine/compile';
import { availableEvents, currentCountersign, startCase, transition, type TransitionResult } from '../../engine/transition';
import type { Actor, CaseSnapshot, Definition, Grant } from '../../engine/types';
import { definitionsDir } from '../helpers/definitions';

/** The two-bureau countersign shipped as an example: 县住建局 (或签) then 县财政局 (all must sign) on a housing subsidy. */
const shipped = JSON.parse(readFileSync(join(definitionsDir, 'examples', 'housing-subsidy.json'), 'utf8')) as Definition;
const inParallel = (): Definition => {
  const d = structuredClone(shipped);
  d.machine.states.jointReview!.meta!.countersign!.order = 'parallel';
  return d;
};

const unitPath = ['c', 't', 'v'];
const NOW = Date.parse('2026-03-02T02:00:00Z');
const person = (id: string, role: string, path: string[], level: Grant['level']): Actor => ({ id, name: id, grants: [{ role, unitPath: path, level }] });
const cadre = person('cadre', 'village_cadre', unitPath, 'village');
const township = person('township', 'township_reviewer', ['c', 't'], 'township');
const [zhu1, zhu2] = ['zhu1', 'zhu2'].map((id) => person(id, 'housing_bureau', ['c'], 'county'));
const [cai1, cai2] = ['cai1', 'cai2'].map((id) => person(id, 'finance_bureau', ['c'], 'county'));
/** The county's people in each bureau, as the server would find them when each decision is taken. */
const holders = { housing_bureau: ['zhu1', 'zhu2'], finance_bureau: ['cai1', 'cai2'] };

interface Logged {
  type: string;
  actor: string;
  data?: unknown;
}

/** A case of the definition brought to the countersign, and a way to act on it that keeps the log as the server would. */
function atJointReview(def: Definition) {
  const report = checkDefinition(def);
  expect(report.errors).toEqual([]);
  const compiled = compile(report.definition!);
  const log: Logged[] = [];
  const ok = (r: TransitionResult) => {
    if (!r.ok) throw new Error(`${r.rejection.code}: ${r.rejection.message}`);
    return r;
  };
  let s = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath })).snapshot;
  const send = (snapshot: CaseSnapshot, who: Actor, type: string, data?: unknown): TransitionResult => {
    const r = transition(compiled, snapshot, { type, data }, { now: NOW, actor: who, unitPath, holders });
    if (r.ok) log.push({ type, actor: who.id, ...(data === undefined ? {} : { data }) });
    return r;
  };
  s = ok(send(s, cadre, 'SUBMIT', { householder: '王德顺', grade: 'D级', amount: 35000 })).snapshot;
  s = ok(send(s, township, 'APPROVE')).snapshot;
  return { compiled, s, send, ok, log };
}

/** The case rebuilt from its log alone: every event as the system, with the people recorded (no one's grants). */
function replay(compiled: CompiledProcess, log: Logged[]): CaseSnapshot {
  let s = (startCase(compiled, { now: NOW, actor: { id: 'cadre', grants: [] }, unitPath, system: true }) as { snapshot: CaseSnapshot }).snapshot;
  for (const e of log) {
    const r = transition(compiled, s, { type: e.type, data: e.data }, { now: NOW, actor: { id: e.actor, grants: [] }, unitPath, system: true, holders });
    if (!r.ok) throw new Error(`replay ${e.type} by ${e.actor}: ${r.rejection.message}`);
    s = r.snapshot;
  }
  return s;
}

const refusal = (r: TransitionResult) => (r.ok ? 'accepted' : `${r.rejection.code}: ${r.rejection.message}`);
const offered = (compiled: CompiledProcess, s: CaseSnapshot, who: Actor) => availableEvents(compiled, s, who, unitPath).map((e) => e.type);

describe('联审 by two departments in order (县住建局, then 县财政局)', () => {
  it('the finance bureau waits for housing; housing signs with one approval; finance needs both of its people; the log replays to the same', () => {
    const { compiled, s, send, ok, log } = atJointReview(shipped);
    expect(offered(compiled, s, cai1!)).toEqual([]);
    expect(offered(compiled, s, zhu1!)).toEqual(['APPROVE', 'RETURN']);
    expect(refusal(send(s, cai1!, 'APPROVE'))).toBe('not-their-turn: 还没轮到「县财政局」：请等「县住建局」审批后再办理');
    // The township reviewer may send APPROVE by its roles, but at the countersign only the departments decide.
    expect(refusal(send(s, township, 'APPROVE'))).toMatch(/^forbidden-role/);

    const housing = ok(send(s, zhu1!, 'APPROVE'));
    expect(housing.state).toBe('jointReview');
    expect(currentCountersign(compiled, housing.snapshot, holders)).toMatchObject({
      label: '县住建局、县财政局联审', order: 'sequential',
      departments: [
        { label: '县住建局', status: 'signed', signed: ['zhu1'], waiting: [] },
        { label: '县财政局', status: 'due', needed: 2, signed: [], waiting: ['cai1', 'cai2'] },
      ],
    });
    expect(refusal(send(housing.snapshot, zhu2!, 'APPROVE'))).toBe('not-their-turn: 「县住建局」已审批完毕，现在等待「县财政局」审批');
    expect(offered(compiled, housing.snapshot, zhu2!)).toEqual([]);
    expect(offered(compiled, housing.snapshot, cai1!)).toEqual(['APPROVE', 'RETURN']);

    const first = ok(send(housing.snapshot, cai1!, 'APPROVE'));
    expect(first.state).toBe('jointReview');
    expect(refusal(send(first.snapshot, cai1!, 'APPROVE'))).toMatch(/^already-approved/);
    expect(offered(compiled, first.snapshot, cai1!)).toEqual(['RETURN']);
    const granted = ok(send(first.snapshot, cai2!, 'APPROVE'));
    expect(granted).toMatchObject({ state: 'granted', status: 'done' });
    expect(granted.snapshot.countersigns).toBeUndefined();

    expect(log.map((e) => `${e.actor} ${e.type}`)).toEqual(['cadre SUBMIT', 'township APPROVE', 'zhu1 APPROVE', 'cai1 APPROVE', 'cai2 APPROVE']);
    expect(replay(compiled, log)).toEqual(JSON.parse(JSON.stringify(granted.snapshot)));
  });

  it('a return by the department whose turn it is returns the case; the signatures start afresh when it comes back', () => {
    const { compiled, s, send, ok, log } = atJointReview(shipped);
    const housing = ok(send(s, zhu2!, 'APPROVE'));
    const returned = ok(send(housing.snapshot, cai2!, 'RETURN'));
    expect(returned.state).toBe('applying');
    expect(returned.snapshot.countersigns).toBeUndefined();
    let again = ok(send(returned.snapshot, cadre, 'SUBMIT', { householder: '王德顺', grade: 'D级', amount: 30000 })).snapshot;
    again = ok(send(again, township, 'APPROVE')).snapshot;
    expect(currentCountersign(compiled, again, holders)?.departments.map((d) => d.status)).toEqual(['due', 'later']);
    expect(replay(compiled, log)).toEqual(JSON.parse(JSON.stringify(again)));
  });

  it('signatures survive storage: the count goes on from a snapshot read back from JSON', () => {
    const { s, send, ok } = atJointReview(shipped);
    const stored = JSON.parse(JSON.stringify(ok(send(ok(send(s, zhu1!, 'APPROVE')).snapshot, cai1!, 'APPROVE')).snapshot)) as CaseSnapshot;
    expect(ok(send(stored, cai2!, 'APPROVE')).state).toBe('granted');
  });
});

describe('联审 by two departments in parallel', () => {
  it('either bureau may sign first; the step passes when both have; the log replays to the same', () => {
    const { compiled, s, send, ok, log } = atJointReview(inParallel());
    expect(offered(compiled, s, cai1!)).toEqual(['APPROVE', 'RETURN']);
    expect(offered(compiled, s, zhu1!)).toEqual(['APPROVE', 'RETURN']);
    const finance = ok(send(s, cai1!, 'APPROVE'));
    const housing = ok(send(finance.snapshot, zhu1!, 'APPROVE'));
    expect(housing.state).toBe('jointReview');
    expect(currentCountersign(compiled, housing.snapshot, holders)?.departments.map((d) => [d.label, d.status, d.waiting])).toEqual([
      ['县住建局', 'signed', []], ['县财政局', 'due', ['cai2']],
    ]);
    const granted = ok(send(housing.snapshot, cai2!, 'APPROVE'));
    expect(granted.state).toBe('granted');
    expect(replay(compiled, log)).toEqual(JSON.parse(JSON.stringify(granted.snapshot)));
  });

  it('a department of a share: 50% of two finance people is one', () => {
    const d = inParallel();
    d.machine.states.jointReview!.meta!.countersign!.departments[1] = { label: '县财政局', role: 'finance_bureau', level: 'county', mode: 'ratio', ratio: 0.5 };
    const { s, send, ok } = atJointReview(d);
    expect(ok(send(ok(send(s, cai2!, 'APPROVE')).snapshot, zhu2!, 'APPROVE')).state).toBe('granted');
  });
});

describe('who belongs to a department', () => {
  it('by the level the department names: the role held at the township is not the county bureau', () => {
    const { compiled, s, send } = atJointReview(shipped);
    const townshipHousing = person('zhuT', 'housing_bureau', ['c', 't'], 'township');
    expect(offered(compiled, s, townshipHousing)).toEqual([]);
    expect(refusal(send(s, townshipHousing, 'APPROVE'))).toMatch(/^forbidden-role/);
  });

  it('in the designer\'s simulator (people unknown) the actor\'s grants decide, and each department needs one signature', () => {
    const compiled = compile(checkDefinition(shipped).definition!);
    const go = (s: CaseSnapshot, who: Actor, type: string, data?: unknown) => {
      const r = transition(compiled, s, { type, data }, { now: NOW, actor: who, unitPath });
      if (!r.ok) throw new Error(r.rejection.message);
      return r;
    };
    let s = (startCase(compiled, { now: NOW, actor: cadre, unitPath }) as { snapshot: CaseSnapshot }).snapshot;
    s = go(go(s, cadre, 'SUBMIT', { householder: '王德顺', grade: 'C级', amount: 8000 }).snapshot, township, 'APPROVE').snapshot;
    const housing = go(s, zhu1!, 'APPROVE');
    expect(currentCountersign(compiled, housing.snapshot)?.departments.map((d) => [d.status, d.needed])).toEqual([['signed', 1], ['due', 1]]);
    expect(go(housing.snapshot, cai1!, 'APPROVE').state).toBe('granted');
  });

  it('a department nobody holds where the case is cannot sign: it waits', () => {
    const { compiled, s, ok } = atJointReview(shipped);
    const none = { ...holders, finance_bureau: [] };
    const approve = (snap: CaseSnapshot, who: Actor) => transition(compiled, snap, { type: 'APPROVE' }, { now: NOW, actor: who, unitPath, holders: none });
    const housing = ok(approve(s, zhu1!));
    expect(housing.state).toBe('jointReview');
    expect(currentCountersign(compiled, housing.snapshot, none)?.departments[1]).toMatchObject({ status: 'due', needed: 1, waiting: [] });
    expect(refusal(approve(housing.snapshot, cai1!))).toMatch(/^forbidden-role/);
  });
});

describe('the checker and a countersign', () => {
  it('the shipped two-bureau process is clean; an approval used only at the countersign needs no roles of its own; the step is a gate of the two bureaus', () => {
    expect((({ errors, warnings }) => [...errors, ...warnings])(checkDefinition(shipped))).toEqual([]);
    const d = structuredClone(shipped);
    d.events.SIGN = { label: '会签同意', kind: 'approve' };
    d.machine.states.jointReview!.on = { SIGN: 'granted', RETURN: 'applying' };
    const report = checkDefinition(d);
    expect([...report.errors, ...report.warnings]).toEqual([]);
    expect(report.reviewerGates.find((g) => g.state === 'jointReview')?.roles).toEqual(['housing_bureau', 'finance_bureau']);
  });
});

describe('docs/approvals.md', () => {
  it('shows the shipped two-bureau process as it is', () => {
    const doc = readFileSync(join(definitionsDir, '..', 'docs', 'approvals.md'), 'utf8');
    const block = [...doc.matchAll(/```json\n([\s\S]*?)\n```/g)].map((m) => JSON.parse(m[1]!) as { id?: string }).find((b) => b.id === 'housing-subsidy');
    expect(block).toEqual(shipped);
  });
});
