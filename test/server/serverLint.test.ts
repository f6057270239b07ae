import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** Lints text as if it sat at `file`, and gives the messages that contain `word`. */
async function messages(file: string, text: string, word: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: join(root, file) });
  return result!.messages.map((m) => m.message).filter((m) => m.includes(word));
}

const clockMessages = (file: string, text: string) => messages(file, text, '应用的时钟');
const sqlMessages = (file: string, text: string) => messages(file, text, '路由文件不写 SQL');

describe('server/ reads the time from its app\'s clock (server/clock.ts), never the machine\'s', () => {
  it('refuses new Date(), Date() and Date.now() anywhere in server/ but the clock module, route files included', async () => {
    expect(await clockMessages('server/cases/probe.ts', 'export const a = () => new Date();\n')).toHaveLength(1);
    expect(await clockMessages('server/routes/probe.ts', 'export const a = () => Date.now();\n')).toHaveLength(1);
    expect(await clockMessages('server/routes/probeRoutes.ts', 'export const a = () => new Date();\n')).toHaveLength(1);
    expect(await clockMessages('server/probe.ts', 'export const a = () => Date();\n')).toHaveLength(1);
    expect(await clockMessages('server/clock.ts', 'export const a = () => [new Date(), Date.now()];\n')).toEqual([]);
  });

  it('lets a time be read from a value, and durations be measured', async () => {
    expect(await clockMessages('server/probe.ts', "export const a = (s: string, now: Date) => [new Date(s), new Date(now.getTime() + 1000), Date.parse(s), performance.now()];\n")).toEqual([]);
  });
});

describe('route files hold no SQL: they call query modules', () => {
  it('refuses a query built in a route file, and kysely\'s sql there', async () => {
    const query = "import type { Kysely } from 'kysely';\nexport const a = (k: Kysely<never>) => k.selectFrom('cases' as never);\n";
    expect(await sqlMessages('server/routes/probeRoutes.ts', query)).toHaveLength(1);
    expect(await sqlMessages('server/files/probeRoutes.ts', query)).toHaveLength(1);
    expect(await sqlMessages('server/routes/probe.ts', "import { sql } from 'kysely';\nexport const a = sql`SELECT 1`;\n")).toHaveLength(1);
    for (const write of ['insertInto', 'updateTable', 'deleteFrom']) expect(await sqlMessages('server/routes/probeRoutes.ts', `export const a = (k: any) => k.${write}('cases');\n`)).toHaveLength(1);
  });

  it('lets query modules build queries', async () => {
    expect(await sqlMessages('server/cases/probeQueries.ts', "import { type Kysely, sql } from 'kysely';\nexport const a = (k: Kysely<never>) => [k.selectFrom('cases' as never), sql`SELECT 1`];\n")).toEqual([]);
  });
});
