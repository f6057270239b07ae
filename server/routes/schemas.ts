/** JSON Schemas shared by routes (request parts and responses), registered for OpenAPI. */

export const errorSchema = {
  $id: 'Error',
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, field: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
    case: { type: 'object', additionalProperties: true },
  },
} as const;

export const caseSchema = {
  $id: 'Case',
  type: 'object',
  properties: {
    id: { type: 'string' },
    processId: { type: 'string' },
    processVersion: { type: 'integer' },
    orgUnitId: { type: 'string' },
    state: {},
    stateKey: { type: 'string' },
    status: { type: 'string' },
    outcome: { type: ['string', 'null'] },
    title: { type: 'string' },
    data: { type: 'object', additionalProperties: true },
    rev: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    dueAt: { type: ['string', 'null'] },
    overdue: { type: 'boolean' },
    dueApproximate: { type: 'boolean', description: '期限按工作日计算，但已超出节假日日历的年份（节假日未公布），仅供参考' },
    parentId: { type: ['string', 'null'] },
    stepLabel: { type: 'string' },
    processTitle: { type: 'string' },
    unitName: { type: 'string', description: '案件所属单位（村、社区）的名称，列表中提供' },
    returned: { type: 'boolean', description: '案件被退回、等待重新提交' },
    holder: { type: 'string', description: '当前由谁办理：认领人，或这一步的办理角色' },
    quickActions: { type: 'array', description: '待办中可直接（批量）执行、无需填表的审核操作', items: { type: 'object', properties: { type: { type: 'string' }, label: { type: 'string' } } } },
  },
} as const;

/** An id in a URL: a UUID or a short slug. */
export const idParam = { type: 'object', required: ['id'], properties: { id: { type: 'string', pattern: '^[A-Za-z0-9-]{1,64}$' } } } as const;

export const processIdPattern = '^[a-z][a-z0-9-]{1,62}$';

/** Standard error responses for the OpenAPI document. */
export const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [c, { $ref: 'Error#' }]));

/** The Idempotency-Key header: a retry with the same key gets the first answer. A batch's keys are shorter: each case's is the key and its id. */
export const idempotencyKey = (maxLength = 100) => ({ 'idempotency-key': { type: 'string', minLength: 8, maxLength } }) as const;

/** X-Queued-At: when the field app's outbox took a step made without signal (UTC, as `toISOString` writes it). */
export const queuedAtHeader = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?Z$', description: '离线时办理的时间（外勤应用补发时带上）' } as const;

/**
 * The query of a county log read a page at a time, newest first (管理记录, the record of personal-information access):
 * `beforeSeq` is the `seq` of the last entry of the page before (keyset on the chain's order).
 */
export const logPageQuery = {
  limit: { type: 'integer', minimum: 1, maximum: 500, default: 100, description: '每页条数' },
  before: { type: 'string', format: 'date-time', description: '只列出此时刻以前的记录' },
  beforeSeq: { type: 'integer', minimum: 1, maximum: 9007199254740991, description: '下一页：上一页最后一条的 seq' },
} as const;
