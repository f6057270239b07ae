import type { FromSchema } from 'json-schema-to-ts';
import type { definitionTypingSchema } from './definitionSchema';

type FlatStateNode = FromSchema<typeof definitionTypingSchema.$defs.stateNode>;
type FlatDefinition = FromSchema<typeof definitionTypingSchema>;

/** One state of the flow: an XState v5 state node config in JSON. */
export type StateNodeConfig = Omit<FlatStateNode, 'states'> & { states?: Record<string, StateNodeConfig> };

/** A process definition as authored (the merged result when it extends a template). */
export type Definition = Omit<FlatDefinition, 'machine'> & {
  machine: Omit<FlatDefinition['machine'], 'states'> & { states: Record<string, StateNodeConfig> };
};

/** The org levels a role or a case may sit at, top to bottom. */
export type Level = Definition['caseLevel'];

/** A guard or action reference: a catalogue name with JSON params. */
export type CatalogueRef = string | { type: string; params?: Record<string, unknown> };

/** A role held by a user at an org unit; it covers the unit's subtree. */
export interface Grant {
  role: string;
  /** Ids of the org units from the county root down to the unit the role is held at. */
  unitPath: readonly string[];
  level: Level;
}

/** Who sends an event. */
export interface Actor {
  id: string;
  name?: string;
  grants: readonly Grant[];
}

/** The case's data and engine bookkeeping, kept in the XState context. */
export interface CaseContext {
  data: Record<string, unknown>;
  /** Due instants (ISO) of the SLAs of the states currently active, keyed by state id. */
  due: Record<string, string>;
  /** States whose due instant counts working days past the end of the holiday calendar: approximate (holidays unknown). */
  dueApprox?: Record<string, true>;
  children: { total: number; done: number };
}

/** A stored case snapshot: plain JSON, XState's persisted snapshot. */
export interface CaseSnapshot {
  status: 'active' | 'done' | 'error' | 'stopped';
  value: StateValue;
  context: CaseContext;
  historyValue?: Record<string, unknown>;
  children?: Record<string, unknown>;
  output?: unknown;
  error?: unknown;
  /** Approvals given so far in steps decided by several approvers: step (XState id) → user ids. */
  votes?: Record<string, string[]>;
  /** Steps a person has taken on (认领, or 转办 to them): step (XState id) → user id; only they act there. */
  claims?: Record<string, string>;
  /** People added to a step's decision (加签): step (XState id) → user ids; each must approve too. */
  added?: Record<string, string[]>;
  /** 加签 before oneself: step → the person who added → those whose approval must come first. */
  waitFor?: Record<string, Record<string, string[]>>;
  /** 联审 across departments: step (XState id) → who has signed for each department (by its role), and the departments done. */
  countersigns?: Record<string, { signed: Record<string, string[]>; done: string[] }>;
}

/** XState state value: a state name, or an object for nested and parallel states. */
export type StateValue = string | { [key: string]: StateValue };

/** An event sent by a user or fed back by the server (timers, child cases). */
export interface CaseEvent {
  type: string;
  data?: unknown;
}

/** What the server must do after saving a transition, in the same database transaction. */
export type Effect =
  | { type: 'schedule'; timerId: string; event: { type: string }; dueAt: string }
  | { type: 'cancel'; timerId: string }
  | { type: 'spawn'; processId: string; items: Record<string, unknown>[] }
  | { type: 'notify'; roles: string[]; message: string };

/** A field-level problem in submitted data, with a Chinese message naming the field. */
export interface FieldError {
  /** JSON pointer into the submitted data. */
  path: string;
  /** The field's title chain, e.g. 家庭成员 › 第 2 项 › 身份证号. */
  field: string;
  message: string;
}

/** Why the engine refused an event. Every refusal has one of these codes. */
export type RejectionCode =
  | 'unknown-event'
  | 'forbidden-role'
  | 'not-allowed-in-state'
  | 'condition-not-met'
  | 'invalid-data'
  | 'case-closed'
  | 'invalid-snapshot'
  | 'over-budget'
  | 'already-approved'
  | 'claimed-by-other'
  | 'waiting-for-signer'
  | 'not-their-turn'
  | 'too-large'
  | 'formula-error';

/** A typed refusal: nothing changed. */
export interface Rejection {
  code: RejectionCode;
  message: string;
  details: FieldError[];
}

/** A holiday calendar: dates (YYYY-MM-DD, local) off work, and weekend dates that are make-up workdays. */
export interface Calendar {
  id: string;
  timeZoneOffsetMinutes: number;
  holidays: readonly string[];
  workdays: readonly string[];
  /** The last year whose holidays are known, when a county's own days reach further (else the last year listed). */
  coveredThrough?: number;
}
