import { describe, expect, it } from 'vitest';
import { checkDefinition } from '../../engine/check/index';
import { importMachine } from '../../designer/src/author/flow/machineEdit';
import { pathAt, pointerSpans, spanOf } from '../../designer/src/author/json/jsonPositions';
import { keysAt } from '../../designer/src/author/json/schemaCompletion';
import { blankDefinition } from '../../designer/src/author/blank';
import { template } from '../helpers/definitions';

describe('the JSON view helpers', () => {
  it('finds the line of each checker problem from its JSON pointer', () => {
    const def = template('relocation');
    (def.machine.states!.townshipReview!.on as Record<string, unknown>).APPROVE = { target: 'nowhere' };
    const text = JSON.stringify(def, null, 2);
    const problem = checkDefinition(def).errors.find((p) => p.code === 'state-target-unknown')!;
    const span = spanOf(pointerSpans(text), problem.path)!;
    const line = text.slice(0, span.from).split('\n').length;
    expect(text.split('\n')[line - 1]).toContain('"APPROVE"');
    expect(text.slice(span.from, span.to)).toContain('nowhere');
  });

  it('knows where the cursor is in unfinished text and offers the keys the format allows there', () => {
    const text = '{\n  "id": "x",\n  "machine": {\n    "states": {\n      "a": {\n        "meta": { "';
    expect(pathAt(text, text.length)).toEqual({ path: ['machine', 'states', 'a', 'meta'], inKey: true });
    expect(keysAt(['machine', 'states', 'a', 'meta']).map((k) => k.key)).toEqual(expect.arrayContaining(['label', 'form', 'assignee', 'sla', 'outcome']));
    expect(keysAt([]).map((k) => k.key)).toEqual(expect.arrayContaining(['id', 'title', 'caseLevel', 'roles', 'forms', 'events', 'machine']));
    expect(keysAt(['events', 'SUBMIT']).map((k) => k.key)).toEqual(expect.arrayContaining(['label', 'kind', 'roles', 'onlyAssignee', 'data']));
    expect(pathAt('{ "title": "', 12).inKey).toBe(false);
  });

  it('imports a plain XState machine drawn elsewhere, declaring the events it uses for the author to finish', () => {
    const blank = blankDefinition('x-import', '导入', 'village', { role: 'village_cadre', level: 'village', label: '村委会经办人', kind: 'cadre', holders: 1 });
    const machine = template('relocation').machine;
    const d = importMachine(blank, JSON.parse(JSON.stringify(machine)));
    expect(d.machine).toEqual(machine);
    for (const ev of ['SUBMIT', 'APPROVE', 'RETURN', 'LOG_VISIT', 'SIGN', 'REFUSE']) expect(Object.hasOwn(d.events, ev)).toBe(true);
    // What is still missing (forms, roles for the new events) is reported, not silently accepted.
    expect(checkDefinition(d).errors.length).toBeGreaterThan(0);
  });
});
