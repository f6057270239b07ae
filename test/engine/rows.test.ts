import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultCalendar } from '../../engine/calendars';
import { checkDefinition } from '../../engine/check/index';
import { compile } from '../../engine/compile';
import { evaluateFormula, FormulaError } from '../../engine/formula/index';
import { startCase, transition, type TransitionResult } from '../../engine/transition';
import type { Actor, CaseSnapshot, Definition } from '../../engine/types';
import { definitionsDir } from '../helpers/definitions';

const unitPath = ['c1', 't1', 'v1'];
const cadre: Actor = { id: 'u1', name: '张会计', grants: [{ role: 'cadre', unitPath, level: 'village' }] };
const NOW = Date.parse('2026-03-02T02:00:00Z');
const ledger = JSON.parse(readFileSync(join(definitionsDir, 'examples', 'points-ledger.json'), 'utf8')) as Definition;

function ok(r: TransitionResult) {
  if (!r.ok) throw new Error(`${r.rejection.code}: ${r.rejection.message}`);
  return r;
}
const run = (f: string, data: object) => evaluateFormula(f, { data, now: NOW, calendar: defaultCalendar, tick: () => undefined });

describe('every appended row has a stable id', () => {
  const compiled = compile(ledger);
  const send = (s: CaseSnapshot, type: string, data?: unknown, now = NOW) => transition(compiled, s, { type, data }, { now, actor: cadre, unitPath });

  it('numbers rows 1, 2, 3 as they are appended, beside when and by whom', () => {
    let s = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath })).snapshot;
    s = ok(send(s, 'DEPOSIT', { amount: 10 })).snapshot;
    s = ok(send(s, 'DEPOSIT', { amount: 20 }, NOW + 60_000)).snapshot;
    s = ok(send(s, 'WITHDRAW', { amount: 5 })).snapshot;
    expect(s.context.data.deposits).toEqual([
      { amount: 10, _id: 1, _at: '2026-03-02T02:00:00.000Z', _by: '张会计' },
      { amount: 20, _id: 2, _at: '2026-03-02T02:01:00.000Z', _by: '张会计' },
    ]);
    // Each list numbers its own rows.
    expect((s.context.data.withdrawals as { _id: number }[])[0]!._id).toBe(1);
  });

  it('a list kept from before ids: its rows read as their places, and the next row takes the id after them', () => {
    const old = { deposits: [{ amount: 10, _at: '2025-01-01T00:00:00.000Z', _by: '李' }, { amount: 20, _at: '2025-01-02T00:00:00.000Z', _by: '李' }] };
    expect(run('deposits._id', old)).toEqual([1, 2]);
    const started = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath })).snapshot;
    const s = { ...started, context: { ...started.context, data: old } };
    const next = ok(send(s, 'DEPOSIT', { amount: 30 })).snapshot;
    expect((next.context.data.deposits as { _id?: number }[]).map((r) => r._id)).toEqual([undefined, undefined, 3]);
    expect(run('deposits._id', next.context.data)).toEqual([1, 2, 3]);
  });
});

describe('formulas read a row\'s own fields', () => {
  const entries = [
    { kind: '志愿服务', points: 5, _id: 1, _at: '2026-02-28T16:30:00.000Z', _by: '张会计' },
    { kind: '环境整治', points: 3, _id: 2, _at: '2026-03-01T03:00:00.000Z', _by: '王村长' },
    { kind: '志愿服务', points: 8, _id: 4, _at: '2026-03-02T02:00:00.000Z', _by: '张会计' },
  ];
  it('_id, _by, and _at as the day in Beijing time (16:30 UTC is the next morning there)', () => {
    expect(run('entries._id', { entries })).toEqual([1, 2, 4]);
    expect(run('entries._by', { entries })).toEqual(['张会计', '王村长', '张会计']);
    expect(run('entries._at', { entries })).toEqual(['2026-03-01', '2026-03-01', '2026-03-02']);
    expect(run('DAYS(TODAY(), FIRST(entries._at))', { entries })).toBe(1);
    expect(run('LAST(entries._at) = TODAY()', { entries })).toBe(true);
    expect(run('COUNTIF(entries._by, "张会计")', { entries })).toBe(2);
  });

  it('a voided row is kept in the data but no formula reads it', () => {
    const voided = entries.map((r) => (r._id === 2 ? { ...r, _voidAt: '2026-03-02T03:00:00.000Z', _voidBy: '张会计' } : r));
    const data = { entries: voided };
    expect(run('SUM(entries.points)', data)).toBe(13);
    expect(run('COUNT(entries)', data)).toBe(2);
    expect(run('COUNT(entries.points)', data)).toBe(2);
    expect(run('entries._id', data)).toEqual([1, 4]);
    expect(run('SUMIF(entries.kind, "环境整治", entries.points)', data)).toBe(0);
    expect(run('COUNTIF(entries.kind, "环境整治")', data)).toBe(0);
    expect(run('MAX(entries.points)', data)).toBe(8);
    expect(run('LAST(entries.kind)', { entries: [...voided.slice(0, 1), voided[1]!] })).toBe('志愿服务');
    expect(run('IF(TRUE, entries)', data)).toHaveLength(2);
  });

  it('_at that is not an instant the engine wrote is blank', () => {
    expect(run('entries._at', { entries: [{ _at: '昨天' }, {}] })).toEqual([null, null]);
    expect(run('FIRST(entries._at) + 1', { entries: [{ _at: '昨天' }] }) instanceof FormulaError).toBe(true);
  });
});

