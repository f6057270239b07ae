import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The Chromium the browser tests launch, and what it needs around it. */
    chromium: { executablePath: string; env: Record<string, string>; bundled: boolean };
  }
}

/**
 * Picks the browser for the end-to-end tests, once before any test file runs: Debian's
 * Chromium when it is installed (or CHROMIUM_PATH), else the Chromium that the npm package
 * @sparticuz/chromium carries inside it (brotli-packed with the few system libraries it
 * needs), unpacked to the temp folder. CF_CHROMIUM=bundled forces the packaged one, as CI
 * does once to prove `npm test` needs nothing but Node.
 */
export default async function setup(project: TestProject): Promise<void> {
  const debian = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (process.env.CF_CHROMIUM !== 'bundled' && existsSync(debian)) {
    project.provide('chromium', { executablePath: debian, env: {}, bundled: false });
    return;
  }
  const { default: chromium, inflate } = await import('@sparticuz/chromium');
  const bin = join(dirname(createRequire(import.meta.url).resolve('@sparticuz/chromium')), '..', 'bin');
  const executablePath = await chromium.executablePath(bin);
  const libs = await inflate(join(bin, 'al2023.tar.br'));
  project.provide('chromium', {
    executablePath,
    env: { LD_LIBRARY_PATH: [join(libs, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':'), FONTCONFIG_PATH: join(tmpdir(), 'fonts') },
    bundled: true,
  });
}
