// Renders the README's error-code table from server/errors.ts (the one catalogue).
// Rewrite it with: npx tsx scripts/errorTable.ts --write
import { readFileSync, writeFileSync } from 'node:fs';
import { errorCatalogue } from '../server/errors';

const START = '<!-- errors:start -->';
const END = '<!-- errors:end -->';

/** The Markdown table of every API error code, status and Chinese message. */
export function errorTable(): string {
  const rows = Object.entries(errorCatalogue).map(([code, e]) => `| \`${code}\` | ${e.status} | ${e.message} |`);
  return [START, '| code | HTTP | message |', '|---|---|---|', ...rows, END].join('\n');
}

/** The README with its error table replaced by the current one. */
export function readmeWithTable(readme: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  return start < 0 || end < 0 ? readme : readme.slice(0, start) + errorTable() + readme.slice(end + END.length);
}

if (process.argv.includes('--write')) {
  const url = new URL('../README.md', import.meta.url);
  writeFileSync(url, readmeWithTable(readFileSync(url, 'utf8')));
}
