import { describe, expect, it } from 'vitest';
import { compile } from '../../engine/compile';
import { availableEvents, eventsForOthers, startCase, transition, type Accepted, type TransitionResult } from '../../engine/transition';
import type { Actor, CaseSnapshot } from '../../engine/types';
import { template } from '../helpers/definitions';
import { cadre, countyOffice, otherTownship, registration, townshipReviewer, VILLAGE } from '../helpers/people';

const compiled = compile(template('relocation'));
const NOW = Date.parse('2026-03-02T02:00:00Z'); // Monday 10:00 in China

function ok(r: TransitionResult): Accepted {
  if (!r.ok) throw new Error(`rejected: ${r.rejection.code} ${JSON.stringify(r.rejection.details)}`);
  return r;
}
const send = (s: CaseSnapshot, who: Actor, type: string, data?: unknown, now = NOW) =>
  transition(compiled, s, { type, data }, { now, actor: who, unitPath: VILLAGE });

describe('transition on the relocation process', () => {
  it('starts a case in registration, only for a role allowed to start', () => {
    const started = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE }));
    expect(started.state).toBe('registering');
    expect(started.status).toBe('active');
    const refused = startCase(compiled, { now: NOW, actor: townshipReviewer, unitPath: VILLAGE });
    expect(refused.ok).toBe(false);
  });

  it('saves a valid registration and moves to township review with a 5-working-day deadline', () => {
    const s0 = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    const r = ok(send(s0, cadre, 'SUBMIT', registration()));
    expect(r.state).toBe('townshipReview');
    expect((r.snapshot.context.data.register as { householder: string }).householder).toBe('李明华');
    // Monday 10:00 + 5 working days = next Monday 10:00 (Beijing) = 02:00Z
    expect(r.dueAt).toBe('2026-03-09T02:00:00.000Z');
  });

  it('flags a working-day deadline past the end of the holiday calendar as approximate, and clears the flag when the step ends', () => {
    const late = Date.parse('2026-12-28T02:00:00Z'); // the calendar lists holidays up to 2026
    const s0 = ok(startCase(compiled, { now: late, actor: cadre, unitPath: VILLAGE })).snapshot;
    const r = ok(send(s0, cadre, 'SUBMIT', registration(), late));
    expect(r.dueAt!.startsWith('2027-01')).toBe(true);
    expect(r.snapshot.context.dueApprox).toEqual({ [`${compiled.definition.machine.id ?? 'case'}.townshipReview`]: true });
    const back = ok(send(r.snapshot, townshipReviewer, 'RETURN', { reason: '请补充家庭成员信息' }, late));
    expect(back.snapshot.context.dueApprox ?? {}).toEqual({});
    const early = ok(send(ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot, cadre, 'SUBMIT', registration()));
    expect(early.snapshot.context.dueApprox ?? {}).toEqual({});
  });

  it('flags a deadline from a working-day formula past the end of the holiday calendar as approximate, not a date written out', () => {
    const late = Date.parse('2026-12-28T02:00:00Z');
    const withSla = (sla: string) => {
      const def = template('relocation');
      def.machine.states!.townshipReview!.meta!.sla = sla;
      return compile(def);
    };
    const reviewed = (c: ReturnType<typeof compile>, now: number) => {
      const s0 = ok(startCase(c, { now, actor: cadre, unitPath: VILLAGE })).snapshot;
      return ok(transition(c, s0, { type: 'SUBMIT', data: registration() }, { now, actor: cadre, unitPath: VILLAGE }));
    };
    const workday = withSla('=WORKDAY(TODAY(), 5)');
    const id = `${workday.definition.machine.id ?? 'case'}.townshipReview`;
    const r = reviewed(workday, late);
    expect(r.dueAt!.startsWith('2027-01')).toBe(true);
    expect(r.snapshot.context.dueApprox).toEqual({ [id]: true });
    expect(reviewed(workday, NOW).snapshot.context.dueApprox ?? {}).toEqual({});
    expect(reviewed(withSla('="2027-03-01"'), late).snapshot.context.dueApprox ?? {}).toEqual({});
  });

  it('computes the household size itself: a submitted value for a computed field is never trusted', () => {
    const s0 = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    const data = { ...registration(), memberCount: 99 };
    const r = ok(send(s0, cadre, 'SUBMIT', data));
    const register = r.snapshot.context.data.register as { memberCount: number; members: unknown[] };
    expect(register.memberCount).toBe(register.members.length);
    expect(r.data).toMatchObject({ memberCount: register.members.length });
  });

  it('refuses a registration with a bad ID number, naming the field in Chinese, and changes nothing', () => {
    const s0 = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    const bad = registration();
    bad.members[1]!.idNumber = '53232619820315002X';
    const before = JSON.stringify(s0);
    const r = send(s0, cadre, 'SUBMIT', bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.rejection.code).toBe('invalid-data');
    expect(r.rejection.details).toEqual([
      expect.objectContaining({ path: '/members/1/idNumber', message: expect.stringContaining('家庭成员 › 第 2 项 › 身份证号') }),
    ]);
    expect(r.rejection.details[0]!.message).toContain('校验位');
    expect(JSON.stringify(s0)).toBe(before);
  });

  it('names a missing required field', () => {
    const s0 = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    const { householder: _, ...rest } = registration();
    const r = send(s0, cadre, 'SUBMIT', rest);
    expect(r.ok || r.rejection.details.map((d) => d.message)).toEqual(['「户主姓名」必须填写']);
  });

  it('lets the township reviewer return with a reason, and lets only the assignee approve at each level', () => {
    const s0 = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    const s1 = ok(send(s0, cadre, 'SUBMIT', registration())).snapshot;
    const byCounty = send(s1, countyOffice, 'APPROVE');
    expect(byCounty.ok || byCounty.rejection.code).toBe('forbidden-role');
    const returned = ok(send(s1, townshipReviewer, 'RETURN', { reason: '配偶身份证号有误', field: 'members' }));
    expect(returned.state).toBe('registering');
    expect(returned.snapshot.context.data.returned).toEqual({ reason: '配偶身份证号有误', field: 'members' });
    expect(returned.dueAt).toBeNull();
    const again = ok(send(returned.snapshot, cadre, 'SUBMIT', registration()));
    expect(again.snapshot.context.data.returned).toBeUndefined();
    const approved = ok(send(again.snapshot, townshipReviewer, 'APPROVE'));
    expect(approved.state).toBe('countyReview');
    const byTownship = send(approved.snapshot, townshipReviewer, 'APPROVE');
    expect(byTownship.ok || byTownship.rejection.code).toBe('forbidden-role');
    expect(ok(send(approved.snapshot, countyOffice, 'APPROVE')).state).toBe('mobilising');
  });

  it('refuses a reviewer of another township, and an event the state does not take', () => {
    const s0 = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    const s1 = ok(send(s0, cadre, 'SUBMIT', registration())).snapshot;
    const other = send(s1, otherTownship, 'APPROVE');
    expect(other.ok || other.rejection.code).toBe('forbidden-role');
    const early = send(s0, townshipReviewer, 'APPROVE');
    expect(early.ok || early.rejection.code).toBe('not-allowed-in-state');
    const unknown = send(s0, cadre, 'constructor');
    expect(unknown.ok || unknown.rejection.code).toBe('unknown-event');
  });

  it('logs several visits, needs one before signing, and schedules the move-in deadline', () => {
    let s = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    s = ok(send(s, cadre, 'SUBMIT', registration())).snapshot;
    s = ok(send(s, townshipReviewer, 'APPROVE')).snapshot;
    s = ok(send(s, countyOffice, 'APPROVE')).snapshot;
    const agreement = { signedOn: '2026-03-10', agreementNo: 'DY-2026-001' };
    const tooEarly = send(s, cadre, 'SIGN', agreement);
    expect(tooEarly.ok || tooEarly.rejection.code).toBe('condition-not-met');
    for (const concerns of ['担心搬迁后没有收入', '老人不愿离开祖屋']) {
      s = ok(send(s, cadre, 'LOG_VISIT', { date: '2026-03-05', visitors: '村支书、老党员', concerns })).snapshot;
    }
    expect(s.context.data.visits).toHaveLength(2);
    expect((s.context.data.visits as { _by: string }[])[1]!._by).toBe('cadre');
    s = ok(send(s, cadre, 'SIGN', agreement)).snapshot;
    const moving = ok(send(s, cadre, 'SUBMIT', { site: '小康苑', building: '3', unit: '2-301' }));
    expect(moving.state).toBe('moving');
    expect(moving.effects).toEqual([
      { type: 'schedule', timerId: 'xstate.after.moveInDeadline.relocation.moving', event: { type: 'xstate.after.moveInDeadline.relocation.moving' }, dueAt: '2026-05-01T02:00:00.000Z' },
    ]);
    const byUser = send(moving.snapshot, cadre, 'xstate.after.moveInDeadline.relocation.moving');
    expect(byUser.ok || byUser.rejection.code).toBe('forbidden-role');
    const fired = ok(transition(compiled, moving.snapshot, { type: 'xstate.after.moveInDeadline.relocation.moving' }, { now: NOW, actor: { id: 'system', grants: [] }, unitPath: VILLAGE, system: true }));
    expect(fired.state).toBe('movingLate');
    expect(fired.effects).toEqual([
      { type: 'cancel', timerId: 'xstate.after.moveInDeadline.relocation.moving' },
      { type: 'notify', roles: ['township_reviewer', 'county_office'], message: '签约已满 60 天仍未搬迁入住' },
    ]);
    const movedIn = ok(send(moving.snapshot, cadre, 'SUBMIT', { movedOn: '2026-04-01' }));
    expect(movedIn.effects).toEqual([{ type: 'cancel', timerId: 'xstate.after.moveInDeadline.relocation.moving' }]);
  });

  it('records a refusal as a closed case, after which nothing can be sent', () => {
    let s = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    s = ok(send(s, cadre, 'SUBMIT', registration())).snapshot;
    s = ok(send(s, townshipReviewer, 'APPROVE')).snapshot;
    s = ok(send(s, countyOffice, 'APPROVE')).snapshot;
    const refused = ok(send(s, cadre, 'REFUSE', { reason: '年老不愿离开' }));
    expect(refused).toMatchObject({ status: 'done', outcome: 'refused', dueAt: null });
    const after = send(refused.snapshot, cadre, 'LOG_VISIT', {});
    expect(after.ok || after.rejection.code).toBe('case-closed');
  });

  it('lists the events an actor may send now', () => {
    const s0 = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    expect(availableEvents(compiled, s0, cadre, VILLAGE)).toEqual([{ type: 'SUBMIT', label: '提交', kind: 'submit', form: 'register' }]);
    expect(availableEvents(compiled, s0, townshipReviewer, VILLAGE)).toEqual([]);
  });

  it('refuses data on an event that takes none, and a snapshot that does not fit the machine', () => {
    const s0 = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    const s1 = ok(send(s0, cadre, 'SUBMIT', registration())).snapshot;
    const withData = send(s1, townshipReviewer, 'APPROVE', { x: 1 });
    expect(withData.ok || withData.rejection.code).toBe('invalid-data');
    const broken = send({ ...s1, value: 'nowhere' }, townshipReviewer, 'APPROVE');
    expect(broken.ok || broken.rejection.code).toBe('invalid-snapshot');
  });
});

