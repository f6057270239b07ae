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

describe('deadlines to a computed instant', () => {
  const def = (sla: string) => ({
    id: 'deadline', title: '期限', caseLevel: 'village', roles: { cadre: { label: '村干部', level: 'village' } }, startRoles: ['cadre'],
    forms: { plan: { title: '计划', schema: { type: 'object', required: ['dueOn'], properties: { dueOn: { type: 'string', title: '完成日期', format: 'date' }, days: { type: 'integer', title: '天数' } } } } },
    events: { PLAN: { label: '计划', roles: ['cadre'], data: 'plan' }, DONE: { label: '完成', roles: ['cadre'] } },
    machine: { id: 'd', initial: 'planning', states: {
      planning: { meta: { label: '计划' }, on: { PLAN: { target: 'working', actions: [{ type: 'save' }] } } },
      working: { meta: { label: '办理', sla }, on: { DONE: 'done' } },
      done: { type: 'final' },
    } },
  });
  const run = (sla: string, data: object, now = NOW) => {
    const r = checkDefinition(def(sla));
    expect(r.errors).toEqual([]);
    const c = compile(r.definition!);
    const s = ok(startCase(c, { now, actor: cadre, unitPath })).snapshot;
    return ok(transition(c, s, { type: 'PLAN', data }, { now, actor: cadre, unitPath }));
  };

  it('a date in a form, the end of the year, N working days after a form date: due at the end of that day, Beijing time', () => {
    expect(run('=plan.dueOn', { dueOn: '2026-03-20' }).dueAt).toBe('2026-03-20T15:59:59.000Z');
    expect(run('=DATE(YEAR(TODAY()), 12, 31)', { dueOn: '2026-03-20' }).dueAt).toBe('2026-12-31T15:59:59.000Z');
    expect(run('=WORKDAY(plan.dueOn, 5)', { dueOn: '2026-09-29' }).dueAt).toBe('2026-10-12T15:59:59.000Z');
  });

  it('the checker wants a date from a deadline formula, and names what it reads', () => {
    const wrongType = checkDefinition(def('=plan.days + 1'));
    expect(wrongType.errors.map((p) => [p.code, p.path])).toEqual([['formula-result-type', '/machine/states/working/meta/sla']]);
    const unknown = checkDefinition(def('=plan.dueon'));
    expect(unknown.errors.map((p) => [p.code, p.path])).toEqual([['formula-field-unknown', '/machine/states/working/meta/sla']]);
    expect(unknown.errors[0]!.message).toContain('第 2 个字符处');
  });
});

