import { ESLint } from 'eslint';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });

/** Lints text as if it sat at `file`, and gives the messages of the layer rule. */
async function layerMessages(file: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: join(root, file) });
  return result!.messages.map((m) => m.message).filter((m) => /层|engine\/|designer\/|引擎/.test(m));
}

describe('the layer rule (definitions → engine → server → designer) has no holes', () => {
  it('engine/ may not import Node modules, bare or node:-prefixed, nor read a clock', async () => {
    expect(await layerMessages('engine/probe.ts', "import { readFileSync } from 'fs';\nexport const a = readFileSync;\n")).toHaveLength(1);
    expect(await layerMessages('engine/probe.ts', "import { createHash } from 'crypto';\nexport const a = createHash;\n")).toHaveLength(1);
    expect(await layerMessages('engine/probe.ts', "import { join } from 'node:path';\nexport const a = join;\n")).toHaveLength(1);
    expect(await layerMessages('engine/probe.ts', 'export const a = () => performance.now();\n')).toHaveLength(1);
    expect(await layerMessages('engine/probe.ts', 'export const a = () => Date.now();\n')).toHaveLength(1);
    expect(await layerMessages('engine/probe.ts', "import { loadConfig } from '../server/config';\nexport const a = loadConfig;\n")).toHaveLength(1);
  });

  it('designer/ may import the server\'s types but not its code', async () => {
    expect(await layerMessages('designer/src/probe.ts', "import { loadConfig } from '../../server/config';\nexport const a = loadConfig;\n")).toHaveLength(1);
    expect(await layerMessages('designer/src/probe.ts', "import type { Config } from '../../server/config';\nexport type A = Config;\n")).toEqual([]);
  });

  it('above the engine, only its public entry may be imported', async () => {
    expect(await layerMessages('server/probe.ts', "import { compile } from '../engine/compile';\nexport const a = compile;\n")).toHaveLength(1);
    expect(await layerMessages('designer/src/probe.ts', "import { plainMessage } from '../../engine/fieldErrors';\nexport const a = plainMessage;\n")).toHaveLength(1);
    expect(await layerMessages('server/probe.ts', "import { compile } from '../engine/index';\nexport const a = compile;\n")).toEqual([]);
  });

  it('pure engine code passes', async () => {
    expect(await layerMessages('engine/probe.ts', "import { getPath } from './dataPath';\nexport const a = getPath;\n")).toEqual([]);
  });
});
