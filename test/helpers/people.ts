import { idCheckDigit } from '../../engine/formats';
import type { Actor, Grant } from '../../engine/types';

/** A valid resident ID number for the region code, birth date and sequence (check digit computed). */
export function idNumber(region = '532326', birth = '19800101', seq = '001'): string {
  const body = `${region}${birth}${seq}0`.slice(0, 17);
  return body + idCheckDigit(body);
}

/** An actor holding one role at the unit path. */
export function actor(id: string, role: string, unitPath: string[], level: Grant['level']): Actor {
  return { id, name: id, grants: [{ role, unitPath, level }] };
}

export const VILLAGE = ['dayao', 'jinbi', 'xiaokangyuan'];
export const cadre = actor('cadre', 'village_cadre', VILLAGE, 'village');
export const townshipReviewer = actor('township', 'township_reviewer', VILLAGE.slice(0, 2), 'township');
export const countyOffice = actor('county', 'county_office', VILLAGE.slice(0, 1), 'county');
export const otherTownship = actor('other', 'township_reviewer', ['dayao', 'tanhua'], 'township');

/** A complete, valid registration form. */
export const registration = () => ({
  householder: '李明华',
  idNumber: idNumber(),
  members: [
    { name: '李明华', idNumber: idNumber(), relation: '户主' },
    { name: '张桂英', idNumber: idNumber('532326', '19820315', '002'), relation: '配偶' },
  ],
  registeredPoor: true,
  dwelling: '土木结构危房',
  reasons: ['地质灾害隐患'],
  partyMemberHousehold: false,
});
