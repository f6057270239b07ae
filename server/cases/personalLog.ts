import type { Kysely } from 'kysely';
import { appendLogEntry, type LogPage, readLog } from '../audit/countyLog';
import type { Database } from '../db/schema';
import type { UserActor } from '../rights';

/** The chain entries of who saw personal information in full (查看完整) and who exported ledgers are kept under this id, not a case's. */
export const PERSONAL_LOG = '~personal';

/** One access to personal information: a value revealed on a case, or a ledger exported. Never the value itself. */
export type PersonalAccess =
  | { kind: 'reveal'; caseId: string; caseTitle: string; processId: string; path: string; field: string }
  | { kind: 'export'; processId: string; processTitle: string; format: 'xlsx' | 'csv'; filename: string };

/** One entry of the record, newest first: who, when, and what. */
export type PersonalAccessEntry = PersonalAccess & { seq: number; at: string; actor: string };

/** Records an access in the county's tamper-evident chain (in the caller's transaction). */
export async function recordPersonalAccess(k: Kysely<Database>, actor: UserActor, access: PersonalAccess, now: Date): Promise<void> {
  const { kind, ...what } = access;
  await appendLogEntry(k, actor.county, PERSONAL_LOG, actor, `personal.${kind}`, what, now);
}

/** The county's record of accesses to personal information, newest first (read from the chain itself), a page at a time. */
export async function personalAccessLog(k: Kysely<Database>, county: string, page: LogPage): Promise<PersonalAccessEntry[]> {
  return (await readLog(k, county, PERSONAL_LOG, page)).map((r) => ({ ...(r.data as object), kind: r.type.replace(/^personal\./, ''), seq: r.seq, at: r.at, actor: r.actor }) as PersonalAccessEntry);
}

/** The roles that may read the record, held at the county itself: the administrator and the auditors. */
const PERSONAL_LOG_ROLES: readonly string[] = ['admin', 'auditor'];

/** True when the actor is the county's administrator or one of its auditors. */
export const mayReadPersonalLog = (actor: UserActor) => actor.grants.some((g) => PERSONAL_LOG_ROLES.includes(g.role) && g.unitPath.length === 1);
