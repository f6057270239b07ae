import type { CaseSnapshot, RejectionCode } from './types';

/** 改派加签: every 加签 still addressed to one person (who left) goes to another; system only (the administrator checks the other may see the case). */
export const REASSIGN_SIGNER_EVENT = 'cf.reassignSigner';

/** The snapshot where the 加签 addressed to `data.from` are addressed to `data.to` (and what waited on one waits on the other), or why it is refused. */
export function reassignedSigner(snapshot: CaseSnapshot, data: unknown): CaseSnapshot | RejectionCode {
  const d = data as { from?: unknown; to?: unknown } | undefined;
  if (typeof d?.from !== 'string' || typeof d.to !== 'string' || !d.from || !d.to || d.from === d.to) return 'invalid-data';
  const { from, to } = d as { from: string; to: string };
  const swap = (list: readonly string[]) => [...new Set(list.map((w) => (w === from ? to : w)))];
  const steps = Object.entries(snapshot.added ?? {}).filter(([, who]) => who.includes(from));
  if (!steps.length) return 'not-allowed-in-state';
  const added = { ...snapshot.added };
  for (const [step, who] of steps) added[step] = swap(who);
  const next: CaseSnapshot = { ...snapshot, added };
  if (snapshot.waitFor) {
    next.waitFor = Object.fromEntries(Object.entries(snapshot.waitFor).map(([step, waits]) => [
      step, Object.fromEntries(Object.entries(waits).map(([approver, on]) => [approver === from ? to : approver, swap(on)])),
    ]));
  }
  return next;
}
