import { expect } from 'vitest';
import { registration } from './people';
import { httpLogin } from './serverProcess';

type Session = Awaited<ReturnType<typeof httpLogin>>;
/** A person a test made, signed in over the API with a password of their own. */
export type OwnPerson = Session & { id: string; username: string };

/**
 * A township and one of its villages under the demo county 532326 (seeded with SEED_DEMO=counties),
 * made by its administrator for one test, with a village cadre and two township reviewers who
 * have set their own passwords: no test shares their inboxes. `tag` (letters) names them apart.
 */
export async function ownTownship(url: string, tag: string): Promise<{ villageId: string; cadre: OwnPerson; reviewer: OwnPerson; second: OwnPerson }> {
  const admin = await httpLogin(url, '532326', 'guanli');
  const township = await admin.call('POST', '/api/admin/units', { parentId: '532326', name: `${tag}镇`, level: 'township' });
  expect(township.status).toBe(201);
  const village = await admin.call('POST', '/api/admin/units', { parentId: township.body.id, name: `${tag}村`, level: 'village' });
  expect(village.status).toBe(201);
  const person = async (suffix: string, name: string, role: string, unitId: unknown): Promise<OwnPerson> => {
    const username = `${tag}-${suffix}`;
    const added = await admin.call('POST', '/api/admin/users', { username, name, grants: [{ role, unitId }] });
    expect(added.status).toBe(201);
    const oneTime = added.body.oneTimePassword as string;
    const session = await httpLogin(url, '532326', username, oneTime);
    expect((await session.call('PUT', '/api/me/password', { current: oneTime, next: 'Field-Day-2027' })).status).toBe(204);
    return { ...session, id: (added.body.user as { id: string }).id, username };
  };
  return {
    villageId: village.body.id as string,
    cadre: await person('cadre', `${tag}村干部`, 'village_cadre', village.body.id),
    reviewer: await person('review', `${tag}审核人`, 'township_reviewer', township.body.id),
    second: await person('second', `${tag}副审核人`, 'township_reviewer', township.body.id),
  };
}

/** A relocation case of the village, registered by its cadre over the API (now at 乡镇审核) unless `registered` is false. */
export async function relocationCase(cadre: OwnPerson, villageId: string, registered = true): Promise<string> {
  const made = await cadre.call('POST', '/api/cases', { processId: 'relocation', orgUnitId: villageId });
  expect(made.status).toBe(201);
  const id = made.body.id as string;
  if (registered) expect((await cadre.call('POST', `/api/cases/${id}/events`, { type: 'SUBMIT', data: registration() }, { 'if-match': '1' })).status).toBe(200);
  return id;
}
