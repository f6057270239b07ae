import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifyInstance } from 'fastify';
import { firstUnsafe } from './inputSafety';

/**
 * Route schema validation. Bodies are JSON and are taken as sent: no type coercion (a
 * `username: ["cun"]` is a list, not a name). The query string, path and headers are text
 * and are coerced to the types their schemas declare, but never to a number that is not
 * finite (ajv turns "1e400" into Infinity and lets it through). Text with NUL or a lone
 * surrogate is refused in every part: JSON bodies by the JSON parser (app.ts), which has
 * already walked them, the other parts here.
 */
export function installValidators(app: FastifyInstance): void {
  const make = (coerceTypes: boolean | 'array') => {
    const ajv = new Ajv({ allErrors: true, removeAdditional: false, useDefaults: true, coerceTypes, strict: false });
    addFormats(ajv);
    return ajv;
  };
  const bodyAjv = make(false);
  const textAjv = make('array');
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const body = httpPart === 'body';
    const validate: ValidateFunction = (body ? bodyAjv : textAjv).compile(schema);
    const check = ((data: unknown) => {
      if (!validate(data)) {
        check.errors = validate.errors;
        return false;
      }
      const unsafe = body ? undefined : firstUnsafe(data);
      if (unsafe) {
        const error: ErrorObject = unsafe.reason === 'text'
          ? { instancePath: unsafe.path === '/' ? '' : unsafe.path, keyword: 'unsafeText', params: {}, schemaPath: '#' }
          : { instancePath: unsafe.path === '/' ? '' : unsafe.path, keyword: 'type', params: { type: 'number' }, schemaPath: '#' };
        check.errors = [error];
        return false;
      }
      check.errors = null;
      return true;
    }) as ValidateFunction;
    return check;
  });
}
