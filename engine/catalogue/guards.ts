import { formulaHolds, MAX_FORMULA_LENGTH } from '../formula/index';
import type { CatalogueRef } from '../types';
import type { GuardEntry } from './entry';

/** Data paths a condition schema reads: its `properties` and `required` names, nested. */
export function schemaReads(schema: unknown, prefix = ''): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const s = schema as Record<string, unknown>;
  const out = new Set<string>();
  const join = (k: string) => (prefix ? `${prefix}.${k}` : k);
  if (s.properties && typeof s.properties === 'object') {
    for (const [k, v] of Object.entries(s.properties)) {
      out.add(join(k));
      for (const p of schemaReads(v, join(k))) out.add(p);
    }
  }
  if (Array.isArray(s.required)) for (const k of s.required) if (typeof k === 'string') out.add(join(k));
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    const list = s[key];
    if (Array.isArray(list)) for (const sub of list) for (const p of schemaReads(sub, prefix)) out.add(p);
  }
  for (const key of ['not', 'if', 'then', 'else']) for (const p of schemaReads(s[key], prefix)) out.add(p);
  return [...out];
}

const refList = (params: Record<string, unknown>, key: string): CatalogueRef[] =>
  Array.isArray(params[key]) ? (params[key] as CatalogueRef[]) : [];

const guardRefSchema = {
  anyOf: [
    { type: 'string' },
    { type: 'object', required: ['type'], properties: { type: { type: 'string' }, params: { type: 'object' } }, additionalProperties: false },
  ],
};

/** Where a formula guard erred, in words: 判断条件「…」时， (a plain function: worked out only for an error). */
const deciding = (expr: unknown) => `判断条件「${String(expr)}」时，`;

/** The built-in guards, by name. */
export const guardEntries: GuardEntry[] = [
  {
    name: 'matches',
    summary: '条件：案件数据（或本次提交的数据）符合给定的 JSON Schema。',
    params: {
      type: 'object',
      required: ['schema'],
      additionalProperties: false,
      properties: { schema: { type: 'object' }, on: { enum: ['data', 'event'] } },
    },
    example: { type: 'matches', params: { schema: { properties: { register: { properties: { partyMember: { const: true } } } } } } },
    reads: (p) => (p.on === 'event' ? [] : schemaReads(p.schema)),
    evaluate: (ctx, ev, p, tools) => tools.test(p.schema as object, p.on === 'event' ? ev.data : ctx.data),
  },
  {
    name: 'all',
    summary: '条件：所列条件全部成立（并且）。',
    params: { type: 'object', required: ['guards'], additionalProperties: false, properties: { guards: { type: 'array', minItems: 1, items: guardRefSchema } } },
    example: { type: 'all', params: { guards: ['childrenDone', { type: 'matches', params: { schema: { required: ['plan'] } } }] } },
    reads: () => [],
    evaluate: (ctx, ev, p, tools) => refList(p, 'guards').every((g) => tools.evaluate(g, ctx, ev)),
  },
  {
    name: 'any',
    summary: '条件：所列条件至少一个成立（或者）。',
    params: { type: 'object', required: ['guards'], additionalProperties: false, properties: { guards: { type: 'array', minItems: 1, items: guardRefSchema } } },
    example: { type: 'any', params: { guards: ['childrenDone', 'lastChild'] } },
    reads: () => [],
    evaluate: (ctx, ev, p, tools) => refList(p, 'guards').some((g) => tools.evaluate(g, ctx, ev)),
  },
  {
    name: 'not',
    summary: '条件：所给条件不成立（取反）。',
    params: { type: 'object', required: ['guard'], additionalProperties: false, properties: { guard: guardRefSchema } },
    example: { type: 'not', params: { guard: 'childrenDone' } },
    reads: () => [],
    evaluate: (ctx, ev, p, tools) => !tools.evaluate(p.guard as CatalogueRef, ctx, ev),
  },
  {
    name: 'formula',
    summary: '条件：公式成立（如 submitted.amount <= balance）；不成立时可给出自己写的提示。',
    params: {
      type: 'object',
      required: ['expr'],
      additionalProperties: false,
      properties: { expr: { type: 'string', minLength: 1, maxLength: MAX_FORMULA_LENGTH }, message: { type: 'string', minLength: 1, maxLength: 200 } },
    },
    example: { type: 'formula', params: { expr: 'submitted.amount <= loan.balance', message: '还款金额不能超过尚欠本金' } },
    // The checker type-checks formulas itself, naming the place inside the formula.
    reads: () => [],
    formulas: [{ param: 'expr', result: 'boolean' }],
    evaluate: (ctx, ev, p, tools) => {
      const ok = formulaHolds(String(p.expr), tools.formulaEnv(ctx, ev), deciding, p.expr);
      if (!ok && typeof p.message === 'string') tools.refuse(p.message);
      return ok;
    },
  },
  {
    name: 'lastChild',
    summary: '条件：这是最后一个尚未完成的子案件（收到它的完成事件后全部完成）。',
    params: { type: 'object', additionalProperties: false, properties: {} },
    example: 'lastChild',
    reads: () => [],
    evaluate: (ctx) => ctx.children.total > 0 && ctx.children.done + 1 >= ctx.children.total,
  },
  {
    name: 'childrenDone',
    summary: '条件：本案件派生的子案件已全部完成。',
    params: { type: 'object', additionalProperties: false, properties: {} },
    example: 'childrenDone',
    reads: () => [],
    evaluate: (ctx) => ctx.children.done >= ctx.children.total,
  },
];
