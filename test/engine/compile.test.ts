import { describe, expect, it } from 'vitest';
import { compile, DefinitionError } from '../../engine/compile';
import { template } from '../helpers/definitions';

describe('compile', () => {
  it('returns the same frozen compiled process for the same content', () => {
    const a = compile(template('relocation'));
    const b = compile(template('relocation'));
    expect(b).toBe(a);
    expect(Object.isFrozen(a.definition.machine.states)).toBe(true);
  });

  it('compiles changed content anew', () => {
    const changed = template('relocation');
    changed.title = '易地扶贫搬迁动员（试点）';
    expect(compile(changed)).not.toBe(compile(template('relocation')));
  });

  it('throws a DefinitionError naming the form when a schema does not compile', () => {
    const broken = template('relocation');
    (broken.forms.register!.schema as Record<string, unknown>).type = 'objekt';
    expect(() => compile(broken)).toThrow(DefinitionError);
  });
});
