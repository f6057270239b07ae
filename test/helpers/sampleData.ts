import fc from 'fast-check';
import { idNumber } from './people';

type Schema = Record<string, unknown>;

/** A fast-check arbitrary of data that satisfies a form schema (the subset CountyFlow forms use). */
export function validData(schema: Schema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      const required = new Set((schema.required ?? []) as string[]);
      const entries = Object.entries(props).map(([k, s]) => [k, validData(s)] as const);
      return fc.record(Object.fromEntries(entries), { requiredKeys: [...required].filter((k) => k in props) });
    }
    case 'array': {
      const items = validData((schema.items ?? {}) as Schema);
      const min = (schema.minItems as number | undefined) ?? 0;
      const max = Math.min((schema.maxItems as number | undefined) ?? min + 4, min + 4);
      return schema.uniqueItems ? fc.uniqueArray(items, { minLength: min, maxLength: max, selector: (v) => JSON.stringify(v) }) : fc.array(items, { minLength: min, maxLength: max });
    }
    case 'boolean':
      return fc.boolean();
    case 'integer':
    case 'number': {
      const lo = (schema.minimum as number | undefined) ?? ((schema.exclusiveMinimum as number | undefined) ?? -1) + 1;
      const hi = Math.min((schema.maximum as number | undefined) ?? lo + 100_000, lo + 100_000);
      const step = (schema.multipleOf as number | undefined) ?? (schema.type === 'integer' ? 1 : 0.01);
      return fc.integer({ min: Math.ceil(lo / step), max: Math.floor(hi / step) }).map((n) => Math.round(n * step * 100) / 100);
    }
    case 'string': {
      switch (schema.format) {
        case 'date': return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
        case 'cn-id-card': return fc.integer({ min: 100, max: 999 }).map((n) => idNumber('532326', '19800101', String(n)));
        case 'cn-mobile': return fc.integer({ min: 0, max: 99_999_999 }).map((n) => `139${String(n).padStart(8, '0')}`);
        default: break;
      }
      if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern));
      const min = (schema.minLength as number | undefined) ?? 0;
      const max = Math.max(min, Math.min((schema.maxLength as number | undefined) ?? 20, 20));
      return fc.string({ unit: fc.constantFrom('村', '户', '搬', '迁', 'a', '1'), minLength: min, maxLength: max });
    }
    default:
      return fc.jsonValue();
  }
}
