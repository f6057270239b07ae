import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vite';

/**
 * The chunks a cadre or reviewer needs with no signal: the shell, login, inbox, case and start
 * pages and the form renderer. The designer's and the dashboard's (elk, CodeMirror, ECharts:
 * 3 MB) are cached only once opened, never downloaded ahead for a phone.
 */
const fieldChunks = ['**/index.html', 'assets/index-*.{js,css}', 'assets/rolldown-runtime-*.js', 'assets/{Login,Tasks,Case,Start,Outbox}Page-*.js', 'assets/stepForm-*.js', 'assets/stateWalk-*.js', 'assets/upload-*.js', 'assets/workbox-window*.js', 'icon.svg'];

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
  plugins: [
    // Workbox (through vite-plugin-pwa) rather than a hand-written service worker: precaching with
    // revision hashes, cleanup of old caches and the update flow are what it is maintained for.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      manifest: {
        name: '县域流程 CountyFlow',
        short_name: '县域流程',
        description: '县乡村三级业务办理：待办、表单、审核',
        lang: 'zh-CN',
        start_url: '/#/tasks',
        scope: '/',
        display: 'standalone',
        background_color: '#f6f7f9',
        theme_color: '#b71c1c',
        icons: [{ src: '/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: fieldChunks,
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/docs/],
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          // Other hashed chunks (the designer, the dashboard) once opened: they never change under their name.
          { urlPattern: ({ url }) => url.pathname.startsWith('/assets/'), handler: 'CacheFirst', options: { cacheName: 'cf-assets', expiration: { maxEntries: 60 } } },
          // A stored file never changes under its id: photos once seen show again without signal.
          { urlPattern: ({ url }) => url.pathname.startsWith('/api/files/'), handler: 'CacheFirst', options: { cacheName: 'cf-files', expiration: { maxEntries: 300, maxAgeSeconds: 30 * 86_400 } } },
        ],
      },
    }),
  ],
});
