import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, dbKind, login, type Client, type TestApp } from '../helpers/testApp';

let t: TestApp;
let admin: Client;

/** A quick process: the village fills, the township reviews (and may claim the review). */
const review = {
  id: 'admin-review', title: '管理测试', caseLevel: 'village',
  roles: { village_cadre: { label: '村干部', level: 'village', kind: 'cadre' }, township_reviewer: { label: '乡镇审核', level: 'township', kind: 'reviewer' } },
  forms: {},
  events: {
    SUBMIT: { label: '提交', kind: 'submit', roles: ['village_cadre'] },
    APPROVE: { label: '同意', kind: 'approve', roles: ['township_reviewer'] },
  },
  machine: {
    id: 'ar', initial: 'draft',
    states: {
      draft: { meta: { label: '填写', assignee: 'village_cadre' }, on: { SUBMIT: 'review' } },
      review: { meta: { label: '审核', assignee: 'township_reviewer' }, on: { APPROVE: 'done' } },
      done: { type: 'final', meta: { label: '完成', outcome: 'completed' } },
    },
  },
};

type Person = { id: string; username: string; name: string; active: boolean; mustChangePassword: boolean; grants: { role: string; unitId: string; unitName: string }[] };
type ErrorBody = { error: { code: string; message: string; details: { path: string; field?: string; message: string }[] } };
const error = (res: { json(): unknown }) => (res.json() as ErrorBody).error;

/** The administrator adds a person; returns them with the one-time password shown once. */
async function addPerson(username: string, grants: { role: string; unitId: string }[], name = `${username} 同志`) {
  const res = await admin.send('POST', '/api/admin/users', { username, name, phone: null, grants });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { user: Person; oneTimePassword: string; expiresAt: string };
}

/** Signs in with a one-time password and sets a good one. */
async function firstSignIn(username: string, oneTime: string, next = 'Xiang-2027-ok'): Promise<Client> {
  const first = await login(t.app, '532326', username, oneTime);
  expect((await first.send('PUT', '/api/me/password', { current: oneTime, next })).statusCode).toBe(204);
  return first;
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, '532326', 'guanli');
  const author = await login(t.app, '532326', 'xinxi');
  expect((await author.send('PUT', '/api/processes/admin-review/draft', review)).json()).toMatchObject({ ok: true });
  expect((await author.send('POST', '/api/processes/admin-review/publish', {})).statusCode).toBe(200);
});
afterAll(() => t.close());

