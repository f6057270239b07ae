import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { type CheckOptions, checkSource, type CheckReport } from '../engine/index';
import type { Definition } from '../engine/index';

/** The repository's definitions folder. */
export const definitionsRoot = resolve(import.meta.dirname, '../definitions');

/** Files in a definitions tree that are not process definitions. */
const NOT_DEFINITIONS = new Set(['definition.schema.json', 'variation.schema.json', 'county.json', 'demo.json']);

/** Every process definition file under the given paths (files or folders), sorted. */
export function definitionFiles(paths: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      if (['calendars', 'demo', 'node_modules'].includes(basename(p))) return;
      for (const name of readdirSync(p).sort()) visit(join(p, name));
    } else if (p.endsWith('.json') && !NOT_DEFINITIONS.has(basename(p))) {
      out.push(p);
    }
  };
  for (const p of paths) visit(resolve(p));
  return out;
}

/** Every holiday calendar file (calendars/*.json) under the given paths, sorted. */
export function calendarFiles(paths: string[]): string[] {
  const out: string[] = [];
  const visit = (p: string, inCalendars: boolean) => {
    const st = statSync(p);
    if (st.isDirectory()) {
      if (['demo', 'node_modules'].includes(basename(p))) return;
      for (const name of readdirSync(p).sort()) visit(join(p, name), basename(p) === 'calendars');
    } else if (p.endsWith('.json') && (inCalendars || basename(dirname(p)) === 'calendars')) out.push(p);
  };
  for (const p of paths) visit(resolve(p), false);
  return out;
}

/** The definitions root a file belongs to: the nearest folder above it holding definition.schema.json. */
export function rootOf(file: string): string {
  for (let dir = dirname(resolve(file)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'definition.schema.json'))) return dir;
  }
  return definitionsRoot;
}

/** Looks up shared templates by id in <root>/templates. */
export function templateFinder(root: string): (id: string) => Definition | undefined {
  return (id) => {
    if (!/^[a-z][a-z0-9-]{1,62}$/.test(id)) return undefined;
    const file = join(root, 'templates', `${id}.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Definition) : undefined;
  };
}

/**
 * What the checker may know around a file at `now`: templates of its root; for a file in a county
 * folder, the county's other processes and the roles its users (county.json) hold.
 */
export function fileContext(file: string, now: number): CheckOptions {
  const root = rootOf(file);
  const dir = dirname(resolve(file));
  const options: CheckOptions = {
    findTemplate: templateFinder(root),
    processExists: (id) => /^[a-z][a-z0-9-]{1,62}$/.test(id) && (existsSync(join(root, 'templates', `${id}.json`)) || existsSync(join(dir, `${id}.json`))),
    now,
  };
  const countyFile = join(dir, 'county.json');
  if (existsSync(countyFile)) {
    try {
      const county = JSON.parse(readFileSync(countyFile, 'utf8')) as { users?: { grants?: { role?: unknown }[] }[] };
      const held = new Set((county.users ?? []).flatMap((u) => (u.grants ?? []).map((g) => String(g.role))));
      options.roleHeld = (role) => held.has(role);
    } catch {
      // A broken county.json is the seed's to report; the definition is checked without it.
    }
  }
  return options;
}

/** Checks one file at `now`: a whole definition, or a county variation merged over its template. */
export function checkFile(file: string, now: number): CheckReport {
  return checkSource(readFileSync(file, 'utf8'), fileContext(file, now));
}
