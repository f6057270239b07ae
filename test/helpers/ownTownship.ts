import { expect } from 'vitest';
import { registration } from './people';
import { httpLogin } from './serverProcess';

type Session = Awaited<ReturnType<typeof httpLogin>>;
/** A person a test made, signed in over the API with a password of their own. */
export type OwnPerson = Session & { id: string; username: string };

/**
 * A demo county's administrator (`guanli`, seeded with SEED_DEMO=counties) making units and
 * people for one test: each person has set their own password, so no test shares an inbox.
 */
export async function countyAdmin(url: string, county = '532326') {
  const admin = await httpLogin(url, county, 'guanli');
  return {
    /** A new unit under `parentId`; its id. */
    unit: async (parentId: string, name: string, level: string): Promise<string> => {
      const made = await admin.call('POST', '/api/admin/units', { parentId, name, level });
      expect(made.status).toBe(201);
      return made.body.id as string;
    },
    /** A new person holding one role at a unit, signed in. */
    person: async (username: string, name: string, role: string, unitId: string): Promise<OwnPerson> => {
      const added = await admin.call('POST', '/api/admin/users', { username, name, grants: [{ role, unitId }] });
      expect(added.status).toBe(201);
      const oneTime = added.body.oneTimePassword as string;
      const session = await httpLogin(url, county, username, oneTime);
      expect((await session.call('PUT', '/api/me/password', { current: oneTime, next: 'Field-Day-2027' })).status).toBe(204);
      return { ...session, id: (added.body.user as { id: string }).id, username };
    },
  };
}

/**
 * A township and one of its villages under the demo county 532326, made by its administrator
 * for one test, with a village cadre and two township reviewers. `tag` (letters) names them apart.
 */
export async function ownTownship(url: string, tag: string): Promise<{ villageId: string; cadre: OwnPerson; reviewer: OwnPerson; second: OwnPerson }> {
  const admin = await countyAdmin(url);
  const townshipId = await admin.unit('532326', `${tag}镇`, 'township');
  const villageId = await admin.unit(townshipId, `${tag}村`, 'village');
  return {
    villageId,
    cadre: await admin.person(`${tag}-cadre`, `${tag}村干部`, 'village_cadre', villageId),
    reviewer: await admin.person(`${tag}-review`, `${tag}审核人`, 'township_reviewer', townshipId),
    second: await admin.person(`${tag}-second`, `${tag}副审核人`, 'township_reviewer', townshipId),
  };
}

/** A relocation case of the village, registered by its cadre over the API (now at 乡镇审核) unless `registered` is false; `data` changes the registration. */
export async function relocationCase(cadre: OwnPerson, villageId: string, registered = true, data: Record<string, unknown> = {}): Promise<string> {
  const made = await cadre.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: villageId });
  expect(made.status).toBe(201);
  const id = made.body.id as string;
  if (registered) expect((await cadre.call('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: { ...registration(), ...data } }, { 'if-match': '1' })).status).toBe(200);
  return id;
}
