import { defineConfig } from 'vite';

// The web app: built into designer/dist and served by the fastify server at /.
export default defineConfig({
  root: import.meta.dirname,
  build: {
    outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1800, // elk (the graph layout, 1.4 MB) loads only in the designer's flow tab
    // rjsf marks modules 'use client' (a React Server Components hint); meaningless in this app.
    rollupOptions: { onwarn: (w, warn) => (w.code === 'MODULE_LEVEL_DIRECTIVE' ? undefined : warn(w)) },
  },
  esbuild: { jsx: 'automatic' },
  server: { proxy: { '/api': 'http://localhost:3000' } },
});
