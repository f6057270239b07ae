/** A new process from nothing: one form, one step that fills it, and an end — the smallest flow that passes the checker. */
import type { Definition, Level } from '../../../engine/index';

/** A role the county's users hold (GET /api/county-roles). */
export interface CountyRole { role: string; level: Level; label: string; kind: 'cadre' | 'reviewer' | 'supervisor'; holders: number }

export function blankDefinition(id: string, title: string, caseLevel: Level, starter: CountyRole): Definition {
  return {
    id, title, description: '', caseLevel,
    roles: { [starter.role]: { label: starter.label, level: starter.level, kind: starter.kind } },
    forms: { apply: { title: '申请表', schema: { type: 'object', properties: {} } } },
    events: { SUBMIT: { label: '提交', kind: 'submit', roles: [starter.role], data: 'step' } },
    machine: {
      id: id.replace(/-/g, '_'),
      initial: 'filling',
      states: {
        filling: { meta: { label: '填写申请', form: 'apply', assignee: starter.role }, on: { SUBMIT: { target: 'done', actions: [{ type: 'save' }] } } },
        done: { type: 'final', meta: { label: '办结', outcome: 'completed' } },
      },
    },
  } as Definition;
}
