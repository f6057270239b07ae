/** The case page's reply (GET /api/cases/:id), shared by the case page and its printed form. */
import type { UiSchema } from '@rjsf/utils';
import type { PickedRow, ProgressStep, RecordColumn } from '../../engine/index';
import type { CaseView } from './api';

/** A form as the case's reply describes it. */
export interface CaseFormDef {
  title: string;
  schema: { properties?: Record<string, { title?: string }> } & object;
  uiSchema?: UiSchema;
  print?: boolean;
  signatures?: string[];
}
/** GET /api/cases/:id: a case with what the caller may do on it. */
export interface CaseDetail {
  case: CaseView;
  process: { id: string; title: string; version: number; caseTitle?: string };
  steps: { label: string; form: string | null; assigneeLabel: string | null; final: boolean }[];
  progress: ProgressStep[];
  canWithdraw: boolean;
  claimedBy: string | null;
  canAddSigner: boolean;
  canClaim: boolean;
  transferTo: { id: string; name: string }[];
  copyTo: { id: string; name: string }[];
  /** Where the vote of a step several approvers decide stands. */
  ballot: { label: string; mode: 'all' | 'any' | 'ratio' | 'one'; needed: number; approved: string[]; waiting: string[] } | null;
  /** Where a countersign by several departments (联审) stands, department by department (names of who signed and who is awaited). */
  countersign: {
    label: string; order: 'sequential' | 'parallel';
    departments: { label: string; mode: 'all' | 'any' | 'ratio'; status: 'signed' | 'due' | 'later'; needed: number; signed: string[]; waiting: string[] }[];
  } | null;
  form: (CaseFormDef & { id: string }) | null;
  forms: Record<string, CaseFormDef>;
  events: { type: string; label: string; kind: string; form?: string }[];
  doneForms: (CaseFormDef & { id: string })[];
  /** Personal values shown masked (the caller is not on the case's step); each may be shown in full, which is recorded. */
  personal?: { path: string; title: string; masked: string }[];
  records?: {
    /** The lists appends grow (`form`: the form whose submissions they are), each row with its id (`_id`; a row kept from before ids: its place). */
    lists: { path: string; title: string; form?: string; columns: RecordColumn[]; rows: Record<string, unknown>[] }[];
    computed: { path: string; label: string; value: unknown }[];
    /** The rows the case's saved forms pick (退回这一条: the entry a return sent back); absent from a reply the phone kept from before rows were picked. */
    picked?: PickedRow[];
  };
}
