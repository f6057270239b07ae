import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../engine/check/index';
import { compile } from '../../engine/compile';
import { startCase, transition } from '../../engine/transition';
import type { CatalogueRef, Definition } from '../../engine/types';
import { blankDefinition } from '../../designer/src/author/blank';
import { conditionFields, describeGuard, type FieldChoice, fromGuard, type Op, opsFor, startCondition, type SimpleCondition, toGuard, typedValue, typedValues, withOp } from '../../designer/src/author/flow/conditions';
import { addState, addTransition, setMeta, setTransition } from '../../designer/src/author/flow/machineEdit';
import { withFields } from '../../designer/src/author/form/FormBuilder';
import { type Field, newField } from '../../designer/src/author/form/formModel';
import type { FieldKind } from '../../designer/src/author/form/fieldKinds';
import { cadre, VILLAGE } from '../helpers/people';

const starter = { role: 'village_cadre', level: 'village', label: '村委会经办人', kind: 'cadre', holders: 2 } as const;
const MONDAY = Date.parse('2026-11-23T02:00:00Z');

const field = (kind: FieldKind, key: string, title: string): Field => ({ ...newField(kind, []), key, title });
/** An application with one field of each kind a condition compares, then a step whose NEXT a condition guards. */
function application(): { d: Definition; step: string; event: string } {
  let d = blankDefinition('subsidy', '补助申请', 'village', starter);
  d = withFields(d, 'apply', [
    field('money', 'amount', '申请金额'), field('number', 'people', '家庭人口'), field('date', 'since', '困难发生日期'),
    field('choice', 'category', '救助类别'), field('text', 'village', '所在村'), field('yesNo', 'disabled', '是否残疾人'), field('table', 'members', '家庭成员'),
  ]);
  const added = addState(d, false);
  d = setMeta(added.definition, [added.key], { label: '复核', assignee: 'village_cadre' });
  d = setTransition(d, ['filling'], 'SUBMIT', 0, { target: added.key, actions: [{ type: 'save' }] });
  const next = addTransition(d, [added.key], 'done');
  return { d: next.definition, step: added.key, event: next.event };
}

const choiceOf = (d: Definition, key: string): FieldChoice => conditionFields(d).find((c) => c.on === 'data' && c.field === key)!;
const guarded = (app: ReturnType<typeof application>, guard: CatalogueRef) => setTransition(app.d, [app.step], app.event, 0, { target: 'done', guard });

/** Submits the application with these answers, then tries the guarded NEXT: true when the condition let it through. */
function passes(d: Definition, event: string, answers: Record<string, unknown>): boolean {
  const compiled = compile(d);
  const opts = { now: MONDAY, actor: cadre, unitPath: VILLAGE };
  const s = startCase(compiled, opts);
  if (!s.ok) throw new Error(s.rejection.code);
  const submitted = transition(compiled, s.snapshot, { type: 'SUBMIT', data: { disabled: false, members: [], ...answers } }, opts);
  if (!submitted.ok) throw new Error(`${submitted.rejection.code} ${JSON.stringify(submitted.rejection.details)}`);
  const r = transition(compiled, submitted.snapshot, { type: event }, opts);
  if (!r.ok && r.rejection.code !== 'condition-not-met') throw new Error(r.rejection.code);
  return r.ok;
}

/** What the author types in the value boxes, per field (between: from and to; one of: a list). */
const TYPED: Record<string, { value: string; upTo: string; values: string }> = {
  amount: { value: '3000', upTo: '5000', values: '3000，5000' },
  people: { value: '4', upTo: '6', values: '4、5' },
  since: { value: '2026-01-01', upTo: '2026-06-30', values: '' },
  category: { value: '', upTo: '', values: '' },
  village: { value: '杨庄村', upTo: '', values: '杨庄村，李庄村' },
  disabled: { value: 'true', upTo: '', values: '' },
  members: { value: '2', upTo: '', values: '' },
};

function typedCondition(choice: FieldChoice, op: Op): SimpleCondition {
  const c = withOp(startCondition(choice), choice, op);
  const raw = TYPED[choice.field]!;
  if (op === 'filled') return c;
  if (op === 'oneOf') return choice.options ? { ...c, values: choice.options } : { ...c, values: typedValues(choice.type, raw.values) };
  if (choice.options) return c;
  const value = typedValue(choice.type, raw.value)!;
  return op === 'between' ? { ...c, value, upTo: typedValue(choice.type, raw.upTo)! } : { ...c, value };
}

