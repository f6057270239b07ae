import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../engine/check/index';
import { compile } from '../../engine/compile';
import { currentBallot, startCase, transition, type TransitionResult } from '../../engine/transition';
import type { Actor, CaseSnapshot, Definition } from '../../engine/types';

const unitPath = ['c', 't', 'v'];
const NOW = Date.parse('2026-03-02T02:00:00Z');
const person = (id: string, role: string, path = unitPath.slice(0, 2)): Actor => ({ id, grants: [{ role, unitPath: path, level: path.length === 2 ? 'township' : 'village' }] });
const cadre = person('cadre', 'cadre', unitPath);
const [a, b, c] = ['a', 'b', 'c'].map((id) => person(id, 'reviewer'));

/** 联审: three reviewers of the township decide together, by the rule given. */
const def = (approval: object | null) => ({
  id: 'joint', title: '联审', caseLevel: 'village',
  roles: { cadre: { label: '村干部', level: 'village', kind: 'cadre' }, reviewer: { label: '审核人', level: 'township', kind: 'reviewer' } },
  forms: { plan: { title: '方案', schema: { type: 'object', properties: { reviewers: { type: 'array', title: '审核人', items: { type: 'string' } } } } } },
  events: {
    SUBMIT: { label: '提交', kind: 'submit', roles: ['cadre'], data: 'plan' },
    APPROVE: { label: '同意', kind: 'approve', roles: ['reviewer'] },
    RETURN: { label: '退回', kind: 'return', roles: ['reviewer'] },
  },
  machine: {
    id: 'j', initial: 'draft',
    states: {
      draft: { meta: { label: '拟定', assignee: 'cadre' }, on: { SUBMIT: { target: 'review', actions: [{ type: 'save' }] } } },
      review: { meta: { label: '联审', assignee: 'reviewer', ...(approval ? { approval } : {}) }, on: { APPROVE: 'done', RETURN: 'draft' } },
      done: { type: 'final', meta: { label: '通过', outcome: 'completed' } },
    },
  },
});

function run(approval: object | null, plan: object = {}) {
  const report = checkDefinition(def(approval));
  expect(report.errors).toEqual([]);
  const compiled = compile(report.definition as Definition);
  const start = startCase(compiled, { now: NOW, actor: cadre, unitPath });
  if (!start.ok) throw new Error(start.rejection.message);
  const submitted = transition(compiled, start.snapshot, { type: 'SUBMIT', data: plan }, { now: NOW, actor: cadre, unitPath });
  if (!submitted.ok) throw new Error(submitted.rejection.message);
  const approvers = ['a', 'b', 'c'];
  const send = (s: CaseSnapshot, who: Actor, type: string): TransitionResult => transition(compiled, s, { type }, { now: NOW, actor: who, unitPath, approvers });
  return { compiled, s: submitted.snapshot, send, approvers };
}
const ok = (r: TransitionResult) => {
  if (!r.ok) throw new Error(`${r.rejection.code}: ${r.rejection.message}`);
  return r;
};

describe('steps decided by several approvers', () => {
  it('会签 with three approvers: two approve (the case waits), the third approves → next step; each counts once', () => {
    const { compiled, s, send, approvers } = run({ mode: 'all' });
    const one = ok(send(s, a!, 'APPROVE'));
    expect(one.state).toBe('review');
    expect(currentBallot(compiled, one.snapshot, approvers)).toMatchObject({ label: '联审', approved: ['a'], needed: 3 });
    const again = send(one.snapshot, a!, 'APPROVE');
    expect(!again.ok && again.rejection.code).toBe('already-approved');
    const two = ok(send(one.snapshot, b!, 'APPROVE'));
    expect(two.state).toBe('review');
    const three = ok(send(two.snapshot, c!, 'APPROVE'));
    expect(three.state).toBe('done');
    expect(three.snapshot.votes).toBeUndefined();
  });

  it('会签: two approve, one returns → returned; the count starts afresh when the step comes again', () => {
    const { s, send } = run({ mode: 'all' });
    const two = ok(send(ok(send(s, a!, 'APPROVE')).snapshot, b!, 'APPROVE'));
    const returned = ok(send(two.snapshot, c!, 'RETURN'));
    expect(returned.state).toBe('draft');
    expect(returned.snapshot.votes).toBeUndefined();
  });

  it('或签: the first approval decides; a share: 60% of three is two', () => {
    const any = run({ mode: 'any' });
    expect(ok(any.send(any.s, b!, 'APPROVE')).state).toBe('done');
    const share = run({ mode: 'ratio', ratio: 0.6 });
    const first = ok(share.send(share.s, a!, 'APPROVE'));
    expect(first.state).toBe('review');
    expect(ok(share.send(first.snapshot, c!, 'APPROVE')).state).toBe('done');
  });

  it('only the step\'s approvers vote; approvers chosen in an earlier form count instead of the role\'s holders', () => {
    const { s, send } = run({ mode: 'all' });
    const outsider = person('d', 'reviewer');
    const refused = send(s, outsider, 'APPROVE');
    expect(!refused.ok && refused.rejection.code).toBe('forbidden-role');
    const chosen = run({ mode: 'all', chooseFrom: 'plan.reviewers' }, { reviewers: ['a', 'c'] });
    const byA = ok(chosen.send(chosen.s, a!, 'APPROVE'));
    expect(byA.state).toBe('review');
    const byB = chosen.send(byA.snapshot, b!, 'APPROVE');
    expect(!byB.ok && byB.rejection.code).toBe('forbidden-role');
    expect(ok(chosen.send(byA.snapshot, c!, 'APPROVE')).state).toBe('done');
  });

  it('votes survive storage: the same count from a snapshot read back from JSON', () => {
    const { s, send } = run({ mode: 'all' });
    const one = ok(send(s, a!, 'APPROVE'));
    const stored = JSON.parse(JSON.stringify(one.snapshot)) as CaseSnapshot;
    expect(ok(send(stored, b!, 'APPROVE')).snapshot.votes).toEqual({ 'j.review': ['a', 'b'] });
  });
});

