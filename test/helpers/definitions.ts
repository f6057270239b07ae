import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Definition } from '../../engine/types';
import { checkFile, definitionFiles } from '../../server/definitionFiles';

export const definitionsDir = join(import.meta.dirname, '../../definitions');

/** Reads one template by id. */
export function template(id: string): Definition {
  return JSON.parse(readFileSync(join(definitionsDir, 'templates', `${id}.json`), 'utf8')) as Definition;
}

/** Every template id in definitions/templates. */
export function templateIds(): string[] {
  return readdirSync(join(definitionsDir, 'templates')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
}

/** Every definition in definitions/ as the engine runs it (county variations merged), by file. */
export function allDefinitions(): [string, Definition][] {
  return definitionFiles([definitionsDir]).map((file) => {
    const report = checkFile(file, Date.now());
    if (!report.definition) throw new Error(`${file}: ${report.errors.map((e) => e.message).join('; ')}`);
    return [file.slice(definitionsDir.length + 1), report.definition];
  });
}
