import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkSource } from '../../engine/check/index';
import type { Definition, Level } from '../../engine/types';
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
export function countyDefinitions(code: string, root = definitionsRoot): Definition[] {
  const byId = new Map<string, Definition>();
  const find = templateFinder(root);
  const templatesDir = join(root, 'templates');
  for (const file of readdirSync(templatesDir).filter((f) => f.endsWith('.json')).sort()) {
    const def = find(file.replace(/\.json$/, ''));
    if (def) byId.set(def.id, def);
  }
  const dir = join(root, 'counties', code);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'county.json' && f !== 'demo.json').sort()) {
    const report = checkSource(readFileSync(join(dir, file), 'utf8'), find);
    if (!report.definition) throw new Error(`${code}/${file}: ${report.errors.map((e) => `${e.code} ${e.path} ${e.message}`).join('; ')}`);
    byId.set(report.definition.id, report.definition);
  }
  return [...byId.values()];
}
