import { REJECTION_MESSAGES } from '../engine/index';
import type { FieldError, RejectionCode } from '../engine/index';

/** One entry of the error catalogue: stable code, HTTP status, Chinese message. */
interface ErrorEntry {
  status: number;
  message: string;
}

/**
 * Every error the API returns. Codes are stable; the README's table is generated from this
 * (npx tsx scripts/errorTable.ts --write) and a test keeps them equal. Codes an engine
 * rejection maps to take the engine's message, so the two can never drift.
 */
export const errorCatalogue = {
  CF_VALIDATION: { status: 400, message: '请求内容不符合要求' },
  CF_INVALID_DATA: { status: 400, message: REJECTION_MESSAGES['invalid-data'] },
  CF_BAD_JSON: { status: 400, message: '请求内容不是有效的 JSON' },
  CF_UNSAFE_INPUT: { status: 400, message: '请求内容含有不允许的字段（如 __proto__）' },
  CF_LOGIN_FAILED: { status: 401, message: '县、用户名或密码不正确' },
  CF_UNAUTHENTICATED: { status: 401, message: '请先登录' },
  CF_PASSWORD_CHANGE_REQUIRED: { status: 403, message: '请先修改密码（初始密码或管理员重置的临时密码只能用来改密码）' },
  CF_PASSWORD_WEAK: { status: 400, message: '新密码不符合要求' },
  CF_PASSWORD_WRONG: { status: 400, message: '当前密码不正确' },
  CF_ACCOUNT_DISABLED: { status: 401, message: '账号已停用，请联系县管理员' },
  CF_PASSWORD_EXPIRED: { status: 401, message: '临时密码已过期（24 小时内有效），请联系县管理员重新发放' },
  CF_LOGIN_DELAYED: { status: 429, message: '登录失败次数过多，请稍后再试' },
  CF_SSO_NOT_CONFIGURED: { status: 404, message: '本县没有开通统一身份认证登录，请用用户名和密码登录' },
  CF_SSO_STATE: { status: 400, message: '登录请求已失效或不是从本系统发起的（超过 10 分钟，或换了浏览器），请重新登录' },
  CF_SSO_CODE: { status: 401, message: '统一身份认证的登录凭据已使用过或已过期，请重新登录' },
  CF_SSO_TOKEN: { status: 401, message: '统一身份认证平台返回的身份令牌无效或已过期，请重新登录' },
  CF_SSO_IDP_ERROR: { status: 401, message: '统一身份认证平台没有完成登录（已取消或被拒绝），请重新登录或用密码登录' },
  CF_SSO_UNAVAILABLE: { status: 503, message: '暂时连不上统一身份认证平台，请稍后再试或用密码登录' },
  CF_SSO_UNKNOWN_PERSON: { status: 401, message: '统一身份认证平台的这个账号在本县没有唯一对应的人员，请联系县管理员' },
  CF_ADMIN_ONLY: { status: 403, message: '只有县管理员（admin 角色）可以管理人员、组织机构和日历' },
  CF_USERNAME_TAKEN: { status: 409, message: '用户名已被占用，请换一个' },
  CF_UNIT_IN_USE: { status: 409, message: '该单位有案件、下级单位或人员，不能删除，只能停用' },
  CF_UNIT_CLOSED: { status: 422, message: '该单位已停用，不能发起新案件' },
  CF_CALENDAR_INVALID: { status: 400, message: '日历有误，未载入' },
  CF_CSRF: { status: 403, message: '请求缺少有效的防伪令牌（X-CSRF-Token），请刷新页面后重试' },
  CF_FORBIDDEN: { status: 403, message: REJECTION_MESSAGES['forbidden-role'] },
  CF_METRICS_TOKEN: { status: 401, message: '读取监控指标需要有效的令牌（Authorization: Bearer，见 METRICS_TOKEN）' },
  CF_METRICS_FORBIDDEN: { status: 403, message: '该地址无权读取监控指标（只允许 METRICS_ALLOW 中的地址，默认仅本机）' },
  CF_OPERATOR_TOKEN: { status: 401, message: '运维操作需要本服务器的运维令牌（countyflow backup 从数据目录的 operator.json 读取）' },
  CF_OPERATOR_FORBIDDEN: { status: 403, message: '运维操作只接受本机发起的请求' },
  CF_BACKUP_RUNNING: { status: 409, message: '已有一次备份正在进行，请等它完成后再试' },
  CF_NOT_FOUND: { status: 404, message: '找不到该记录，或您无权查看' },
  CF_NOT_PERSONAL: { status: 404, message: '这个案件没有这项个人信息' },
  CF_STALE: { status: 409, message: '案件已被他人处理（版本已变化），请刷新后重做' },
  CF_DRAFT_STALE: { status: 409, message: '草稿已被其他管理员修改，您的改动没有保存' },
  CF_DUPLICATE_CASE: { status: 409, message: '已有相同的案件，不能重复发起' },
  CF_TOO_LARGE: { status: 413, message: '提交的内容过大' },
  CF_STEP_TOO_LARGE: { status: 413, message: REJECTION_MESSAGES['too-large'] },
  CF_FILE_TYPE: { status: 415, message: '文件类型不允许（按文件内容判断，不看扩展名）' },
  CF_UPLOADS_OPEN: { status: 429, message: '未完成的上传过多或过大，请先传完已有的上传' },
  CF_UPLOAD_INCOMPLETE: { status: 409, message: '文件还没有上传完，请等上传完成后再保存' },
  CF_CHANNEL_ADDRESS: { status: 400, message: '渠道地址不允许：须为 https 公网地址，不能指向本机、内网或保留地址（县内网关须由运维人员列入 CHANNEL_ALLOW_HOSTS）' },
  CF_IDEMPOTENCY_MISMATCH: { status: 422, message: '同一个 Idempotency-Key 已用于不同的请求' },
  CF_ALREADY_APPROVED: { status: 409, message: REJECTION_MESSAGES['already-approved'] },
  CF_CLAIMED: { status: 409, message: REJECTION_MESSAGES['claimed-by-other'] },
  CF_WAITING_FOR_SIGNER: { status: 409, message: REJECTION_MESSAGES['waiting-for-signer'] },
  CF_NOT_YOUR_TURN: { status: 409, message: REJECTION_MESSAGES['not-their-turn'] },
  CF_COPY_LIMIT: { status: 429, message: '抄送的人数已达上限' },
  CF_WITHDRAW_TOO_LATE: { status: 422, message: '已有人办理过这个案件，不能再撤销（可请审核人退回）' },
  CF_NOT_ALLOWED_IN_STATE: { status: 422, message: REJECTION_MESSAGES['not-allowed-in-state'] },
  CF_CONDITION_NOT_MET: { status: 422, message: REJECTION_MESSAGES['condition-not-met'] },
  CF_UNKNOWN_EVENT: { status: 422, message: REJECTION_MESSAGES['unknown-event'] },
  CF_CASE_CLOSED: { status: 422, message: REJECTION_MESSAGES['case-closed'] },
  CF_DEFINITION_INVALID: { status: 422, message: '流程定义有错误，不能发布' },
  CF_DEFINITION_RUNAWAY: { status: 422, message: REJECTION_MESSAGES['over-budget'] },
  CF_FORMULA_ERROR: { status: 422, message: REJECTION_MESSAGES['formula-error'] },
  CF_CASE_CORRUPT: { status: 500, message: REJECTION_MESSAGES['invalid-snapshot'] },
  CF_RATE_LIMITED: { status: 429, message: '尝试过于频繁，请稍后再试' },
  CF_DB_UNAVAILABLE: { status: 503, message: '数据库暂时连不上（可能正在切换主库），请稍后重试；带 Idempotency-Key 的提交可以放心重发' },
  CF_INTERNAL: { status: 500, message: '服务器内部错误，请稍后重试' },
} satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof errorCatalogue;

