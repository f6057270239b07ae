import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REJECTION_MESSAGES } from '../../engine/transition';
import type { RejectionCode } from '../../engine/types';
import { errorCatalogue, fromRejection } from '../../server/errors';
import { createTestApp, dbKind, type TestApp } from '../helpers/testApp';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe(`one error vocabulary (${dbKind})`, () => {
  it('every engine rejection answers with its catalogue code and the very same message', () => {
    for (const code of Object.keys(REJECTION_MESSAGES) as RejectionCode[]) {
      const error = fromRejection({ code, message: REJECTION_MESSAGES[code], details: [] });
      expect(errorCatalogue[error.code].message, code).toBe(REJECTION_MESSAGES[code]);
      expect(error.status).toBe(errorCatalogue[error.code].status);
    }
  });

  it('an unknown address and too many logins answer from the catalogue too', async () => {
    const missing = await t.app.inject({ method: 'GET', url: '/api/no-such-route' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: { code: 'CF_NOT_FOUND', details: [] } });
    let last;
    for (let i = 0; i < 12; i++) last = await t.app.inject({ method: 'POST', url: '/api/session', payload: { county: '532326', username: 'nobody', password: 'x' } });
    expect(last!.statusCode).toBe(429);
    expect(last!.json()).toEqual({ error: { code: 'CF_RATE_LIMITED', message: errorCatalogue.CF_RATE_LIMITED.message, details: [] } });
  });
});
