/**
 * A case started without signal: the engine (the same public entry the server runs) starts it
 * on the phone from the kept process definition, to know its first step's form and the action
 * that submits it. The server starts it for real when the outbox is sent.
 */
import { availableEvents, compile, currentSteps, type Definition, startCase } from '../../../engine/index';
import { api, type Me } from '../api';

interface Unit { id: string; name: string; level: string; path: string }

/** What the case page needs to show a case started offline: its process, first form and submit action. */
export interface LocalStart {
  processTitle: string;
  /** What names a case of the process (the definition's caseTitle), for naming it in the outbox. */
  caseTitle?: string;
  stepLabel: string;
  form: { id: string; title: string; schema: object; uiSchema?: object } | null;
  event: { type: string; label: string } | null;
}

/** Runs a case's start on the phone; null when the kept definition or unit is missing. */
export async function localStart(me: Me, processId: string, orgUnitId: string): Promise<LocalStart | null> {
  const [kept, units] = await Promise.all([
    api<{ definition: Definition }>('GET', `/api/processes/${processId}`).catch(() => null),
    api<Unit[]>('GET', '/api/org-units').catch(() => [] as Unit[]),
  ]);
  const unit = units.find((u) => u.id === orgUnitId);
  if (!kept || !unit) return null;
  const paths = new Map(units.map((u) => [u.id, u.path.split('/')]));
  const actor = { id: me.id, grants: me.grants.map((g) => ({ role: g.role, level: g.level, unitPath: paths.get(g.unitId) ?? [g.unitId] })) } as Parameters<typeof startCase>[1]['actor'];
  const compiled = compile(kept.definition);
  const unitPath = unit.path.split('/');
  const started = startCase(compiled, { now: Date.now(), actor, unitPath });
  if (!started.ok) return null;
  const step = currentSteps(compiled, started.snapshot).find((s) => s.form) ?? currentSteps(compiled, started.snapshot)[0];
  const formId = step?.form;
  const form = formId ? { id: formId, ...kept.definition.forms[formId]! } : null;
  const event = availableEvents(compiled, started.snapshot, actor, unitPath).find((e) => e.form === formId) ?? null;
  return { processTitle: kept.definition.title, ...(kept.definition.caseTitle ? { caseTitle: kept.definition.caseTitle } : {}), stepLabel: step?.label ?? '', form, event: event && { type: event.type, label: event.label } };
}