describe('the checker knows which lists have row fields', () => {
  const withGuard = (expr: string, stamp = true) => {
    const d = structuredClone(ledger) as Definition & { machine: { states: { open: { on: Record<string, { guard?: unknown; actions?: { type: string; params: Record<string, unknown> }[] }> } } } };
    d.machine.states.open.on.CLOSE!.guard = { type: 'formula', params: { expr } };
    d.machine.states.open.on.DEPOSIT!.actions![0]!.params.stamp = stamp;
    return checkDefinition(d).errors.map((p) => [p.code, p.path, p.message]);
  };
  const at = '/machine/states/open/on/CLOSE/guard/params/expr';

  it('accepts _id, _at and _by of a list append stamps, with their types', () => {
    expect(withGuard('AND(COUNTIF(deposits._by, "张会计") > 0, LAST(deposits._at) <= TODAY(), MAX(deposits._id) >= 1)')).toEqual([]);
    expect(withGuard('LAST(deposits._at) > 5')).toEqual([['formula-type', at, expect.stringContaining('两边应为同一类值，这里是日期和数字')]]);
  });

  it('refuses a row field no row has, a row field of a list append does not grow, and _at of rows appended without stamp', () => {
    expect(withGuard('COUNT(deposits._ids) > 0')).toEqual([['formula-row-field', at, expect.stringContaining('「deposits._ids」：记录的每一行只有 _id（编号）、_at（登记日期）、_by（登记人）可以读')]]);
    expect(withGuard('COUNT(account._id) > 0')).toEqual([['formula-row-field', at, expect.stringContaining('只有「追加」（append）写入的列表，每一行才有 _id，「account」不是这样的列表')]]);
    expect(withGuard('LAST(deposits._at) <= TODAY()', false)).toEqual([['formula-row-field', at, expect.stringContaining('追加到「deposits」时没有记下时间和登记人')]]);
    // Its id it has all the same.
    expect(withGuard('MAX(deposits._id) > 0', false)).toEqual([]);
  });
});

