/**
 * The engine's public entry: what the server, the browser, scripts and benchmarks may use.
 * Everything else in engine/ is internal (the lint rule keeps it so); tests may reach in.
 * The package is marked free of side effects, so a page that imports one helper from here
 * bundles only that helper.
 */
export type * from './types';
export { actionEntries } from './catalogue/actions';
export { guardEntries, schemaReads } from './catalogue/guards';
export { actions, findAction, findGuard, guards, type ActionEntry, type GuardEntry, type GuardTools, type RunEvent } from './catalogue/index';
export { BUDGET } from './budget';
export { caseRecords, type ComputedValue, type FormPlace, type RecordColumn, type RecordList, valueKind } from './caseRecords';
export { beyondCalendar, calendarOf, calendars, lastYearOf } from './calendars';
export { checkDefinition, checkSource, locate, problemCatalogue, type CheckOptions, type CheckReport, type Problem, type ProblemCode, type ReviewerGate, type Severity } from './check/index';
export { isVariation, maxDepth, type Variation } from './check/source';
export { compile, compileReference, compileUnmetered, defaultCalendar, DefinitionError, type CompiledForm, type CompiledProcess, type StateInfo } from './compile';
export { canonicalJson, contentHash } from './contentHash';
export { getPath, setPath } from './dataPath';
export { definitionSchema } from './definitionSchema';
export { fieldLabel, plainMessage, toFieldErrors, unknownFieldErrors } from './fieldErrors';
export { applyComputedFields, caseTitleOf, ComputedFieldOverrun, computedReadonly, evaluateFormula, uniqueKeyOf, formulaFunctions, formulaHolds, hasComputedFields, parseFormula, type FormulaEnv } from './formula/index';
/** A case's short number (the first 8 characters of its id, in capitals) and the name of a case whose title has nothing to show yet (the process's name and that number): one spelling for the server and the web app. */
export { shortNumber, untitledCase } from './formula/index';
export { configureFormAjv, createFormAjv, FORM_AJV_OPTIONS, type ErrorObject, type ValidateFunction } from './formAjv';
export { withFormLimits } from './formLimits';
export { caseFieldTitles } from './returnField';
/** Rows by their ids: the id of a stored row (a row kept from before ids: its place), a voided row; the rows a case's saved forms pick (the entry a return sent back), and a form's row pickers. */
export { isVoided, rowIdAt } from './rows';
export { pickedRows, type PickedRow, rowPickers } from './rowPicks';
export { cnFormats, idCheckDigit } from './formats';
export { applyMergePatch, diffMergePatch } from './mergePatch';
export { mayAct, rolesInStep, startRolesOf } from './rights';
export { actionList, DEFAULT_MACHINE_ID, machineIdOf, pathKey, resolveTarget, stateKey, walkMachine, walkStates, walkTransitions, type WalkedState, type WalkedTransition } from './stateWalk';
/** Personal information: which fields hold it (formats cn-id-card, cn-mobile, cn-phone; `"personal": true`) and how it is masked; one rule for server and browser. */
export { maskCaseData, maskedData, maskEventData, maskPersonal, personalFieldAt, personalFields, personalKind, personalTexts, titleIsPersonal, type MaskedValue, type PersonalField, type PersonalKind } from './personal';
export { type OrderedStep, progressOf, type ProgressStep, stepOrder } from './stepOrder';
export { type Ballot } from './approval';
/** 联审 across departments: each department's rule and turn, and where a case's countersign stands (the case page). */
export { type CountersignRule, type CountersignView, type Department, type DepartmentHolders, type DepartmentView } from './countersign';
export { ADD_SIGNER_EVENT, availableEvents, caseProgress, countersignsNow, currentCountersign, eventsFor, eventsForOthers, CLAIM_EVENT, COPY_EVENT, currentBallot, currentSteps, RELEASE_EVENT, TRANSFER_EVENT, WITHDRAW_EVENT, dueAtOf, REJECTION_MESSAGES, startCase, transition, type Accepted, type Rejected, type TransitionOptions, type TransitionResult } from './transition';
export { acceptedTypes, FILE_REF_PROPERTIES, type FileFieldSpec, type FileRef, fileRefsIn, hasFileFields, isFileField } from './files';
export { calendarStatus, calendarYearProblems, layerCalendar, RECALENDAR_EVENT, refreshedDeadlines, type CalendarStatus, type CalendarYear, type RecalendarData } from './recalendar';
export { type StepLimits } from './stepLimits';
export { REASSIGN_SIGNER_EVENT } from './reassignSigner';