describe('timers at a computed instant (a delay declared with `at`)', () => {
  const def = (at: string) => ({
    id: 'remind', title: '到期提醒', caseLevel: 'village', roles: { cadre: { label: '村干部', level: 'village' } }, startRoles: ['cadre'],
    forms: { plan: { title: '计划', schema: { type: 'object', properties: { dueOn: { type: 'string', title: '完成日期', format: 'date' }, days: { type: 'integer', title: '天数' } } } } },
    events: { PLAN: { label: '计划', roles: ['cadre'], data: 'plan' }, DONE: { label: '完成', roles: ['cadre'] } },
    delays: { planDue: { at, label: '计划完成日' } },
    machine: { id: 'r', initial: 'planning', states: {
      planning: { meta: { label: '计划' }, on: { PLAN: { target: 'working', actions: [{ type: 'save' }] } } },
      working: { meta: { label: '办理', sla: 'planDue' }, on: { DONE: 'done' }, after: { planDue: 'overdue' } },
      overdue: { meta: { label: '逾期' }, on: { DONE: 'done' } },
      done: { type: 'final' },
    } },
  });
  const plan = (at: string, data: object) => {
    const r = checkDefinition(def(at));
    expect(r.errors).toEqual([]);
    const c = compile(r.definition!);
    const s = ok(startCase(c, { now: NOW, actor: cadre, unitPath })).snapshot;
    return { c, r: ok(transition(c, s, { type: 'PLAN', data }, { now: NOW, actor: cadre, unitPath })) };
  };

  it('schedules the timer and the deadline for the end of the day the formula gives, and fires into the next step', () => {
    const { c, r } = plan('=WORKDAY(plan.dueOn, 2)', { dueOn: '2026-04-30' });
    // 2026-04-30 + 2 working days skips the May Day holiday (1–5 May) and lands on Thursday 7 May (the 9th is a make-up working day, not needed here).
    expect(r.dueAt).toBe('2026-05-07T15:59:59.000Z');
    const timer = r.effects.find((e) => e.type === 'schedule');
    expect(timer).toMatchObject({ dueAt: '2026-05-07T15:59:59.000Z' });
    if (timer?.type !== 'schedule') throw new Error('no timer');
    const fired = ok(transition(c, r.snapshot, timer.event, { now: Date.parse(timer.dueAt), actor: { id: 'system', grants: [] }, unitPath, system: true }));
    expect(fired.state).toBe('overdue');
  });

  it('a formula that gives no date sets no timer and no deadline', () => {
    const { r } = plan('=plan.dueOn', {});
    expect(r.effects.filter((e) => e.type === 'schedule')).toEqual([]);
    expect(r.dueAt).toBeNull();
  });

  it('a formula that gives an error value (a blank number of days) refuses the step, naming the delay', () => {
    const r = checkDefinition(def('=WORKDAY(plan.dueOn, plan.days)'));
    expect(r.errors).toEqual([]);
    const c = compile(r.definition!);
    const s = ok(startCase(c, { now: NOW, actor: cadre, unitPath })).snapshot;
    const refused = transition(c, s, { type: 'PLAN', data: { dueOn: '2026-04-30' } }, { now: NOW, actor: cadre, unitPath });
    expect(!refused.ok && refused.rejection).toMatchObject({ code: 'formula-error', message: expect.stringContaining('计算期限「计划完成日」时，公式得到 #VALUE!') });
    expect(ok(transition(c, s, { type: 'PLAN', data: { dueOn: '2026-04-30', days: 2 } }, { now: NOW, actor: cadre, unitPath })).dueAt).toBe('2026-05-07T15:59:59.000Z');
  });

  it('the checker wants a date, names what the formula reads at /delays/…/at, and refuses working days beside `at`', () => {
    expect(checkDefinition(def('=plan.days')).errors.map((p) => [p.code, p.path])).toEqual([['formula-result-type', '/delays/planDue/at']]);
    expect(checkDefinition(def('=plan.dueDate')).errors.map((p) => [p.code, p.path])).toEqual([['formula-field-unknown', '/delays/planDue/at']]);
    const both = { ...def('=plan.dueOn'), delays: { planDue: { at: '=plan.dueOn', workingDays: true } } };
    expect(checkDefinition(both).errors.length).toBeGreaterThan(0);
  });
});

