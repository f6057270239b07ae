// Builds the web app when its sources are newer than the last build (npm start calls this).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = new URL('../designer', import.meta.url).pathname;
const newest = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((max, e) => {
  const p = join(dir, e.name);
  return Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
}, 0);
const built = join(root, 'dist/index.html');
const sources = Math.max(newest(join(root, 'src')), newest(join(root, 'public')), statSync(join(root, 'index.html')).mtimeMs, statSync(join(root, 'vite.config.ts')).mtimeMs, newest(new URL('../engine', import.meta.url).pathname));
if (process.argv.includes('--force') || !existsSync(built) || statSync(built).mtimeMs < sources) {
  process.stdout.write('正在构建网页应用…\n');
  // Always a production build: run from the tests, NODE_ENV is 'test' and would ship React's development build.
  process.env.NODE_ENV = 'production';
  await build({ configFile: join(root, 'vite.config.ts'), mode: 'production', logLevel: 'warn' });
  // Precompressed copies: phones on a weak signal get brotli or gzip without the server compressing per request.
  const dist = join(root, 'dist');
  const files = [join(dist, 'index.html'), ...readdirSync(join(dist, 'assets')).map((f) => join(dist, 'assets', f))].filter((f) => /\.(js|css|html)$/.test(f));
  for (const file of files) {
    const body = readFileSync(file);
    writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
    writeFileSync(`${file}.br`, brotliCompressSync(body));
  }
}
