import { allocateFen, yuanToFen } from '../allocate';
import { getPath, setPath } from '../dataPath';
import { FormulaError, FormulaFault, formulaValue, MAX_FORMULA_LENGTH } from '../formula/index';
import { nextRowId, rowIndexOf } from '../rows';
import type { CaseContext } from '../types';
import { type ActionEntry, type ActionTools, dataPathSchema, type RunEvent } from './entry';

const str = (v: unknown) => (typeof v === 'string' ? v : '');
const withData = (ctx: CaseContext, data: Record<string, unknown>): CaseContext => ({ ...ctx, data });
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const stamp = (ev: RunEvent) => ({ _at: new Date(ev.now).toISOString(), _by: ev.actorName || ev.actorId });

/** Where a compute action's formula erred, in words: 计算「余额（元）」（account.balance）时， (a plain function: worked out only for an error). */
const computing = (p: Record<string, unknown>) => `计算${typeof p.label === 'string' ? `「${p.label}」（${str(p.to)}）` : `「${str(p.to)}」`}时，`;

/** Where a row action's formula erred, in words: 更正「entries」的一行（编号 returned.row）时， (a plain function: worked out only for an error). */
const rowPlace = (doing: string) => (p: Record<string, unknown>) => `${doing}「${str(p.list)}」的一行（编号 ${str(p.row)}）时，`;

/**
 * The live row a changeRow or voidRow means: the list, and the row's place in it, found by the id
 * its `row` formula gives. Throws FormulaFault (#N/A), refusing the step, when the list has no live
 * row of that id.
 */
function rowOf(ctx: CaseContext, ev: RunEvent, p: Record<string, unknown>, tools: ActionTools, doing: string): { rows: unknown[]; index: number } {
  const place = rowPlace(doing);
  const id = formulaValue(str(p.row), tools.formulaEnv(ctx, ev), place, p);
  const found = getPath(ctx.data, str(p.list));
  const rows = Array.isArray(found) ? found : [];
  const index = rowIndexOf(rows, id);
  if (index < 0) throw new FormulaFault(new FormulaError('#N/A', id === null ? '没有指明是哪一条' : `没有编号为 ${String(id)} 的记录（或它已作废）`), place(p));
  return { rows, index };
}

