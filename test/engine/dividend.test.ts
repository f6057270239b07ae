import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/compile';
import { startCase, transition, type Accepted, type TransitionResult } from '../../engine/transition';
import type { Actor, CaseSnapshot } from '../../engine/types';
import { template } from '../helpers/definitions';
import { cadre, idNumber, townshipReviewer, VILLAGE } from '../helpers/people';

const compiled = compile(template('dividend'));
const NOW = Date.parse('2026-06-01T01:00:00Z');
const system: Actor = { id: 'system', grants: [] };
const TIMER = 'xstate.after.noticePeriod.dividend.publicising';

const ok = (r: TransitionResult): Accepted => {
  if (!r.ok) throw new Error(`${r.rejection.code} ${JSON.stringify(r.rejection.details)}`);
  return r;
};
const send = (s: CaseSnapshot, who: Actor, type: string, data?: unknown) =>
  ok(transition(compiled, s, { type, data }, { now: NOW, actor: who, unitPath: VILLAGE }));
const fire = (s: CaseSnapshot, type: string, data?: unknown) =>
  ok(transition(compiled, s, { type, data }, { now: NOW, actor: system, unitPath: VILLAGE, system: true }));

const households = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ name: `农户${i + 1}`, idNumber: idNumber('500102', '19700101', String(100 + i)), shares: 1 + (i % 3) }));

function toNotice(amount: number, n: number): Accepted {
  let s = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
  s = send(s, cadre, 'SUBMIT', { project: '义和镇股权量化项目', amount, households: households(n) }).snapshot;
  return send(s, cadre, 'RECORD_MEETING', { heldOn: '2026-06-02', attendees: 35, approved: true });
}

describe('dividend distribution', () => {
  it('computes each household amount in fen, summing exactly to the total', () => {
    const r = toNotice(830.01, 7);
    const rows = (r.snapshot.context.data.plan as { households: { amountFen: number }[] }).households;
    expect(rows.reduce((a, h) => a + h.amountFen, 0)).toBe(83001);
    expect(r.state).toEqual({ publicising: 'running' });
    expect(r.effects).toContainEqual(expect.objectContaining({ type: 'schedule', timerId: TIMER, dueAt: '2026-06-08T01:00:00.000Z' }));
  });

  it('accepts any amount in yuan and fen (19.99, 0.07), refuses a third decimal', () => {
    for (const amount of [19.99, 0.07, 83000.33]) expect(toNotice(amount, 3).snapshot.value).toBeTruthy();
    const s = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    const r = transition(compiled, s, { type: 'SUBMIT', data: { project: '项目', amount: 19.999, households: households(2) } }, { now: NOW, actor: cadre, unitPath: VILLAGE });
    expect(r.ok).toBe(false);
  });

  it('sends a plan the meeting voted down back to planning', () => {
    let s = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    s = send(s, cadre, 'SUBMIT', { project: '光伏收益', amount: 1000, households: households(3) }).snapshot;
    expect(send(s, cadre, 'RECORD_MEETING', { heldOn: '2026-06-02', attendees: 20, approved: false }).state).toBe('planning');
  });

  it('closes the notice by itself after 7 days without objection', () => {
    const closed = fire(toNotice(1000, 3).snapshot, TIMER);
    expect(closed.state).toBe('townshipReview');
  });

  it('holds the notice open while an objection is unresolved, then closes on resolution', () => {
    let s = toNotice(1000, 3).snapshot;
    s = send(s, townshipReviewer, 'OBJECT', { raisedBy: '王老五', content: '份额少算了一股' }).snapshot;
    const expired = fire(s, TIMER);
    expect(expired.state).toEqual({ publicising: 'lateObjection' });
    const resolved = send(expired.snapshot, cadre, 'RESOLVE', { result: '核实后已更正名册' });
    expect(resolved.state).toBe('townshipReview');
  });

  it('spawns one receipt case per household and finishes when the last one is signed', () => {
    let s = fire(toNotice(999.99, 3).snapshot, TIMER).snapshot;
    s = send(s, townshipReviewer, 'APPROVE').snapshot;
    const paid = send(s, cadre, 'PAY', { paidOn: '2026-06-20', method: '银行代发（一卡通）' });
    const spawn = paid.effects.find((e) => e.type === 'spawn');
    expect(spawn).toMatchObject({ processId: 'dividend-receipt' });
    const items = spawn && spawn.type === 'spawn' ? spawn.items : [];
    expect(items).toHaveLength(3);
    expect(items.reduce((a, i) => a + (i.amountFen as number), 0)).toBe(99999);
    const byUser = transition(compiled, paid.snapshot, { type: 'CHILD.DONE' }, { now: NOW, actor: cadre, unitPath: VILLAGE });
    expect(byUser.ok || byUser.rejection.code).toBe('forbidden-role');
    let c = paid.snapshot;
    for (let i = 0; i < 2; i++) c = fire(c, 'CHILD.DONE').snapshot;
    expect(c.value).toBe('confirming');
    expect(fire(c, 'CHILD.DONE')).toMatchObject({ status: 'done', state: 'done' });
  });
});
