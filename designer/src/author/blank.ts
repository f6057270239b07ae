/** A new process from nothing: one form, one step that fills it, and an end — the smallest flow that passes the checker. */
import type { Definition, Level } from '../../../engine/index';
import { t } from '../i18n';

/** A role the county's users hold (GET /api/county-roles). */
export interface CountyRole { role: string; level: Level; label: string; kind: 'cadre' | 'reviewer' | 'supervisor'; holders: number }

export function blankDefinition(id: string, title: string, caseLevel: Level, starter: CountyRole): Definition {
  return {
    id, title, description: '', caseLevel,
    roles: { [starter.role]: { label: starter.label, level: starter.level, kind: starter.kind } },
    forms: { apply: { title: t('blank.applicationForm'), schema: { type: 'object', properties: {} } } },
    events: { SUBMIT: { label: t('blank.submit'), kind: 'submit', roles: [starter.role], data: 'step' } },
    machine: {
      id: id.replace(/-/g, '_'),
      initial: 'filling',
      states: {
        filling: { meta: { label: t('blank.fillInTheApplication'), form: 'apply', assignee: starter.role }, on: { SUBMIT: { target: 'done', actions: [{ type: 'save' }] } } },
        done: { type: 'final', meta: { label: t('blank.closed'), outcome: 'completed' } },
      },
    },
  } as Definition;
}
