import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** What signing in reads of an account, by county and username; undefined when there is none. */
export function signInAccount(k: Kysely<Database>, county: string, username: string) {
  return k.selectFrom('users').select(['id', 'password_hash', 'active', 'must_change_password', 'password_expires_at', 'failed_logins', 'login_after'])
    .where('county_id', '=', county).where('username', '=', username).executeTakeFirst();
}

/** Counts a failed sign-in: `failures` in a row, and the account waits until `loginAfter` (null: it need not wait). */
export async function recordFailedSignIn(k: Kysely<Database>, county: string, userId: string, failures: number, loginAfter: Date | null): Promise<void> {
  await k.updateTable('users').set({ failed_logins: failures, login_after: loginAfter })
    .where('county_id', '=', county).where('id', '=', userId).execute();
}

/** Forgets an account's failed sign-ins (it has signed in). */
export async function clearFailedSignIns(k: Kysely<Database>, county: string, userId: string): Promise<void> {
  await k.updateTable('users').set({ failed_logins: 0, login_after: null }).where('county_id', '=', county).where('id', '=', userId).execute();
}

/** An account's password hash and phone (what a new password is checked against); the account must exist. */
export function passwordAndPhone(k: Kysely<Database>, county: string, userId: string) {
  return k.selectFrom('users').select(['password_hash', 'phone']).where('county_id', '=', county).where('id', '=', userId).executeTakeFirstOrThrow();
}

/**
 * Sets an account's password hash, its failed sign-ins forgotten: one the person chose, or a
 * one-time password that must be changed at the next sign-in and lapses at `expiresAt`.
 */
export async function setPassword(k: Kysely<Database>, county: string, userId: string, password: { hash: string; mustChange: boolean; expiresAt: Date | null }): Promise<void> {
  await k.updateTable('users').set({ password_hash: password.hash, must_change_password: password.mustChange, password_expires_at: password.expiresAt, failed_logins: 0, login_after: null })
    .where('county_id', '=', county).where('id', '=', userId).execute();
}
