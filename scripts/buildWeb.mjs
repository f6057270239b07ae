// Builds the web app when its sources are newer than the last build (npm start calls this).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const root = new URL('../designer', import.meta.url).pathname;
const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
  const p = join(dir, e.name);
  return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
}, 0);
const built = join(root, 'dist/index.html');
const sources = Math.max(newest(join(root, 'src')), statSync(join(root, 'index.html')).mtimeMs, newest(new URL('../engine', import.meta.url).pathname));
if (process.argv.includes('--force') || !existsSync(built) || statSync(built).mtimeMs < sources) {
  process.stdout.write('正在构建网页应用…\n');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}
