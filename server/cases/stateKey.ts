import type { StateValue } from '../../engine/index';

/** A state value as text for lists and filters: active leaves as dotted paths, comma-joined (`publicising.running`). */
export function stateKey(value: StateValue): string {
  if (typeof value === 'string') return value;
  return Object.entries(value)
    .map(([k, v]) => (typeof v === 'string' ? `${k}.${v}` : stateKey(v).split(',').map((leaf) => `${k}.${leaf}`).join(',')))
    .join(',');
}
