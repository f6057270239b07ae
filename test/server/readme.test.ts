import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readmeWithTable } from '../../scripts/errorTable';

describe('README', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  it('lists every error code as the catalogue defines it (npx tsx scripts/errorTable.ts --write)', () => {
    expect(readme).toBe(readmeWithTable(readme));
  });
  it('documents every environment variable the server reads in its configuration section', () => {
    const server = join(import.meta.dirname, '../../server');
    const sources = readdirSync(server, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(server, f), 'utf8'));
    const read = new Set(sources.flatMap((text) => [...text.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((m) => m[1]!)));
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Architecture'));
    expect(read.size).toBeGreaterThan(20);
    expect([...read].filter((name) => !section.includes(`\`${name}\``))).toEqual([]);
  });
  it('has one row per variable in the configuration table (two rows of SEED_DEMO said different things)', () => {
    const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Architecture'));
    const names = [...section.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);
  });
  it('gives the two-command quick start', () => {
    expect(readme).toContain('npm install && npm start');
    expect(readme).toContain('npm test');
  });
});
