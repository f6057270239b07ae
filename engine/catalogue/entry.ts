import type { FormulaEnv, FormulaType } from '../formula/index';
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

/** Helpers a guard may call: other guards by reference, compiled JSON Schemas, formulas. */
export interface GuardTools {
  evaluate(ref: CatalogueRef, context: CaseContext, event: RunEvent): boolean;
  test(schema: object, value: unknown): boolean;
  /** What a formula may see in this call: the case data, the submitted data, the engine's now, the county calendar, the budget. */
  formulaEnv(context: CaseContext, event: RunEvent): FormulaEnv;
  /** Records the author's message for a refusal, shown instead of the generic one if the event is refused. */
  refuse(message: string): void;
}

/** Helpers an action may call. */
export interface ActionTools {
  formulaEnv(context: CaseContext, event: RunEvent): FormulaEnv;
}

/** A param holding a formula (`expr`, a row's id), which the checker type-checks at its place; `result` is what it must give. */
export interface FormulaParam {
  param: string;
  result?: FormulaType;
}

/** A named condition; params are JSON, checked by `params`. */
export interface GuardEntry {
  name: string;
  summary: string;
  params: object;
  example: CatalogueRef;
  /** Dot paths of case data the guard reads (for the checker). */
  reads(params: Record<string, unknown>): string[];
  /** Its params that are formulas. */
  formulas?: FormulaParam[];
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
  /** Its params that are formulas. */
  formulas?: FormulaParam[];
  update?(context: CaseContext, event: RunEvent, params: Record<string, unknown>, tools: ActionTools): CaseContext;
  /** The value the update adds to the case, measured against the budget's data size. */
  written?(event: RunEvent, params: Record<string, unknown>): unknown;
  effect?(context: CaseContext, params: Record<string, unknown>): Effect;
}

/** JSON Schema for a dot path into case data. */
export const dataPathSchema = { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)*$' } as const;
