import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `vite build` puts the web app. */
export const webRoot = join(import.meta.dirname, '../designer/dist');

/** Whether the web app has been built (`npm run build`, or a release, which holds it). */
export const webAppBuilt = (): boolean => existsSync(join(webRoot, 'index.html'));

/** Serves the built web app at `/` (when it has been built), with long caching for hashed assets. */
export async function serveWebApp(app: FastifyInstance): Promise<void> {
  if (!webAppBuilt()) return;
  await app.register(fastifyStatic, {
    root: webRoot,
    prefix: '/',
    preCompressed: true,
    setHeaders: (res, path) => void res.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
}
