import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber } from '../helpers/people';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let cadre: Client;
beforeAll(async () => {
  t = await createTestApp();
  cadre = await login(t.app, '532326', 'cun');
});
afterAll(() => t.close());

const apply = (id: string, amount = 30000) => ({ borrower: '周春福', idNumber: id, amount, termMonths: 36, purpose: '养殖' });
const start = (data?: object) => cadre.send('POST', '/api/cases', { processId: 'micro-loan', orgUnitId: 'xiaokangyuan', ...(data ? { data } : {}) });
interface ErrorBody { error: { code: string; message: string; details: { message: string }[] } }

describe(`one loan application per household per year: the uniqueness key (${dbKind})`, () => {
  it('names the case by its title formula, and refuses a second application of the same household with the first one named', async () => {
    const household = idNumber('532326', '19800101', '015');
    const first = (await start()).json() as { id: string };
    const submitted = await cadre.send('POST', `/api/cases/${first.id}/events`, { type: 'SUBMIT', data: apply(household) });
    expect(submitted.statusCode).toBe(200);
    expect((submitted.json() as { title: string }).title).toBe('周春福（30000 元）');

    const second = (await start()).json() as { id: string };
    const refused = await cadre.send('POST', `/api/cases/${second.id}/events`, { type: 'SUBMIT', data: apply(household, 20000) });
    expect(refused.statusCode).toBe(409);
    expect((refused.json() as ErrorBody).error).toMatchObject({ code: 'CF_DUPLICATE_CASE', message: expect.stringContaining('「周春福（30000 元）」') });
    expect((refused.json() as ErrorBody).error.details[0]!.message).toContain(first.id);
    expect(((await cadre.get(`/api/cases/${second.id}`)).json() as { case: { state: string } }).case.state).toBe('applying');

    // Prefilled at the start, the same household is refused before any case is made.
    const prefilled = await start({ apply: apply(household) });
    expect(prefilled.statusCode).toBe(409);
    expect((prefilled.json() as ErrorBody).error.code).toBe('CF_DUPLICATE_CASE');
    // A phone that sends its start again (same Idempotency-Key) gets its own case back, not "duplicate".
    const other = idNumber('532326', '19800101', '031');
    const key = { 'idempotency-key': `unique-retry-${second.id}` };
    const body = { processId: 'micro-loan', orgUnitId: 'xiaokangyuan', data: { apply: apply(other) } };
    const sent = await cadre.send('POST', '/api/cases', body, key);
    expect(sent.statusCode).toBe(201);
    const resent = await cadre.send('POST', '/api/cases', body, key);
    expect(resent.statusCode).toBe(201);
    expect((resent.json() as { id: string }).id).toBe((sent.json() as { id: string }).id);
    // Another household goes through.
    expect((await cadre.send('POST', `/api/cases/${second.id}/events`, { type: 'SUBMIT', data: apply(idNumber('532326', '19800101', '023')) })).statusCode).toBe(200);
  });
});
