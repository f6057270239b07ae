import type { FastifyError, FastifyInstance } from 'fastify';
import { plainMessage } from '../engine/index';
import { AppError, type ErrorDetail } from './errors';
import { StaleError } from './cases/sendEvent';
import { isConnectionError } from './db/pgPool';

type ValidationItem = NonNullable<FastifyError['validation']>[number];

const PART_NAMES: Record<string, string> = { body: '请求内容', querystring: '查询参数', params: '路径参数', headers: '请求头' };

/** Field-level details for a failed route schema, in Chinese, naming the field. */
function validationDetails(items: ValidationItem[], context: string | undefined): ErrorDetail[] {
  return items.map((e) => {
    const missing = (e.params as { missingProperty?: string }).missingProperty;
    const extra = (e.params as { additionalProperty?: string }).additionalProperty;
    const path = `${e.instancePath}${missing ? `/${missing}` : extra ? `/${extra}` : ''}` || '/';
    const field = path === '/' ? (PART_NAMES[context ?? 'body'] ?? '请求') : path.slice(1).replace(/\//g, '.');
    const message = missing ? '必须填写' : extra ? '不认识的字段' : plainMessage(e as Parameters<typeof plainMessage>[0]);
    return { path, field, message: `「${field}」${message}` };
  });
}

/** Maps every error to `{ error: { code, message, details } }` with the catalogue's status: no 500 for user input. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    let error: AppError;
    if (err instanceof AppError) error = err;
    else if (err.validation) error = new AppError('CF_VALIDATION', undefined, validationDetails(err.validation, err.validationContext));
    else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') error = new AppError('CF_TOO_LARGE');
    else if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) error = new AppError('CF_BAD_JSON');
    else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') error = new AppError('CF_VALIDATION', err.message);
    else if (err.statusCode === 429) error = new AppError('CF_RATE_LIMITED');
    else if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) error = new AppError('CF_VALIDATION', err.message);
    // PostgreSQL data exceptions (class 22: a value out of range, text it cannot store): the request's fault, never a 500.
    else if (typeof err.code === 'string' && /^22[0-9A-Z]{3}$/.test(err.code)) error = new AppError('CF_VALIDATION', '请求中的数值或文字超出了允许的范围');
    // The database went away or is switching primaries: the client may send it again (with its Idempotency-Key).
    else if (isConnectionError(err)) error = new AppError('CF_DB_UNAVAILABLE');
    else {
      request.log.error({ err }, 'unhandled error');
      error = new AppError('CF_INTERNAL');
    }
    const body: Record<string, unknown> = { error: { code: error.code, message: error.message, details: error.details } };
    if (error instanceof StaleError) body.case = error.current;
    if (error.status >= 500 && error.code !== 'CF_INTERNAL') request.log.error({ err }, error.code);
    if (error.fault) request.log.error({ fault: error.fault, county: request.session?.county }, error.code);
    void reply.status(error.status).send(body);
  });
  app.setNotFoundHandler(() => {
    throw new AppError('CF_NOT_FOUND', '没有这个接口');
  });
}