describe('onDone actions happen at the time and by the person of the step that finished the state', () => {
  const def = {
    id: 'sign-off', title: '签收', caseLevel: 'village', roles: { village_cadre: { label: '村委会经办人', level: 'village' } },
    forms: {}, events: { SIGN: { label: '签字', roles: ['village_cadre'] } },
    machine: {
      id: 'case', initial: 'signing',
      states: {
        signing: {
          initial: 'waiting', meta: { label: '签字', assignee: 'village_cadre' },
          states: { waiting: { on: { SIGN: 'signed' } }, signed: { type: 'final' } },
          onDone: { target: 'finished', actions: [{ type: 'set', params: { path: 'signedAt', now: true } }, { type: 'compute', params: { to: 'signedYear', expr: 'YEAR(TODAY())' } }] },
        },
        finished: { type: 'final', meta: { outcome: 'completed' } },
      },
    },
  };
  it('set now: true and TODAY() in onDone take the finishing step’s time (they answered Invalid time value)', () => {
    const process = compile(def as never);
    const s0 = ok(startCase(process, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    const later = Date.parse('2027-01-04T03:00:00Z');
    const r = ok(transition(process, s0, { type: 'SIGN' }, { now: later, actor: { ...cadre, name: '王村官' }, unitPath: VILLAGE }));
    expect(r.state).toBe('finished');
    expect(r.snapshot.context.data).toMatchObject({ signedAt: '2027-01-04T03:00:00.000Z', signedYear: 2027 });
  });
});

describe('a return names the field it concerns', () => {
  it('by a field of the case (title or id); anything else is refused at 需修改的项目 and nothing changes', () => {
    const s0 = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    const review = ok(send(s0, cadre, 'SUBMIT', registration())).snapshot;
    for (const field of ['户主身份证号', 'idNumber']) expect(ok(send(review, townshipReviewer, 'RETURN', { reason: '请核对', field })).state).toBe('registering');
    const refused = send(review, townshipReviewer, 'RETURN', { reason: '请核对', field: '银行卡号' });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.rejection).toMatchObject({ code: 'invalid-data', details: [{ path: '/field', field: '需修改的项目', message: '「需修改的项目」须是本案件表单中的一项，没有「银行卡号」' }] });
  });
});

describe('what the simulator says of a button it does not offer', () => {
  it('names the events of the current step the actor may not send, with the roles that may', () => {
    const s0 = ok(startCase(compiled, { now: NOW, actor: cadre, unitPath: VILLAGE })).snapshot;
    const review = ok(send(s0, cadre, 'SUBMIT', registration())).snapshot;
    const forCadre = eventsForOthers(compiled, review, cadre, VILLAGE);
    expect(forCadre.map((e) => e.type)).toEqual(expect.arrayContaining(['APPROVE', 'RETURN']));
    expect(forCadre.find((e) => e.type === 'APPROVE')).toMatchObject({ label: expect.any(String), roles: ['township_reviewer'] });
    expect(eventsForOthers(compiled, review, townshipReviewer, VILLAGE).map((e) => e.type)).not.toContain('APPROVE');
  });
});
