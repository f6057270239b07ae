import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSource } from '../../engine/index';
import type { Variation } from '../../engine/index';
import type { Definition, Level } from '../../engine/index';
import { definitionsRoot, templateFinder } from '../definitionFiles';

/** An org unit in a county file, with its children. */
export interface UnitSpec {
  id: string;
  name: string;
  level: Level;
  children?: UnitSpec[];
}

/** A county folder's county.json: the county, its org tree, its demo users. */
export interface CountySpec {
  code: string;
  name: string;
  region?: string;
  units: UnitSpec[];
  users: { username: string; name: string; grants: { role: string; unit: string }[] }[];
}

/** Every county folder under definitions/counties. */
export function countyCodes(root = definitionsRoot): string[] {
  const dir = join(root, 'counties');
  return existsSync(dir) ? readdirSync(dir).filter((d) => existsSync(join(dir, d, 'county.json'))).sort() : [];
}

/** Reads a county's county.json. */
export function readCounty(code: string, root = definitionsRoot): CountySpec {
  return JSON.parse(readFileSync(join(root, 'counties', code, 'county.json'), 'utf8')) as CountySpec;
}

/**
 * The definitions a county runs: every shared template, replaced by the county's own file
 * of the same id (a whole definition, or a variation merged over the template).
 */
export function countyDefinitions(code: string, root = definitionsRoot): { definition: Definition; source: Variation | null }[] {
  const byId = new Map<string, { definition: Definition; source: Variation | null }>(templateDefinitions(root).map((d) => [d.definition.id, d]));
  const find = templateFinder(root);
  const dir = join(root, 'counties', code);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'county.json' && f !== 'demo.json').sort()) {
    const text = readFileSync(join(dir, file), 'utf8');
    const report = checkSource(text, { findTemplate: find });
    if (!report.definition) throw new Error(`${code}/${file}: ${report.errors.map((e) => `${e.code} ${e.path} ${e.message}`).join('; ')}`);
    const raw = JSON.parse(text) as Partial<Variation>;
    const source = typeof raw.extends === 'string' ? { extends: raw.extends, patch: raw.patch ?? {} } : null;
    byId.set(report.definition.id, { definition: report.definition, source });
  }
  return [...byId.values()];
}

/** Every shared template, as a county runs it unchanged (extending it with an empty patch): what a new county starts with. */
export function templateDefinitions(root = definitionsRoot): { definition: Definition; source: Variation }[] {
  const find = templateFinder(root);
  return readdirSync(join(root, 'templates')).filter((f) => f.endsWith('.json')).sort().flatMap((file) => {
    const def = find(file.replace(/\.json$/, ''));
    return def ? [{ definition: def, source: { extends: def.id, patch: {} } }] : [];
  });
}
