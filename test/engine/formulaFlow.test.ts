import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../engine/check/index';
import { compile } from '../../engine/compile';
import { startCase, transition, type TransitionResult } from '../../engine/transition';
import type { Actor, CaseSnapshot, Definition } from '../../engine/types';
import { definitionsDir } from '../helpers/definitions';

const unitPath = ['c1', 't1', 'v1'];
const cadre: Actor = { id: 'u1', name: '张会计', grants: [{ role: 'cadre', unitPath, level: 'village' }] };
const NOW = Date.parse('2026-03-02T02:00:00Z');
/** A running balance, authored only as data (definitions/examples/points-ledger.json): deposits add, withdrawals subtract, a withdrawal over the balance is refused in the author's words. */
const ledger = JSON.parse(readFileSync(join(definitionsDir, 'examples', 'points-ledger.json'), 'utf8')) as {
  machine: { states: { open: { on: { WITHDRAW: { guard: { params: { expr: string } } }; DEPOSIT: { actions: { params: object }[] } } } } };
};

function ok(r: TransitionResult) {
  if (!r.ok) throw new Error(`${r.rejection.code}: ${r.rejection.message}`);
  return r;
}

describe('formulas in a process: a running balance', () => {
  const report = checkDefinition(ledger);
  const compiled = compile(report.definition ?? (ledger as unknown as Definition));
  const send = (s: CaseSnapshot, type: string, data?: unknown) => transition(compiled, s, { type, data }, { now: NOW, actor: cadre, unitPath });

  it('passes the checker', () => {
    expect(report.errors).toEqual([]);
  });

  it('keeps the balance exact to the fen, refuses an over-withdrawal in the author\'s words, and closes only at zero', () => {
    let s = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath })).snapshot;
    s = ok(send(s, 'DEPOSIT', { amount: 100.1 })).snapshot;
    s = ok(send(s, 'DEPOSIT', { amount: 0.2 })).snapshot;
    s = ok(send(s, 'WITHDRAW', { amount: 0.3 })).snapshot;
    expect(s.context.data.account).toEqual({ balance: 100, count: 3 });
    const over = send(s, 'WITHDRAW', { amount: 100.01 });
    expect(over.ok).toBe(false);
    expect(!over.ok && over.rejection).toMatchObject({ code: 'condition-not-met', message: '支取金额不能超过余额' });
    const early = send(s, 'CLOSE');
    expect(!early.ok && early.rejection.message).toBe('余额不为零，不能结清');
    s = ok(send(s, 'WITHDRAW', { amount: 100 })).snapshot;
    expect(ok(send(s, 'CLOSE')).status).toBe('done');
  });

  it('the checker names a formula\'s mistakes at its path and character', () => {
    const broken = structuredClone(ledger) as typeof ledger;
    broken.machine.states.open.on.WITHDRAW.guard.params.expr = 'submitted.amout <= account.balance';
    broken.machine.states.open.on.DEPOSIT.actions[1]!.params = { to: 'account.balance', expr: 'SUM(deposits.amount) - SUMM(withdrawals.amount)' } as never;
    const r = checkDefinition(broken);
    expect(r.errors.map((p) => [p.code, p.path, p.message])).toEqual(expect.arrayContaining([
      ['formula-field-unknown', '/machine/states/open/on/WITHDRAW/guard/params/expr', expect.stringContaining('第 1 个字符处：没有数据项「submitted.amout」')],
      ['formula-function-unknown', '/machine/states/open/on/DEPOSIT/actions/1/params/expr', expect.stringContaining('第 24 个字符处：没有函数「SUMM」')],
    ]));
  });
});