/** A detail naming the field a problem concerns. */
export interface ErrorDetail {
  path: string;
  message: string;
  field?: string;
}

/** An error the API answers with: `{ error: { code, message, details } }` and the catalogue's status. */
export class AppError extends Error {
  readonly status: number;
  /** What the server log must record besides the code (a definition's fault: which process and version). */
  fault?: Record<string, unknown>;
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message ?? errorCatalogue[code].message);
    this.status = errorCatalogue[code].status;
  }
}

const REJECTION_CODES: Record<RejectionCode, ErrorCode> = {
  'unknown-event': 'CF_UNKNOWN_EVENT',
  'forbidden-role': 'CF_FORBIDDEN',
  'not-allowed-in-state': 'CF_NOT_ALLOWED_IN_STATE',
  'condition-not-met': 'CF_CONDITION_NOT_MET',
  'invalid-data': 'CF_INVALID_DATA',
  'case-closed': 'CF_CASE_CLOSED',
  'invalid-snapshot': 'CF_CASE_CORRUPT',
  'over-budget': 'CF_DEFINITION_RUNAWAY',
  'already-approved': 'CF_ALREADY_APPROVED',
  'claimed-by-other': 'CF_CLAIMED',
  'waiting-for-signer': 'CF_WAITING_FOR_SIGNER',
  'not-their-turn': 'CF_NOT_YOUR_TURN',
  'too-large': 'CF_STEP_TOO_LARGE',
  'formula-error': 'CF_FORMULA_ERROR',
};

/**
 * The API error for an engine rejection. An overrun is the definition's fault, not the user's:
 * it carries the process and version for the server log.
 */
export function fromRejection(rejection: { code: RejectionCode; message: string; details: FieldError[] }, process?: { processId: string; version: number }): AppError {
  const error = new AppError(REJECTION_CODES[rejection.code], rejection.message, rejection.details.map((d) => ({ path: d.path, field: d.field, message: d.message })));
  if (rejection.code === 'over-budget') error.fault = { processId: process?.processId, version: process?.version, message: rejection.message };
  return error;
}
