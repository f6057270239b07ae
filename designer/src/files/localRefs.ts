/** References to files still on the phone (taken without signal): `local-…` ids until uploaded. */
import type { FileRef } from '../../../engine/index';

/** True for a reference to a file still on the phone. */
export const isLocal = (ref: unknown): boolean => typeof (ref as FileRef | null)?.id === 'string' && (ref as FileRef).id.startsWith('local-');

/** True when a submission holds files still on the phone. */
export function hasWaiting(data: unknown): boolean {
  if (isLocal(data)) return true;
  if (Array.isArray(data)) return data.some(hasWaiting);
  return Boolean(data && typeof data === 'object' && Object.values(data).some(hasWaiting));
}