/** The built-in actions, by name. */
export const actionEntries: ActionEntry[] = [
  {
    name: 'save',
    summary: '保存本次提交的表单数据到案件数据（默认保存在表单编号下）。',
    params: { type: 'object', additionalProperties: false, properties: { to: dataPathSchema } },
    example: { type: 'save', params: { to: 'register' } },
    reads: () => [],
    writes: (p) => (typeof p.to === 'string' ? [p.to] : []),
    written: (ev) => ev.data,
    update: (ctx, ev, p) => {
      const to = str(p.to) || ev.formId || '';
      return to && ev.data !== undefined ? withData(ctx, setPath(ctx.data, to, ev.data)) : ctx;
    },
  },
  {
    name: 'append',
    summary: '把本次提交的数据追加到一个列表（如每次入户动员记录），每一行有自己的编号（_id），可记下时间和提交人（_at、_by）。',
    params: { type: 'object', required: ['to'], additionalProperties: false, properties: { to: dataPathSchema, stamp: { type: 'boolean' } } },
    example: { type: 'append', params: { to: 'visits', stamp: true } },
    reads: () => [],
    writes: (p) => [str(p.to)],
    written: (ev) => ev.data,
    update: (ctx, ev, p) => {
      const found = getPath(ctx.data, str(p.to));
      const list = Array.isArray(found) ? found : [];
      // The row's id comes from the list itself (rows.ts), so a replay of the log gives the same ids.
      const item = isRecord(ev.data) ? { ...ev.data, _id: nextRowId(list), ...(p.stamp ? stamp(ev) : {}) } : ev.data;
      return withData(ctx, setPath(ctx.data, str(p.to), [...list, item]));
    },
  },
  {
    name: 'changeRow',
    summary: '更正列表中的一行（按编号找到它，如退回的那一条）：用本次提交的数据改写这一行（或只改 only 列出的字段），记下更正时间和更正人（_changedAt、_changedBy）；原来的内容留在办理记录里。',
    params: {
      type: 'object',
      required: ['list', 'row'],
      additionalProperties: false,
      properties: {
        list: dataPathSchema,
        row: { type: 'string', minLength: 1, maxLength: MAX_FORMULA_LENGTH },
        only: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]*$' } },
      },
    },
    example: { type: 'changeRow', params: { list: 'entries', row: 'returned.row' } },
    reads: (p) => [str(p.list)],
    writes: () => [],
    formulas: [{ param: 'row', result: 'number' }],
    written: (ev) => ev.data,
    update: (ctx, ev, p, tools) => {
      const { rows, index } = rowOf(ctx, ev, p, tools, '更正');
      const only = Array.isArray(p.only) ? (p.only as string[]) : null;
      // The form's fields become what was submitted now (all of them, or only those `only` names); the engine's own fields stay.
      const replaced = (k: string) => !k.startsWith('_') && (only === null || only.includes(k));
      const next: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rows[index] as Record<string, unknown>)) if (!replaced(k)) next[k] = v;
      for (const [k, v] of Object.entries(isRecord(ev.data) ? ev.data : {})) if (replaced(k)) next[k] = v;
      next._changedAt = new Date(ev.now).toISOString();
      next._changedBy = ev.actorName || ev.actorId;
      return withData(ctx, setPath(ctx.data, str(p.list), rows.map((r, i) => (i === index ? next : r))));
    },
  },
  {
    name: 'voidRow',
    summary: '作废列表中的一行（按编号找到它）：这一行仍留在案件中、标明作废时间和作废人（_voidAt、_voidBy），但公式不再读它（合计、计数、查找都不算它）。',
    params: { type: 'object', required: ['list', 'row'], additionalProperties: false, properties: { list: dataPathSchema, row: { type: 'string', minLength: 1, maxLength: MAX_FORMULA_LENGTH } } },
    example: { type: 'voidRow', params: { list: 'entries', row: 'returned.row' } },
    reads: (p) => [str(p.list)],
    writes: () => [],
    formulas: [{ param: 'row', result: 'number' }],
    update: (ctx, ev, p, tools) => {
      const { rows, index } = rowOf(ctx, ev, p, tools, '作废');
      const next = { ...(rows[index] as Record<string, unknown>), _voidAt: new Date(ev.now).toISOString(), _voidBy: ev.actorName || ev.actorId };
      return withData(ctx, setPath(ctx.data, str(p.list), rows.map((r, i) => (i === index ? next : r))));
    },
  },
  {
    name: 'set',
    summary: '把某个数据项设为固定值，或设为当前时间（now: true）。',
    params: {
      type: 'object',
      required: ['path'],
      additionalProperties: false,
      properties: { path: dataPathSchema, value: {}, now: { const: true } },
      oneOf: [{ required: ['value'] }, { required: ['now'] }],
    },
    example: { type: 'set', params: { path: 'review.result', value: '达标' } },
    reads: () => [],
    writes: (p) => [str(p.path)],
    written: (_ev, p) => p.value,
    update: (ctx, ev, p) => withData(ctx, setPath(ctx.data, str(p.path), p.now ? new Date(ev.now).toISOString() : p.value)),
  },
  {
    name: 'clear',
    summary: '删除某个数据项（如重新提交后清除退回意见）。',
    params: { type: 'object', required: ['path'], additionalProperties: false, properties: { path: dataPathSchema } },
    example: { type: 'clear', params: { path: 'returned' } },
    reads: () => [],
    writes: (p) => [str(p.path)],
    update: (ctx, _ev, p) => withData(ctx, setPath(ctx.data, str(p.path), undefined)),
  },
  {
    name: 'allocate',
    summary: '按份额把总金额分到名册每一行，以分为单位、最大余额法，各行之和恰好等于总额。',
    params: {
      type: 'object',
      required: ['total', 'roster', 'shares', 'to'],
      additionalProperties: false,
      properties: {
        total: dataPathSchema,
        unit: { enum: ['yuan', 'fen'] },
        roster: dataPathSchema,
        shares: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]*$' },
        to: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]*$' },
      },
    },
    example: { type: 'allocate', params: { total: 'plan.amount', unit: 'yuan', roster: 'plan.households', shares: 'shares', to: 'amountFen' } },
    reads: (p) => [str(p.total), str(p.roster), `${str(p.roster)}.*.${str(p.shares)}`],
    writes: (p) => [`${str(p.roster)}.*.${str(p.to)}`],
    update: (ctx, _ev, p) => {
      const rows = getPath(ctx.data, str(p.roster));
      const rawTotal = getPath(ctx.data, str(p.total));
      if (!Array.isArray(rows) || typeof rawTotal !== 'number' || !(rawTotal >= 0)) return ctx;
      const total = p.unit === 'fen' ? Math.round(rawTotal) : yuanToFen(rawTotal);
      const shares = rows.map((r) => {
        const s = isRecord(r) ? r[str(p.shares)] : undefined;
        return typeof s === 'number' && s >= 0 && Number.isFinite(s) ? s : 0;
      });
      const parts = allocateFen(total, shares);
      const next = rows.map((r, i) => ({ ...(isRecord(r) ? r : {}), [str(p.to)]: parts[i] }));
      return withData(ctx, setPath(ctx.data, str(p.roster), next));
    },
  },
  {
    name: 'score',
    summary: '按检查项计分：每项为“是”、或数量达到下限即得分，总分写入指定数据项（如支部规范化自评得分）。',
    params: {
      type: 'object',
      required: ['items', 'to'],
      additionalProperties: false,
      properties: {
        to: dataPathSchema,
        items: {
          type: 'array',
          minItems: 1,
          maxItems: 200,
          items: {
            type: 'object',
            required: ['path', 'points'],
            additionalProperties: false,
            properties: { path: dataPathSchema, points: { type: 'number', minimum: 0, maximum: 1000 }, min: { type: 'number' } },
          },
        },
      },
    },
    example: { type: 'score', params: { to: 'selfAssessment.score', items: [{ path: 'selfAssessment.organisation.committeeComplete', points: 10 }, { path: 'selfAssessment.activities.themeDays', points: 10, min: 12 }] } },
    reads: (p) => (Array.isArray(p.items) ? p.items.map((i) => str((i as { path?: unknown }).path)) : []),
    writes: (p) => [str(p.to)],
    update: (ctx, _ev, p) => {
      const items = Array.isArray(p.items) ? (p.items as { path: string; points: number; min?: number }[]) : [];
      const total = items.reduce((sum, item) => {
        const v = getPath(ctx.data, item.path);
        const met = item.min !== undefined ? typeof v === 'number' && v >= item.min : v === true || (typeof v === 'number' && v > 0);
        return met ? sum + item.points : sum;
      }, 0);
      return withData(ctx, setPath(ctx.data, str(p.to), Math.round(total * 100) / 100));
    },
  },
  {
    name: 'compute',
    summary: '用公式计算，把结果写入案件数据（如余额、总分、等级、次数）。',
    params: {
      type: 'object',
      required: ['to', 'expr'],
      additionalProperties: false,
      properties: { to: dataPathSchema, expr: { type: 'string', minLength: 1, maxLength: MAX_FORMULA_LENGTH }, label: { type: 'string', minLength: 1, maxLength: 50 } },
    },
    example: { type: 'compute', params: { to: 'loan.balance', expr: 'SUM(loans.amount) - SUM(repayments.amount)', label: '尚欠本金（元）' } },
    reads: () => [],
    writes: (p) => [str(p.to)],
    formulas: [{ param: 'expr' }],
    update: (ctx, ev, p, tools) => {
      return withData(ctx, setPath(ctx.data, str(p.to), formulaValue(str(p.expr), tools.formulaEnv(ctx, ev), computing, p) ?? undefined));
    },
  },
  {
    name: 'spawn',
    summary: '按列表每一行派生一个子案件（如每户一个签收确认），子案件全部完成后可汇总回本案件。',
    params: {
      type: 'object',
      required: ['from', 'process'],
      additionalProperties: false,
      properties: {
        from: dataPathSchema,
        process: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,62}$' },
        fields: { type: 'object', additionalProperties: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]*$' } },
      },
    },
    example: { type: 'spawn', params: { from: 'plan.households', process: 'dividend-receipt', fields: { name: 'name', amountFen: 'amountFen' } } },
    reads: (p) => [str(p.from)],
    writes: () => [],
    update: (ctx, _ev, p) => {
      const rows = getPath(ctx.data, str(p.from));
      return { ...ctx, children: { total: Array.isArray(rows) ? rows.length : 0, done: 0 } };
    },
    effect: (ctx, p) => {
      const rows = getPath(ctx.data, str(p.from));
      const fields = isRecord(p.fields) ? (p.fields as Record<string, string>) : null;
      const items = (Array.isArray(rows) ? rows : []).map((r) => {
        const row = isRecord(r) ? r : {};
        if (!fields) return row;
        return Object.fromEntries(Object.entries(fields).map(([to, from]) => [to, row[from]]));
      });
      return { type: 'spawn', processId: str(p.process), items };
    },
  },
  {
    name: 'countChild',
    summary: '记下一个子案件已完成（用于子案件完成事件 CHILD.DONE）。',
    params: { type: 'object', additionalProperties: false, properties: {} },
    example: 'countChild',
    reads: () => [],
    writes: () => [],
    update: (ctx) => ({ ...ctx, children: { ...ctx.children, done: ctx.children.done + 1 } }),
  },
  {
    name: 'notify',
    summary: '通知本案件所在单位及其上级中担任这些角色的人（不含办理人自己）：写入他们的消息中心，并推送到订阅了「流程通知」的本县渠道。',
    params: {
      type: 'object',
      required: ['roles', 'message'],
      additionalProperties: false,
      properties: { roles: { type: 'array', minItems: 1, items: { type: 'string' } }, message: { type: 'string', minLength: 1, maxLength: 200 } },
    },
    example: { type: 'notify', params: { roles: ['township_reviewer'], message: '有新的登记待审核' } },
    reads: () => [],
    writes: () => [],
    effect: (_ctx, p) => ({ type: 'notify', roles: (p.roles as string[]) ?? [], message: str(p.message) }),
  },
];
