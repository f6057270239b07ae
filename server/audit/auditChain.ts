import { existsSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { type Checkpoint, checkpointProblem, compareWithCheckpoint, latestCheckpoint, loadSigningKey } from './checkpoint';
import { type ChainReport, verifyChain } from './verifyChain';

/** What an audit found: the chain against itself, then against a signed checkpoint when there is one. */
export interface AuditReport extends ChainReport {
  checkpoint?: { at: string; events: number; ok: boolean; problem?: string };
}

/** Where the checkpoint and the key to trust come from: the server's own files, or what an auditor brings. */
export interface AuditSources {
  /** A checkpoint the auditor kept; else the newest in `checkpointDir`. */
  checkpoint?: unknown;
  checkpointDir?: string;
  /** The public key checkpoints must be signed with; else the server's own key file. */
  trustedKey?: KeyObject;
  auditKeyFile?: string;
}

/**
 * Audits a county's chain: first against itself (edited, deleted, reordered rows), then, when a
 * checkpoint is given or one was written, against it (a chain recomputed after an edit).
 */
export async function auditChain(k: Kysely<Database>, county: string, sources: AuditSources): Promise<AuditReport> {
  const own = await verifyChain(k, county);
  const cp = sources.checkpoint ?? (sources.checkpointDir ? latestCheckpoint(sources.checkpointDir, county) : undefined);
  if (!cp || !own.ok) return own;
  const trusted = sources.trustedKey ?? (sources.auditKeyFile && existsSync(sources.auditKeyFile) ? loadSigningKey(sources.auditKeyFile).publicKey : undefined);
  const c = cp as Checkpoint;
  const problem = trusted ? checkpointProblem(cp, county, trusted) : '找不到签名密钥，无法确认检查点';
  if (problem) return { ...own, ok: false, checkpoint: { at: String(c.at ?? ''), events: Number(c.events ?? 0), ok: false, problem } };
  const against = await compareWithCheckpoint(k, c);
  return { ...(against.ok ? own : { ...against, events: own.events }), checkpoint: { at: c.at, events: c.events, ok: against.ok } };
}