describe('认领 and 转办 in the engine', () => {
  it('a claimed step is the claimant\'s; handed over (vouched by the caller) it is the colleague\'s; leaving the step ends the claim', () => {
    const { s, send, compiled } = run({ mode: 'any' });
    const claimed = ok(transition(compiled, s, { type: 'cf.claim' }, { now: NOW, actor: a!, unitPath }));
    expect(claimed.snapshot.claims).toEqual({ 'j.review': 'a' });
    const byB = send(claimed.snapshot, b!, 'APPROVE');
    expect(!byB.ok && byB.rejection.code).toBe('claimed-by-other');
    expect(!transition(compiled, claimed.snapshot, { type: 'cf.claim' }, { now: NOW, actor: b!, unitPath }).ok).toBe(true);
    const unvouched = transition(compiled, claimed.snapshot, { type: 'cf.transfer', data: { to: 'b' } }, { now: NOW, actor: a!, unitPath });
    expect(!unvouched.ok && unvouched.rejection.code).toBe('forbidden-role');
    const handed = ok(transition(compiled, claimed.snapshot, { type: 'cf.transfer', data: { to: 'b' } }, { now: NOW, actor: a!, unitPath, system: true }));
    const byA = send(handed.snapshot, a!, 'APPROVE');
    expect(!byA.ok && byA.rejection.code).toBe('claimed-by-other');
    const done = ok(send(handed.snapshot, b!, 'APPROVE'));
    expect(done.state).toBe('done');
    expect(done.snapshot.claims).toBeUndefined();
    // Someone who may not act in the step cannot claim it.
    expect(!transition(compiled, s, { type: 'cf.claim' }, { now: NOW, actor: cadre, unitPath }).ok).toBe(true);
  });
});

describe('加签 in the engine', () => {
  const z = person('z', 'county_office', ['c']);
  it('one reviewer adds a county colleague after them: their approval waits for the added one, who decides whatever their role', () => {
    const { s, send, compiled } = run(null);
    const add = (snap: CaseSnapshot, system: boolean) => transition(compiled, snap, { type: 'cf.addSigner', data: { to: 'z' } }, { now: NOW, actor: a!, unitPath, system });
    const unvouched = add(s, false);
    expect(!unvouched.ok && unvouched.rejection.code).toBe('forbidden-role');
    const added = ok(add(s, true));
    expect(added.snapshot.added).toEqual({ 'j.review': ['z'] });
    expect(currentBallot(compiled, added.snapshot)).toMatchObject({ mode: 'one', added: ['z'], needed: 2 });
    const byA = ok(send(added.snapshot, a!, 'APPROVE'));
    expect(byA.state).toBe('review');
    // Another reviewer's approval does not stand in for the added person's.
    expect(ok(send(byA.snapshot, b!, 'APPROVE')).state).toBe('review');
    const byZ = ok(transition(compiled, byA.snapshot, { type: 'APPROVE' }, { now: NOW, actor: z, unitPath }));
    expect(byZ.state).toBe('done');
    expect(byZ.snapshot.added).toBeUndefined();
    // Without being added, the county colleague may not decide.
    const stranger = transition(compiled, s, { type: 'APPROVE' }, { now: NOW, actor: z, unitPath });
    expect(!stranger.ok && stranger.rejection.code).toBe('forbidden-role');
  });

  it('an added person may return; 会签 with one added needs all of the role\'s approvers and the added one', () => {
    const { s, send, compiled } = run({ mode: 'all' });
    const added = ok(transition(compiled, s, { type: 'cf.addSigner', data: { to: 'z' } }, { now: NOW, actor: a!, unitPath, system: true }));
    let snap = added.snapshot;
    for (const who of [a!, b!, c!]) snap = ok(send(snap, who, 'APPROVE')).snapshot;
    expect(currentBallot(compiled, snap, ['a', 'b', 'c'])).toMatchObject({ approved: ['a', 'b', 'c'], needed: 4 });
    const back = ok(transition(compiled, snap, { type: 'RETURN' }, { now: NOW, actor: z, unitPath, approvers: ['a', 'b', 'c'] }));
    expect(back.state).toBe('draft');
  });
});
