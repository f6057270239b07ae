import { VitePWA } from 'vite-plugin-pwa';
import { defineConfig } from 'vite';

/**
 * What a phone keeps ahead for use without signal: every chunk but the designer's and the
 * dashboard's charts (elk, CodeMirror, ECharts: 3 MB), which are cached only once opened.
 * Listed by what to leave out, so a new field chunk is never forgotten.
 */
const fieldChunks = ['**/*.{js,css,html,svg,webmanifest}'];
const deskOnly = ['**/*.{gz,br}', 'assets/{AuthorPage,FlowEditor,FlowGraph,JsonView,PublishPanel,Simulator,VariationView,graphModel,echarts}-*'];

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
        globIgnores: deskOnly,
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
