// npm run release: dist/countyflow-<version>.tgz — the built web app and the server, to run with
// production dependencies only: unpack, `npm ci --omit=dev`, `npm start` (docs/operations.md).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const name = `countyflow-${pkg.version}`;
const stage = join(root, '.tmp/release', name);
const tarball = join(root, 'dist', `${name}.tgz`);

// What the server reads at run time: the TypeScript sources (run through tsx, a runtime dependency),
// the shipped definitions, and the operator's documents and service files; what git ignores is left out.
const SOURCES = ['bin', 'server', 'engine', 'definitions', 'docs', 'ops', 'README.md', 'package-lock.json', 'tsconfig.json'];

execFileSync(process.execPath, [join(root, 'scripts/buildWeb.mjs'), '--force'], { stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
for (const file of execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', '--', ...SOURCES], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean)) {
  mkdirSync(dirname(join(stage, file)), { recursive: true });
  cpSync(join(root, file), join(stage, file));
}
cpSync(join(root, 'designer/dist'), join(stage, 'designer/dist'), { recursive: true });
// The same dependencies as the lock file (npm ci checks them), and a start that builds nothing.
const released = { ...pkg, scripts: { start: 'node bin/countyflow.mjs serve' } };
writeFileSync(join(stage, 'package.json'), `${JSON.stringify(released, null, 2)}\n`);
mkdirSync(dirname(tarball), { recursive: true });
// Owned by root in the archive, whoever built it: unpacked as root on the server, nobody else may change the code.
execFileSync('tar', ['-czf', tarball, '--owner=0', '--group=0', '--numeric-owner', '-C', dirname(stage), name]);
rmSync(stage, { recursive: true, force: true });
process.stdout.write(`发布包：${tarball}（${(statSync(tarball).size / 1024 / 1024).toFixed(1)} MB）\n解压后：npm ci --omit=dev && npm start\n`);
