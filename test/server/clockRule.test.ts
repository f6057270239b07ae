import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** Lints text as if it sat at `file`, and gives the messages of the server's clock rule. */
async function clockMessages(file: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: join(root, file) });
  return result!.messages.map((m) => m.message).filter((m) => m.includes('应用的时钟'));
}

describe('server/ reads the time from its app\'s clock (server/clock.ts), never the machine\'s', () => {
  it('refuses new Date(), Date() and Date.now() anywhere in server/ but the clock module', async () => {
    expect(await clockMessages('server/cases/probe.ts', 'export const a = () => new Date();\n')).toHaveLength(1);
    expect(await clockMessages('server/routes/probe.ts', 'export const a = () => Date.now();\n')).toHaveLength(1);
    expect(await clockMessages('server/probe.ts', 'export const a = () => Date();\n')).toHaveLength(1);
    expect(await clockMessages('server/clock.ts', 'export const a = () => [new Date(), Date.now()];\n')).toEqual([]);
  });

  it('lets a time be read from a value, and durations be measured', async () => {
    expect(await clockMessages('server/probe.ts', "export const a = (s: string, now: Date) => [new Date(s), new Date(now.getTime() + 1000), Date.parse(s), performance.now()];\n")).toEqual([]);
  });
});
