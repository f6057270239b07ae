import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeWithTable } from '../../scripts/errorTable';

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  it('lists every error code as the catalogue defines it (npx tsx scripts/errorTable.ts --write)', () => {
    expect(readme).toBe(readmeWithTable(readme));
  });
  it('gives the two-command quick start', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
