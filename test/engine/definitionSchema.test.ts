import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { definitionSchema } from '../../engine/definitionSchema';
import { definitionsDir } from '../helpers/definitions';

describe('definition.schema.json', () => {
  it('is what engine/definitionSchema.ts was generated from (run node scripts/gen-schema-ts.mjs)', () => {
    const json = JSON.parse(readFileSync(join(definitionsDir, 'definition.schema.json'), 'utf8'));
    expect(definitionSchema).toEqual(json);
  });
});
