import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogueDoc } from '../../scripts/catalogueDoc';

describe('docs/catalogue.md', () => {
  it('documents every guard, action and problem code as the code defines them (npx tsx scripts/catalogueDoc.ts --write)', () => {
    expect(readFileSync(new URL('../../docs/catalogue.md', import.meta.url), 'utf8')).toBe(catalogueDoc());
  });
});

describe('catalogue examples', () => {
  it('each example satisfies its own params schema', async () => {
    const { default: Ajv2020 } = await import('ajv/dist/2020.js');
    const { actionEntries } = await import('../../engine/catalogue/actions');
    const { guardEntries } = await import('../../engine/catalogue/guards');
    const ajv = new Ajv2020({ strict: false });
    for (const entry of [...guardEntries, ...actionEntries]) {
      const params = typeof entry.example === 'string' ? {} : (entry.example.params ?? {});
      expect(ajv.validate(entry.params, params), `${entry.name}: ${ajv.errorsText()}`).toBe(true);
    }
  });
});
