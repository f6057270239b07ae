import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { definitionsDir } from '../helpers/definitions';

const bin = join(import.meta.dirname, '../../bin/countyflow.mjs');
const work = mkdtempSync(join(tmpdir(), 'cf-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `countyflow check …` as a county's CI would. */
function check(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'check', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A definitions tree of its own: the schema marker, the shared templates, one county folder. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(work, 'defs-'));
  writeFileSync(join(root, 'definition.schema.json'), readFileSync(join(definitionsDir, 'definition.schema.json')));
  mkdirSync(join(root, 'templates'));
  for (const id of ['relocation', 'dividend', 'dividend-receipt']) writeFileSync(join(root, 'templates', `${id}.json`), readFileSync(join(definitionsDir, 'templates', `${id}.json`)));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text);
  }
  return root;
}

interface JsonReport { ok: boolean; errors: number; warnings: number; problems: { code: string; severity: string; file: string; line?: number; column?: number; path: string; message: string; label?: string; templatePath?: string }[] }

describe('countyflow check for a county\'s own CI', () => {
  it('--help explains the options and the exit codes; exit 0', () => {
    const r = check('--help');
    expect(r.code).toBe(0);
    expect(r.out).toContain('--json');
    expect(r.out).toMatch(/退出码：0.*1.*2/);
  });

  it('exits 2 on an unknown option, a missing path, or nothing to check', () => {
    expect(check('--jsn').code).toBe(2);
    const missing = check(join(work, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('找不到');
    mkdirSync(join(work, 'empty'), { recursive: true });
    expect(check(join(work, 'empty')).code).toBe(2);
  });

  it('--json lists each problem with code, severity, file, line, path, message and label; exit 1 on errors', () => {
    const def = JSON.parse(readFileSync(join(definitionsDir, 'templates', 'relocation.json'), 'utf8'));
    def.machine.states.allocating.always = 'moving';
    def.machine.states.moving.always = 'allocating';
    const root = tree({ 'counties/999999/relocation.json': JSON.stringify(def, null, 2) });
    const r = check('--json', join(root, 'counties'));
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out) as JsonReport;
    expect(report.ok).toBe(false);
    const loop = report.problems.find((p) => p.code === 'always-cycle')!;
    expect(loop).toMatchObject({ severity: 'error', path: '/machine/states/allocating/always', label: '安置分房' });
    expect(loop.file).toMatch(/relocation\.json$/);
    expect(loop.line).toBeGreaterThan(1);
    expect(loop.message).toContain('「安置分房」(allocating) → 「搬迁入住」(moving)');
  });

  it('reports a county patch\'s problem in the county file, naming the template place too, and warns of roles no user holds', () => {
    const county = { code: '999998', name: '测试县', units: [], users: [{ username: 'cun', name: '村干部', grants: [{ role: 'village_cadre', unit: 'v1' }] }] };
    const root = tree({
      'counties/999998/county.json': JSON.stringify(county),
      'counties/999998/relocation.json': JSON.stringify({ extends: 'relocation', patch: { forms: { allocation: { schema: { properties: { area: { minimum: 500 } } } } } } }, null, 2),
    });
    const r = check('--json', join(root, 'counties/999998/relocation.json'));
    const report = JSON.parse(r.out) as JsonReport;
    expect(r.code).toBe(1);
    expect(report.problems.find((p) => p.code === 'limits-contradict')).toMatchObject({
      path: '/patch/forms/allocation/schema/properties/area/minimum', templatePath: '/forms/allocation/schema/properties/area/minimum', label: '面积（平方米）', line: expect.any(Number),
    });
    const unheld = report.problems.filter((p) => p.code === 'role-unheld');
    expect(unheld.map((p) => p.message).join('\n')).toContain('「乡镇审核人」(township_reviewer)');
  });

  it('never prints a stack trace, whatever the file holds', () => {
    const root = tree({
      'counties/999997/a.json': '\u0000\u0001garbage',
      'counties/999997/b.json': '[]',
      'counties/999997/c.json': `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
      // 10,000 deep: it printed only 「Maximum call stack size exceeded」 and hid the report of every other file.
      'counties/999997/c2.json': `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      'counties/999997/d.json': '{"extends": "no-such-template", "patch": {}}',
      'counties/999997/e.json': '{"id": "x", "machine": null}',
    });
    const r = check(join(root, 'counties'));
    expect(r.code).toBe(1);
    expect(`${r.out}${r.err}`).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(r.out).toMatch(/检查了 6 个流程定义：\d+ 个错误/);
    expect(r.out).toMatch(/c2\.json[\s\S]*too-deep/);
  });
});