describe(`the county administrator's people (${dbKind})`, () => {
  it('only the administrator may manage people and units; others are refused and the attempt is recorded', async () => {
    const author = await login(t.app, '532326', 'xinxi');
    for (const url of ['/api/admin/users', '/api/admin/units', '/api/admin/history']) {
      const res = await author.get(url);
      expect(res.statusCode).toBe(403);
      expect(error(res).code).toBe('CF_ADMIN_ONLY');
    }
    const refused = await t.db.run('532326', (k) => k.selectFrom('auth_failures').select('target').where('county_id', '=', '532326').where('action', '=', 'admin').execute());
    expect(refused.map((r) => r.target)).toContain('/api/admin/users');
  });

  it('a new person gets a one-time password, must change it before anything else, and the policy names what is wrong', async () => {
    const { user, oneTimePassword, expiresAt } = await addPerson('wangxm', [{ role: 'village_cadre', unitId: 'xiaokangyuan' }], '王小明');
    expect(user).toMatchObject({ username: 'wangxm', active: true, mustChangePassword: true, grants: [{ role: 'village_cadre', unitId: 'xiaokangyuan', unitName: '小康苑社区' }] });
    expect(oneTimePassword).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[A-Za-z\d]{12}$/);
    expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(23 * 3_600_000);

    const me = await login(t.app, '532326', 'wangxm', oneTimePassword);
    expect((await me.get('/api/me')).json()).toMatchObject({ name: '王小明', mustChangePassword: true });
    const blocked = await me.get('/api/tasks');
    expect(blocked.statusCode).toBe(403);
    expect(error(blocked).code).toBe('CF_PASSWORD_CHANGE_REQUIRED');

    const tries: [string, string][] = [
      ['Ab1', '至少 8 位'],
      ['abcdefgh1', '至少三种'],
      ['Wangxm-2027', '不能包含用户名'],
      ['P@ssw0rd', '常见密码'],
    ];
    for (const [next, says] of tries) {
      const res = await me.send('PUT', '/api/me/password', { current: oneTimePassword, next });
      expect(res.statusCode, next).toBe(400);
      expect(error(res)).toMatchObject({ code: 'CF_PASSWORD_WEAK', details: [{ path: '/next', field: '新密码' }] });
      expect(error(res).message).toContain(says);
    }
    const wrong = await me.send('PUT', '/api/me/password', { current: 'not-it', next: 'Xiang-2027-ok' });
    expect(error(wrong)).toMatchObject({ code: 'CF_PASSWORD_WRONG', details: [{ path: '/current' }] });

    expect((await me.send('PUT', '/api/me/password', { current: oneTimePassword, next: 'Xiang-2027-ok' })).statusCode).toBe(204);
    expect((await me.get('/api/tasks')).statusCode).toBe(200);
    // The one-time password is gone; the new one works and needs no change.
    await expect(login(t.app, '532326', 'wangxm', oneTimePassword)).rejects.toThrow(/401/);
    const again = await login(t.app, '532326', 'wangxm', 'Xiang-2027-ok');
    expect((await again.get('/api/me')).json()).toMatchObject({ mustChangePassword: false });
  });

  it('a username is taken once; a role at a unit that does not exist is refused naming the row; nothing is written', async () => {
    const taken = await admin.send('POST', '/api/admin/users', { username: 'cun', name: '重名', grants: [] });
    expect(taken.statusCode).toBe(409);
    expect(error(taken)).toMatchObject({ code: 'CF_USERNAME_TAKEN', details: [{ path: '/username' }] });
    const nowhere = await admin.send('POST', '/api/admin/users', { username: 'nowhere', name: '无处', grants: [{ role: 'village_cadre', unitId: 'xiaokangyuan' }, { role: 'village_cadre', unitId: 'no-such-unit' }] });
    expect(nowhere.statusCode).toBe(400);
    expect(error(nowhere).details).toEqual([{ path: '/grants/1/unitId', field: '单位', message: '第 2 个角色的单位「no-such-unit」不存在或已停用' }]);
    expect((await admin.get('/api/admin/users?q=nowhere')).json()).toEqual([]);
  });

  it('search by name, phone or unit; edit moves a person and their roles apply at once', async () => {
    const { user, oneTimePassword } = await addPerson('liuyan', [{ role: 'village_cadre', unitId: 'xiaokangyuan' }], '刘燕');
    await admin.send('PUT', `/api/admin/users/${user.id}`, { name: '刘燕', phone: '13912345678', grants: [{ role: 'village_cadre', unitId: 'xiaokangyuan' }] });
    expect(((await admin.get('/api/admin/users?q=刘燕')).json() as Person[]).map((p) => p.username)).toEqual(['liuyan']);
    expect(((await admin.get('/api/admin/users?q=1391234')).json() as Person[]).map((p) => p.username)).toEqual(['liuyan']);
    expect(((await admin.get('/api/admin/users?unitId=jinbi')).json() as Person[]).map((p) => p.username)).toContain('liuyan');

    const her = await firstSignIn('liuyan', oneTimePassword);
    expect(((await her.get('/api/me')).json() as { grants: { role: string }[] }).grants.map((g) => g.role)).toEqual(['village_cadre']);
    const moved = await admin.send('PUT', `/api/admin/users/${user.id}`, { name: '刘燕', phone: '13912345678', grants: [{ role: 'township_reviewer', unitId: 'jinbi' }] });
    expect((moved.json() as Person).grants).toEqual([{ role: 'township_reviewer', unitId: 'jinbi', unitName: '金碧镇' }]);
    // Her session is read again: the new role applies without signing in again.
    expect(((await her.get('/api/me')).json() as { grants: { role: string }[] }).grants.map((g) => g.role)).toEqual(['township_reviewer']);
  });

  it('deactivation signs the person out at once, returns their claimed steps to the pool; their name stays on what they did', async () => {
    const { user, oneTimePassword } = await addPerson('zhaolei', [{ role: 'township_reviewer', unitId: 'jinbi' }], '赵磊');
    const reviewer = await firstSignIn('zhaolei', oneTimePassword);
    const cadre = await login(t.app, '532326', 'cun');
    const c = (await cadre.send('POST', '/api/cases', { processId: 'admin-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
    expect((await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' })).statusCode).toBe(200);
    expect((await reviewer.send('POST', `/api/cases/${c.id}/claim`, {})).statusCode).toBe(200);
    const colleague = await login(t.app, '532326', 'xiang');
    expect((await colleague.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE' })).statusCode).toBe(409);

    const res = await admin.send('POST', `/api/admin/users/${user.id}/deactivate`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ user: { active: false }, signedOut: 1, released: 1, addedTo: [] });
    expect((await reviewer.get('/api/me')).statusCode).toBe(401);
    const refused = await t.app.inject({ method: 'POST', url: '/api/session', payload: { county: '532326', username: 'zhaolei', password: 'Xiang-2027-ok' } });
    expect(error(refused).code).toBe('CF_ACCOUNT_DISABLED');

    // The step is everyone's again: the colleague approves.
    expect((await colleague.send('POST', `/api/cases/${c.id}/events`, { type: 'APPROVE' })).statusCode).toBe(200);
    const history = (await colleague.get(`/api/cases/${c.id}/history`)).json() as { label: string; actorName: string; comment: string | null }[];
    expect(history.map((h) => [h.label, h.actorName])).toEqual([
      ['发起', '李文华（小康苑社区）'], ['提交', '李文华（小康苑社区）'], ['认领', '赵磊'], ['退回公共待办', '孙丽（县信息中心·县管理员）'], ['同意', '杨建国（金碧镇审核）'],
    ]);

    const back = await admin.send('POST', `/api/admin/users/${user.id}/reactivate`);
    expect(back.json()).toMatchObject({ active: true });
    expect((await login(t.app, '532326', 'zhaolei', 'Xiang-2027-ok').then((c2) => c2.get('/api/me'))).statusCode).toBe(200);
  });

  it('the 加签 still addressed to a deactivated person are reassigned in one action; the new signer decides', async () => {
    const { user } = await addPerson('qianbo', [{ role: 'county_office', unitId: '532326' }], '钱波');
    const cadre = await login(t.app, '532326', 'cun');
    const township = await login(t.app, '532326', 'xiang');
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const c = (await cadre.send('POST', '/api/cases', { processId: 'admin-review', orgUnitId: 'xiaokangyuan' })).json() as { id: string };
      await cadre.send('POST', `/api/cases/${c.id}/events`, { type: 'SUBMIT' });
      expect((await township.send('POST', `/api/cases/${c.id}/add-signer`, { to: user.id, before: true })).statusCode).toBe(200);
      ids.push(c.id);
    }
    const gone = (await admin.send('POST', `/api/admin/users/${user.id}/deactivate`)).json() as { addedTo: { id: string }[] };
    expect(gone.addedTo.map((c) => c.id).sort()).toEqual([...ids].sort());
    // The reviewer's approval waits on the departed signer: nobody could move the case.
    expect((await township.send('POST', `/api/cases/${ids[0]}/events`, { type: 'APPROVE' })).statusCode).toBe(409);

    const office = await login(t.app, '532326', 'banqian');
    const officeId = ((await office.get('/api/me')).json() as { id: string }).id;
    const cadreId = ((await cadre.get('/api/me')).json() as { id: string }).id;
    const refused = await admin.send('POST', `/api/admin/users/${user.id}/reassign`, { to: user.id });
    expect(refused.statusCode).toBe(400);
    const res = await admin.send('POST', `/api/admin/users/${user.id}/reassign`, { to: officeId });
    expect(res.json()).toEqual({ reassigned: 2, skipped: [] });
    expect((await admin.send('POST', `/api/admin/users/${user.id}/reassign`, { to: cadreId })).json()).toEqual({ reassigned: 0, skipped: [] });
    // The new signer approves, then the reviewer's approval goes through.
    expect((await office.send('POST', `/api/cases/${ids[0]}/events`, { type: 'APPROVE' })).statusCode).toBe(200);
    expect((await township.send('POST', `/api/cases/${ids[0]}/events`, { type: 'APPROVE' })).statusCode).toBe(200);
    const history = (await township.get(`/api/cases/${ids[0]}/history`)).json() as { label: string }[];
    expect(history.map((h) => h.label)).toContain('改派加签');
  });

  it('a reset gives a new one-time password, ends every session, and the code stops working after 24 hours', async () => {
    const { user, oneTimePassword } = await addPerson('sunqi', [{ role: 'village_cadre', unitId: 'xiaokangyuan' }], '孙琦');
    const before = await firstSignIn('sunqi', oneTimePassword);
    const reset = (await admin.send('POST', `/api/admin/users/${user.id}/reset-password`)).json() as { oneTimePassword: string };
    expect((await before.get('/api/me')).statusCode).toBe(401);
    const fresh = await login(t.app, '532326', 'sunqi', reset.oneTimePassword);
    expect((await fresh.get('/api/cases')).statusCode).toBe(403);

    const late = (await admin.send('POST', `/api/admin/users/${user.id}/reset-password`)).json() as { oneTimePassword: string };
    await t.db.run('532326', (k) => k.updateTable('users').set({ password_expires_at: new Date(Date.now() - 1000) }).where('county_id', '=', '532326').where('id', '=', user.id).execute());
    const expired = await t.app.inject({ method: 'POST', url: '/api/session', payload: { county: '532326', username: 'sunqi', password: late.oneTimePassword } });
    expect(expired.statusCode).toBe(401);
    expect(error(expired).code).toBe('CF_PASSWORD_EXPIRED');
  });

  it('sign out everywhere: oneself, and by the administrator for anyone', async () => {
    const a = await login(t.app, '532326', 'zhibu');
    const b = await login(t.app, '532326', 'zhibu');
    const out = await a.send('DELETE', '/api/sessions');
    expect(out.json()).toEqual({ signedOut: 2 });
    expect((await b.get('/api/me')).statusCode).toBe(401);

    const c = await login(t.app, '532326', 'dangwei');
    const dangwei = ((await admin.get('/api/admin/users?q=dangwei')).json() as Person[])[0]!;
    expect((await admin.send('POST', `/api/admin/users/${dangwei.id}/sign-out`)).json()).toEqual({ signedOut: 1 });
    expect((await c.get('/api/me')).statusCode).toBe(401);
  });
});

describe(`sign-in under attack (${dbKind})`, () => {
  it('an account that keeps failing waits longer each time, never for good', async () => {
    const { oneTimePassword } = await addPerson('delayme', [{ role: 'village_cadre', unitId: 'xiaokangyuan' }]);
    await firstSignIn('delayme', oneTimePassword);
    const attempt = (password: string) => t.app.inject({ method: 'POST', url: '/api/session', payload: { county: '532326', username: 'delayme', password }, remoteAddress: '10.9.8.7' });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong-guess')).statusCode).toBe(401);
    // The fifth failure asks for a second's wait: even the right password is not checked until then.
    const waiting = await attempt('Xiang-2027-ok');
    expect(waiting.statusCode).toBe(429);
    expect(error(waiting)).toMatchObject({ code: 'CF_LOGIN_DELAYED' });
    expect(error(waiting).message).toMatch(/请 \d+ 秒后再试/);
    const row = await t.db.run('532326', (k) => k.selectFrom('users').select(['failed_logins', 'login_after']).where('county_id', '=', '532326').where('username', '=', 'delayme').executeTakeFirstOrThrow());
    expect(row.failed_logins).toBe(5);
    expect(new Date(row.login_after!).getTime() - Date.now()).toBeLessThanOrEqual(1000);
    // Once the wait the account was given is over (moved into the past here, as time would), the right password signs in and the count starts again.
    await t.db.run('532326', (k) => k.updateTable('users').set({ login_after: new Date(Date.now() - 1) }).where('county_id', '=', '532326').where('username', '=', 'delayme').execute());
    const res = await attempt('Xiang-2027-ok');
    expect(res.statusCode).toBe(200);
    expect((await t.db.run('532326', (k) => k.selectFrom('users').select('failed_logins').where('county_id', '=', '532326').where('username', '=', 'delayme').executeTakeFirstOrThrow())).failed_logins).toBe(0);
  });

  it('an address inventing usernames is refused before any password is hashed, after 30 failures', async () => {
    const from = (username: string, remoteAddress: string) => t.app.inject({ method: 'POST', url: '/api/session', payload: { county: '532326', username, password: 'whatever-1A' }, remoteAddress });
    for (let i = 0; i < 30; i++) expect((await from(`invented${i}`, '10.66.0.1')).statusCode).toBe(401);
    const refused = await from('invented-next', '10.66.0.1');
    expect(refused.statusCode).toBe(429);
    expect(error(refused).code).toBe('CF_LOGIN_DELAYED');
    // Another address is not held back by it.
    expect((await from('cun', '10.66.0.2')).statusCode).toBe(401);
  });
});
