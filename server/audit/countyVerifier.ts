/**
 * The audit check the API runs (GET /api/audit/verify), kept from becoming a denial of service:
 * a county is verified once at a time (a second caller shares the running check's answer), and
 * from the newest checkpoint a full check has found consistent, forward. Any disagreement on that
 * short walk falls back to the full check, which names the first event that differs.
 * `countyflow audit verify` always runs the full check (auditChain).
 */
import type { Db } from '../db/open';
import { auditChain, type AuditReport, type AuditSources } from './auditChain';
import { type Checkpoint, latestCheckpoint } from './checkpoint';
import { verifyChain } from './verifyChain';

/** An audit report, with the time of the checkpoint the walk started from when it did not start at the first event. */
export interface CountyVerifyReport extends AuditReport {
  since?: string;
}

/** Returns `verify(db, county)`, which runs at most one check per county at a time and remembers each county's verified checkpoint. */
export function countyVerifier(sources: Required<Pick<AuditSources, 'checkpointDir' | 'auditKeyFile'>>) {
  const running = new Map<string, Promise<CountyVerifyReport>>();
  // The checkpoint a full check of the county found signed and consistent, as it was then (not re-read from its file).
  const verified = new Map<string, Checkpoint>();

  const check = async (db: Db, county: string): Promise<CountyVerifyReport> => {
    const cp = latestCheckpoint(sources.checkpointDir, county);
    const known = verified.get(county);
    if (known && cp?.signature === known.signature) {
      const since = await db.run(county, (k) => verifyChain(k, county, known.lanes));
      if (since.ok) return { ...since, since: known.at, checkpoint: { at: known.at, events: known.events, ok: true } };
    }
    const full = await db.run(county, (k) => auditChain(k, county, sources));
    if (cp && full.ok && full.checkpoint?.ok) verified.set(county, cp);
    else verified.delete(county);
    return full;
  };

  return (db: Db, county: string): Promise<CountyVerifyReport> => {
    const current = running.get(county);
    if (current) return current;
    const run = check(db, county).finally(() => running.delete(county));
    running.set(county, run);
    return run;
  };
}
