import type { CaseContext, CatalogueRef, Effect } from '../types';

/** The event as the catalogue sees it: the user's data plus inputs the engine adds. */
export interface RunEvent {
  type: string;
  data?: unknown;
  /** The form the data was validated against, if any. */
  formId?: string;
  /** Milliseconds since the epoch: time is an input, never read from a clock. */
  now: number;
  actorId: string;
  actorName: string;
}

/** Helpers a guard may call: other guards by reference, and compiled JSON Schemas. */
export interface GuardTools {
  evaluate(ref: CatalogueRef, context: CaseContext, event: RunEvent): boolean;
  test(schema: object, value: unknown): boolean;
}

/** A named condition; params are JSON, checked by `params`. */
export interface GuardEntry {
  name: string;
  summary: string;
  params: object;
  example: CatalogueRef;
  /** Dot paths of case data the guard reads (for the checker). */
  reads(params: Record<string, unknown>): string[];
  evaluate(context: CaseContext, event: RunEvent, params: Record<string, unknown>, tools: GuardTools): boolean;
}

/** A named action: either updates the case context, or produces an effect for the server. */
export interface ActionEntry {
  name: string;
  summary: string;
  params: object;
  example: CatalogueRef;
  reads(params: Record<string, unknown>): string[];
  /** Dot paths of case data the action writes; `*` in a path stands for every row. */
  writes(params: Record<string, unknown>): string[];
  update?(context: CaseContext, event: RunEvent, params: Record<string, unknown>): CaseContext;
  /** The value the update adds to the case, measured against the budget's data size. */
  written?(event: RunEvent, params: Record<string, unknown>): unknown;
  effect?(context: CaseContext, params: Record<string, unknown>): Effect;
}

/** JSON Schema for a dot path into case data. */
export const dataPathSchema = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)*$' } as const;