describe('one row changed or voided by its id, as any step is', () => {
  const points = checkDefinition(JSON.parse(readFileSync(join(definitionsDir, 'examples', 'household-points.json'), 'utf8')));
  const compiled = compile(points.definition!);
  const township = ['c1', 't1'];
  const village: Actor = { id: 'cun', name: '李会计', grants: [{ role: 'village_cadre', unitPath, level: 'village' }] };
  const reviewer: Actor = { id: 'xiang', name: '王审核', grants: [{ role: 'township_reviewer', unitPath: township, level: 'township' }] };
  const send = (s: CaseSnapshot, who: Actor, type: string, data?: unknown, now = NOW) => transition(compiled, s, { type, data }, { now, actor: who, unitPath });
  /** A household with three entries, sent for review. */
  const reviewed = () => {
    let s = ok(startCase(compiled, { now: NOW, actor: village, unitPath })).snapshot;
    s = ok(send(s, village, 'REGISTER', { name: '周春福' })).snapshot;
    s = ok(send(s, village, 'EARN', { date: '2026-02-27', kind: '志愿服务', points: 5 })).snapshot;
    s = ok(send(s, village, 'EARN', { date: '2026-02-28', kind: '环境整治', points: 30, note: '清理河道' })).snapshot;
    s = ok(send(s, village, 'EARN', { date: '2026-03-01', kind: '志愿服务', points: 8 })).snapshot;
    return ok(send(s, village, 'SUBMIT')).snapshot;
  };
  const rows = (s: CaseSnapshot) => s.context.data.entries as Record<string, unknown>[];

  it('passes the checker', () => {
    expect([...points.errors, ...points.warnings]).toEqual([]);
  });

  it('the reviewer returns the second entry; the cadre corrects it: the row keeps its id and when it was first recorded, the totals follow', () => {
    const s = reviewed();
    expect(s.context.data.account).toEqual({ total: 43, volunteer: 13 });
    const back = ok(send(s, reviewer, 'RETURN_ROW', { row: 2, reason: '清理河道应记 3 分' }));
    expect(back.state).toBe('fixing');
    const later = NOW + 3_600_000;
    const fixed = ok(send(back.snapshot, village, 'FIX', { date: '2026-02-28', kind: '环境整治', points: 3 }, later));
    expect(fixed.state).toBe('review');
    expect(rows(fixed.snapshot)[1]).toEqual({ date: '2026-02-28', kind: '环境整治', points: 3, _id: 2, _at: '2026-03-02T02:00:00.000Z', _by: '李会计', _changedAt: '2026-03-02T03:00:00.000Z', _changedBy: '李会计' });
    // The rows around it are as they were; the note the correction left out is gone with the old entry.
    expect(rows(fixed.snapshot)[0]).toEqual(rows(s)[0]);
    expect(fixed.snapshot.context.data.account).toEqual({ total: 16, volunteer: 13 });
    expect(fixed.snapshot.context.data.returned).toBeUndefined();
  });

  it('the correction is refused in the author\'s words when its date is after the day the entry was recorded', () => {
    const back = ok(send(reviewed(), reviewer, 'RETURN_ROW', { row: 2, reason: '日期有误' })).snapshot;
    const late = send(back, village, 'FIX', { date: '2026-03-05', kind: '环境整治', points: 3 });
    expect(!late.ok && late.rejection).toMatchObject({ code: 'condition-not-met', message: '更正后的日期不能晚于这一条登记的那天' });
  });

  it('the cadre voids the returned entry instead: it stays, marked, and no formula counts it', () => {
    const back = ok(send(reviewed(), reviewer, 'RETURN_ROW', { row: 3, reason: '重复登记' })).snapshot;
    const voided = ok(send(back, village, 'VOID'));
    expect(rows(voided.snapshot)).toHaveLength(3);
    expect(rows(voided.snapshot)[2]).toMatchObject({ _id: 3, points: 8, _voidAt: '2026-03-02T02:00:00.000Z', _voidBy: '李会计' });
    expect(voided.snapshot.context.data.account).toEqual({ total: 35, volunteer: 5 });
    // Another entry returned and corrected later: the voided one still counts for nothing.
    const reopened = ok(send(voided.snapshot, reviewer, 'RETURN_ROW', { row: 1, reason: '请补说明' })).snapshot;
    expect(ok(send(reopened, village, 'FIX', { date: '2026-02-27', kind: '志愿服务', points: 5, note: '敬老院' })).snapshot.context.data.account).toEqual({ total: 35, volunteer: 5 });
  });

  it('a row action whose id names no live row refuses the step, naming the list and the id', () => {
    const def = structuredClone(points.definition!) as Definition & { machine: { states: { fixing: { on: { VOID: { actions: { params: Record<string, unknown> }[] } } } } } };
    def.machine.states.fixing.on.VOID.actions[0]!.params.row = 'returned.row + 10';
    const broken = compile(def);
    const back = ok(transition(broken, reviewed(), { type: 'RETURN_ROW', data: { row: 1, reason: '重复登记' } }, { now: NOW, actor: reviewer, unitPath })).snapshot;
    const r = transition(broken, back, { type: 'VOID' }, { now: NOW, actor: village, unitPath });
    expect(!r.ok && r.rejection.code).toBe('formula-error');
    expect(!r.ok && r.rejection.message).toContain('作废「entries」的一行（编号 returned.row + 10）时，公式得到 #N/A（没有编号为 11 的记录（或它已作废））');
  });
});
