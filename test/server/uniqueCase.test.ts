import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findSession } from '../../server/auth/sessions';
import { sendEvent } from '../../server/cases/sendEvent';
import { startCaseService } from '../../server/cases/startCaseService';
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

describe(`keys and titles wait for their data (${dbKind})`, () => {
  const actorOf = async (client: Client) => (await findSession(t.db, client.cookie, undefined, new Date()))!.actor;

  it('two applications not yet filled in are not the same household: a key with a blank part is no key, and each is named by the process and its short number', async () => {
    const first = await start();
    const second = await start();
    expect([first.statusCode, second.statusCode]).toEqual([201, 201]);
    for (const res of [first, second]) {
      const c = res.json() as { id: string; title: string };
      expect(c.title).toBe(`扶贫小额信贷 ${c.id.slice(0, 8).toUpperCase()}`);
    }
  });

  it('a title with a field still blank shows no hole (「周春福（ 元）」): lists and the inbox show the process and short number until it is filled', async () => {
    const partly = await start({ apply: { borrower: '周春福' } });
    expect(partly.statusCode).toBe(201);
    const c = partly.json() as { id: string; title: string };
    const untitled = `扶贫小额信贷 ${c.id.slice(0, 8).toUpperCase()}`;
    expect(c.title).toBe(untitled);
    const titleIn = async (url: string) => ((await cadre.get(url)).json() as { items: { id: string; title: string }[] }).items.find((i) => i.id === c.id)?.title;
    expect(await titleIn('/api/cases?processId=micro-loan')).toBe(untitled);
    expect(await titleIn('/api/tasks')).toBe(untitled);
    // Filled in, the case takes its own title everywhere.
    const household = idNumber('532326', '19800101', '074');
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT', data: apply(household, 8000) })).statusCode).toBe(200);
    expect(await titleIn('/api/cases?processId=micro-loan')).toBe('周春福（8000 元）');
  });

  it('a key is the year the case was started: a 2026 loan repaid in 2027 is not a duplicate of the household’s 2027 application', async () => {
    const household = idNumber('532326', '19800101', '058');
    const cadreActor = await actorOf(cadre);
    const reviewerActor = await actorOf(await login(t.app, '532326', 'xiang'));
    const at = (iso: string) => ({ now: new Date(iso) });
    const loan = (await startCaseService(t.db, cadreActor, { processId: 'micro-loan', orgUnitId: 'xiaokangyuan' }, new Date('2026-03-02T02:00:00Z'))).case;
    await sendEvent(t.db, cadreActor, loan.id, { type: 'SUBMIT', data: apply(household) }, at('2026-03-02T03:00:00Z'));
    await sendEvent(t.db, reviewerActor, loan.id, { type: 'APPROVE' }, at('2026-03-03T03:00:00Z'));
    await sendEvent(t.db, cadreActor, loan.id, { type: 'ISSUE', data: { issuedOn: '2026-03-05', amount: 30000, dueOn: '2029-03-04' } }, at('2026-03-05T03:00:00Z'));
    // The next year the household applies again: a new key (…-2027), accepted.
    const next = (await startCaseService(t.db, cadreActor, { processId: 'micro-loan', orgUnitId: 'xiaokangyuan', data: { apply: apply(household, 10000) } }, new Date('2027-02-01T02:00:00Z'))).case;
    expect(next.id).toBeTruthy();
    // A repayment of the 2026 loan, entered in 2027, keeps the 2026 loan's key and is accepted.
    const repaid = await sendEvent(t.db, cadreActor, loan.id, { type: 'REPAY', data: { paidOn: '2027-03-01', amount: 5000 } }, at('2027-03-01T03:00:00Z'));
    expect(repaid.case.state).toBe('repaying');
    const keys = (await t.db.run('532326', (k) => k.selectFrom('cases').select(['id', 'unique_key']).where('id', 'in', [loan.id, next.id]).execute()));
    expect(Object.fromEntries(keys.map((r) => [r.id, r.unique_key]))).toEqual({ [loan.id]: `${household}-2026`, [next.id]: `${household}-2027` });
  });
});
