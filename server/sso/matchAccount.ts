import type { Db } from '../db/open';
import { SsoRefusal } from './oidcClient';
import type { SsoProvider } from './ssoProviders';

/** A mainland mobile number as users.phone keeps it (11 digits), from `+86 138-1234-5678` and the like; null when it is none. */
export function mobileNumber(claim: string): string | null {
  const digits = claim.replace(/[\s()-]/g, '').replace(/^(\+?86)(?=1\d{10}$)/, '');
  return /^1[3-9]\d{9}$/.test(digits) ? digits : null;
}

/**
 * The active account the provider's claims name, by the claim the county configured. Sign-on only
 * finds an account: it never creates one or grants a role. Throws SsoRefusal when no single
 * account matches (CF_SSO_UNKNOWN_PERSON) or the account is deactivated (CF_ACCOUNT_DISABLED).
 */
export async function matchAccount(db: Db, provider: SsoProvider, claims: Record<string, unknown>): Promise<{ id: string }> {
  const value = claims[provider.claim];
  const shown = `${provider.claim}=${typeof value === 'string' ? value : JSON.stringify(value ?? null)}`;
  if (typeof value !== 'string' || !value) throw new SsoRefusal('CF_SSO_UNKNOWN_PERSON', `${shown}（平台没有给出）`);
  // A phone number the platform has not verified could be anyone's.
  if (provider.claim === 'phone_number' && claims.phone_number_verified === false) throw new SsoRefusal('CF_SSO_UNKNOWN_PERSON', `${shown}（平台未核验）`);
  const phone = provider.claim === 'phone_number' ? mobileNumber(value) : null;
  if (provider.claim === 'phone_number' && !phone) throw new SsoRefusal('CF_SSO_UNKNOWN_PERSON', `${shown}（不是手机号）`);
  const county = provider.county;
  const users = await db.run(county, (k) => {
    const q = k.selectFrom('users').select(['id', 'active']).where('county_id', '=', county);
    return (phone ? q.where('phone', '=', phone) : q.where('username', '=', value)).limit(20).execute();
  });
  // A number handed on to a successor: the one active account is the person signing in.
  const active = users.filter((u) => u.active);
  const [user] = active;
  if (!users.length) throw new SsoRefusal('CF_SSO_UNKNOWN_PERSON', `${shown}（本县没有这个人员）`);
  if (!user) throw new SsoRefusal('CF_ACCOUNT_DISABLED', `${shown}（已停用）`, users[0]!.id);
  if (active.length > 1) throw new SsoRefusal('CF_SSO_UNKNOWN_PERSON', `${shown}（本县有多个人员）`);
  return { id: user.id };
}