describe('a formula that gives an error value refuses the step, naming its place; nothing is stored', () => {
  const def = {
    id: 'share', title: '补助分配', caseLevel: 'village', roles: { cadre: { label: '村干部', level: 'village' } }, startRoles: ['cadre'],
    forms: {
      plan: { title: '分配方案', schema: { type: 'object', required: ['total', 'people'], properties: {
        total: { type: 'number', title: '补助总额（元）' },
        people: { type: 'integer', title: '分配人数', minimum: 0 },
        extra: { type: 'number', title: '追加金额（元）' },
        // Declared before the field it reads: it must still see the computed value, never one sent for it.
        withExtra: { type: 'number', title: '含追加人均（元）', formula: 'perHead + IFERROR(extra / people, 0)' },
        perHead: { type: 'number', title: '人均金额（元）', formula: 'ROUND(total / people, 2)' },
      } } },
      pay: { title: '发放', schema: { type: 'object', required: ['total', 'people'], properties: { total: { type: 'number', title: '总额' }, people: { type: 'integer', title: '人数', minimum: 0 } } } },
    },
    events: { PLAN: { label: '提交方案', roles: ['cadre'], data: 'plan' }, PAY: { label: '发放', roles: ['cadre'], data: 'pay' } },
    machine: { id: 's', initial: 'planning', states: {
      planning: { meta: { label: '制定方案', form: 'plan' }, on: {
        PLAN: { target: 'paying', actions: [{ type: 'save' }] },
        PAY: { target: 'paid', guard: { type: 'formula', params: { expr: 'submitted.total / submitted.people <= 500', message: '人均不能超过 500 元' } }, actions: [{ type: 'save', params: { to: 'payment' } }, { type: 'compute', params: { to: 'payment.perHead', expr: 'submitted.total / submitted.people', label: '人均' } }] },
      } },
      paying: { meta: { label: '发放' }, on: { PAY: { target: 'paid', actions: [{ type: 'compute', params: { to: 'payment.perHead', expr: 'plan.extra / submitted.people', label: '追加人均' } }] } } },
      paid: { type: 'final' },
    } },
  };
  const report = checkDefinition(def);
  const c = compile(report.definition ?? (def as unknown as Definition));
  const at = { now: NOW, actor: cadre, unitPath };
  const fresh = () => ok(startCase(c, at)).snapshot;

  it('passes the checker', () => {
    expect(report.errors).toEqual([]);
  });

  it('a guard on 90,000 yuan shared by 0 people refuses the step, not passes it', () => {
    const s = fresh();
    const r = transition(c, s, { type: 'PAY', data: { total: 90_000, people: 0 } }, at);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.rejection).toMatchObject({ code: 'formula-error', message: expect.stringContaining('在「制定方案」判断条件「submitted.total / submitted.people <= 500」时，公式得到 #DIV/0!（除数为零）') });
    // With people the guard decides as written.
    expect(ok(transition(c, s, { type: 'PAY', data: { total: 900, people: 2 } }, at)).snapshot.context.data.payment).toEqual({ total: 900, people: 2, perHead: 450 });
    const over = transition(c, s, { type: 'PAY', data: { total: 90_000, people: 2 } }, at);
    expect(!over.ok && over.rejection).toMatchObject({ code: 'condition-not-met', message: '人均不能超过 500 元' });
  });

  it('a computed field dividing by 0 people refuses the step, naming the field', () => {
    const r = transition(c, fresh(), { type: 'PLAN', data: { total: 90_000, people: 0 } }, at);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejection.code).toBe('formula-error');
    expect(r.rejection.message).toContain('计算字段「人均金额（元）」时，公式得到 #DIV/0!（除数为零）');
    expect(r.rejection.details).toEqual([{ path: '/perHead', field: '人均金额（元）', message: '「人均金额（元）」的公式得到 #DIV/0!（除数为零）' }]);
  });

  it('a compute action over a blank refuses the step, naming what it computes', () => {
    const s = ok(transition(c, fresh(), { type: 'PLAN', data: { total: 900, people: 3 } }, at)).snapshot;
    const r = transition(c, s, { type: 'PAY', data: { total: 900, people: 3 } }, at);
    expect(!r.ok && r.rejection).toMatchObject({ code: 'formula-error', message: expect.stringContaining('计算「追加人均」（payment.perHead）时，公式得到 #VALUE!（需要数字的地方是空白（没有填写））') });
  });

  it('never reads what the client sent for a computed field, in whatever order the fields are written', () => {
    const r = ok(transition(c, fresh(), { type: 'PLAN', data: { total: 900, people: 3, extra: 30, perHead: 100_000, withExtra: 5 } }, at));
    expect(r.data).toEqual({ total: 900, people: 3, extra: 30, perHead: 300, withExtra: 310 });
    const started = ok(startCase(c, { ...at, data: { plan: { total: 900, people: 3, perHead: 100_000 } } }));
    expect(started.snapshot.context.data.plan).toEqual({ total: 900, people: 3, perHead: 300, withExtra: 300 });
  });
});

describe('formula types that hold, on the micro-loan', () => {
  const loan = () => JSON.parse(readFileSync(join(definitionsDir, 'templates', 'micro-loan.json'), 'utf8')) as { machine: { states: Record<string, { meta: { sla?: string }; on: Record<string, { guard?: unknown; actions?: unknown[] }> }> } };
  const problems = (edit: (d: ReturnType<typeof loan>) => void) => {
    const d = loan();
    edit(d);
    return checkDefinition(d).errors.map((p) => [p.code, p.path, p.message]);
  };

  it('a deadline at the borrower\'s name is no date', () => {
    expect(problems((d) => (d.machine.states.repaying!.meta.sla = '=apply.borrower'))).toEqual([
      ['formula-date-text', '/machine/states/repaying/meta/sla', '公式第 2 个字符处：公式的结果应为日期，「apply.borrower」是文字，不是日期（请用日期字段、DATE(年, 月, 日) 或 "2025-03-01" 这样的日期）'],
    ]);
  });

  it('the last repayment\'s date is a date, as the due date is: neither compares with 180', () => {
    const guard = (expr: string) => (d: ReturnType<typeof loan>) => (d.machine.states.repaying!.on.REPAY!.guard = { type: 'formula', params: { expr } });
    const path = '/machine/states/repaying/on/REPAY/guard/params/expr';
    expect(problems(guard('issue.dueOn > 180'))).toEqual([['formula-type', path, '公式第 13 个字符处：「>」两边应为同一类值，这里是日期和数字']]);
    expect(problems(guard('LAST(repayments.paidOn) > 180'))).toEqual([['formula-type', path, '公式第 25 个字符处：「>」两边应为同一类值，这里是日期和数字']]);
    expect(problems(guard('SUM(repayments.note) > 0'))).toEqual([['formula-type', path, '公式第 5 个字符处：SUM 的第 1 个参数（的每一项）应为数字，这里是文字']]);
    expect(problems(guard('issue.amount - SUM(repayments.amount)'))).toEqual([['formula-result-type', path, '公式第 1 个字符处：这里应得到是/否，公式得到的是数字']]);
  });
});