describe('conditions typed from the field', () => {
  const app = application();

  it('offers ordered comparisons for numbers and money, before and after for dates, one of for text and choices', () => {
    expect(opsFor(choiceOf(app.d, 'amount').type)).toEqual(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'between', 'oneOf', 'filled']);
    expect(opsFor(choiceOf(app.d, 'people').type)).toEqual(opsFor(choiceOf(app.d, 'amount').type));
    expect(opsFor(choiceOf(app.d, 'since').type)).toEqual(['eq', 'ne', 'before', 'after', 'between', 'filled']);
    expect(opsFor(choiceOf(app.d, 'category').type)).toEqual(['eq', 'ne', 'oneOf', 'filled']);
    expect(opsFor(choiceOf(app.d, 'village').type)).toEqual(['eq', 'ne', 'oneOf', 'filled']);
    expect(opsFor(choiceOf(app.d, 'members').type)).toEqual(['rowsAtLeast', 'filled']);
  });

  const cases = ['amount', 'people', 'since', 'category', 'village', 'disabled', 'members'].flatMap((key) => opsFor(choiceOf(app.d, key).type).map((op) => [key, op] as const));
  it.each(cases)('%s %s: the checker accepts the condition and the picker reads it back', (key, op) => {
    const c = typedCondition(choiceOf(app.d, key), op);
    const guard = toGuard(c);
    const report = checkDefinition(guarded(app, guard));
    expect(report.errors).toEqual([]);
    expect(report.warnings.filter((w) => w.code.startsWith('condition'))).toEqual([]);
    expect(fromGuard(guard)).toEqual(c);
    expect(describeGuard(app.d, guard)).toContain('「申请表 › ');
  });

  it('a number typed as 3000 is stored as the number 3000, and the engine compares it as a number', () => {
    const amount = choiceOf(app.d, 'amount');
    expect(typedValue(amount.type, '3000')).toBe(3000);
    expect(typedValue(amount.type, '３０００')).toBe(3000);
    expect(typedValue(amount.type, '3,000')).toBe(3000);
    expect(typedValue(amount.type, '三千')).toBeUndefined();
    const picked = startCondition(amount);
    expect(typeof picked.value).toBe('number');
    const guard = toGuard({ ...withOp(picked, amount, 'gte'), value: typedValue(amount.type, '3000') });
    expect(guard).toEqual({ type: 'matches', params: { schema: { properties: { apply: { properties: { amount: { minimum: 3000 } }, required: ['amount'] } }, required: ['apply'] } } });
    const d = guarded(app, guard);
    expect(checkDefinition(d).errors).toEqual([]);
    expect(passes(d, app.event, { amount: 3000 })).toBe(true);
    expect(passes(d, app.event, { amount: 2999.99 })).toBe(false);
    const asText = checkDefinition(guarded(app, toGuard({ ...startCondition(amount), value: '3000' }))).errors;
    expect(asText.map((e) => e.code)).toEqual(['condition-type-mismatch']);
    // 等于 on a number field stores a number too, so the checker does not call it 「类型不同，永远不会成立」.
    const equals = toGuard({ ...startCondition(amount), value: typedValue(amount.type, '3000') });
    expect(checkDefinition(guarded(app, equals)).errors).toEqual([]);
    expect(passes(guarded(app, equals), app.event, { amount: 3000 })).toBe(true);
  });

  it('the engine runs each new comparison as the author meant it', () => {
    const at = (key: string, c: Partial<SimpleCondition>) => guarded(app, toGuard({ ...startCondition(choiceOf(app.d, key)), ...c } as SimpleCondition));
    const after = at('since', { op: 'after', value: '2026-06-30' });
    expect([passes(after, app.event, { since: '2026-07-01' }), passes(after, app.event, { since: '2026-06-30' })]).toEqual([true, false]);
    const before = at('since', { op: 'before', value: '2026-06-30' });
    expect([passes(before, app.event, { since: '2026-06-29' }), passes(before, app.event, { since: '2026-06-30' })]).toEqual([true, false]);
    const dates = at('since', { op: 'between', value: '2026-01-01', upTo: '2026-06-30' });
    expect([passes(dates, app.event, { since: '2026-06-30' }), passes(dates, app.event, { since: '2026-07-01' })]).toEqual([true, false]);
    const more = at('people', { op: 'gt', value: 4 });
    expect([passes(more, app.event, { people: 5 }), passes(more, app.event, { people: 4 })]).toEqual([true, false]);
    const less = at('people', { op: 'lt', value: 4 });
    expect([passes(less, app.event, { people: 3 }), passes(less, app.event, { people: 4 })]).toEqual([true, false]);
    const range = at('amount', { op: 'between', value: 1000, upTo: 3000 });
    expect([passes(range, app.event, { amount: 3000 }), passes(range, app.event, { amount: 3000.01 })]).toEqual([true, false]);
    const some = at('village', { op: 'oneOf', values: typedValues('text', '杨庄村，李庄村') });
    expect([passes(some, app.event, { village: '李庄村' }), passes(some, app.event, { village: '王庄村' })]).toEqual([true, false]);
  });

  it('says the new comparisons in words', () => {
    const words = (key: string, c: Partial<SimpleCondition>) => describeGuard(app.d, toGuard({ ...startCondition(choiceOf(app.d, key)), ...c } as SimpleCondition));
    expect(words('amount', { op: 'gt', value: 3000 })).toBe('「申请表 › 申请金额」大于 3000');
    expect(words('since', { op: 'before', value: '2026-06-30' })).toBe('「申请表 › 困难发生日期」早于 2026-06-30');
    expect(words('village', { op: 'oneOf', values: ['杨庄村', '李庄村'] })).toBe('「申请表 › 所在村」为 杨庄村、李庄村 之一');
    expect(words('village', { op: 'ne', value: '杨庄村' })).toBe('「申请表 › 所在村」不为 杨庄村');
  });

  it('keeps a hand-written condition as written: without `required` it reads back so; anything else stays in words', () => {
    const loose: CatalogueRef = { type: 'matches', params: { on: 'event', schema: { properties: { approved: { const: true } } } } };
    const read = fromGuard(loose, 'meeting')!;
    expect(read).toMatchObject({ op: 'eq', value: true, fieldOptional: true });
    expect(toGuard(read)).toEqual(loose);
    const more: CatalogueRef = { type: 'matches', params: { schema: { properties: { apply: { properties: { amount: { minimum: 1, multipleOf: 2 } }, required: ['amount'] } }, required: ['apply'] } } };
    expect(fromGuard(more)).toBeUndefined();
  });
});
