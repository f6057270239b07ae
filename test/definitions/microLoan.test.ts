import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/compile';
import { startCase, transition, type TransitionResult } from '../../engine/transition';
import type { Actor, CaseSnapshot } from '../../engine/types';
import { template } from '../helpers/definitions';
import { idNumber } from '../helpers/people';

const village = ['c1', 't1', 'v1'];
const cadre: Actor = { id: 'cun', name: '李会计', grants: [{ role: 'village_cadre', unitPath: village, level: 'village' }] };
const reviewer: Actor = { id: 'xiang', name: '王审核', grants: [{ role: 'township_reviewer', unitPath: village.slice(0, 2), level: 'township' }] };
const NOW = Date.parse('2026-03-02T02:00:00Z');

function ok(r: TransitionResult) {
  if (!r.ok) throw new Error(`${r.rejection.code}: ${r.rejection.message}`);
  return r;
}

describe('扶贫小额信贷: loans, repayments and the outstanding balance, written only as data', () => {
  const compiled = compile(template('micro-loan'));
  const send = (s: CaseSnapshot, who: Actor, type: string, data?: unknown, now = NOW) => transition(compiled, s, { type, data }, { now, actor: who, unitPath: village });

  it('applies, is approved, is issued, is repaid in parts to the fen; an over-repayment is refused in plain words; overdue after the due date', () => {
    let s = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: village })).snapshot;
    s = ok(send(s, cadre, 'SUBMIT', { borrower: '周春福', idNumber: idNumber(), amount: 30000, termMonths: 36, purpose: '养殖' })).snapshot;
    s = ok(send(s, reviewer, 'APPROVE')).snapshot;
    const issued = ok(send(s, cadre, 'ISSUE', { issuedOn: '2026-03-05', amount: 30000, dueOn: '2029-03-04' }));
    // Due at the end of the due date, Beijing time: the case shows overdue after it.
    expect(issued.dueAt).toBe('2029-03-04T15:59:59.000Z');
    s = issued.snapshot;
    expect(s.context.data.loan).toEqual({ balance: 30000 });
    s = ok(send(s, cadre, 'REPAY', { paidOn: '2027-03-01', amount: 10000.1 })).snapshot;
    s = ok(send(s, cadre, 'REPAY', { paidOn: '2028-03-01', amount: 0.2 })).snapshot;
    expect(s.context.data.loan).toEqual({ balance: 19999.7, repaidCount: 2, lastPaidOn: '2028-03-01' });
    const over = send(s, cadre, 'REPAY', { paidOn: '2028-06-01', amount: 20000 });
    expect(!over.ok && over.rejection).toMatchObject({ code: 'condition-not-met', message: '还款金额超过了尚欠本金，请核对后再登记' });
    const last = ok(send(s, cadre, 'REPAY', { paidOn: '2029-03-01', amount: 19999.7 }));
    expect(last.status).toBe('done');
    expect(last.state).toBe('repaid');
    expect((last.snapshot.context.data.loan as { balance: number }).balance).toBe(0);
  });

  it('a loan over 50,000 yuan or 36 months is refused on the field', () => {
    const s = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: village })).snapshot;
    const r = send(s, cadre, 'SUBMIT', { borrower: '周春福', idNumber: idNumber(), amount: 60000, termMonths: 48, purpose: '养殖' });
    expect(!r.ok && r.rejection.details.map((d) => d.message)).toEqual(['「申请金额（元）」不能大于 50000', '「借款期限（月）」不能大于 36']);
  });
});
