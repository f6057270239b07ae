/// <reference types="vite/client" />
/// <reference types="vite-plugin-pwa/client" />
import { registerSW } from 'virtual:pwa-register';

/**
 * Installs the service worker (built by Workbox): after one visit with signal the app opens
 * with none. A new version takes over on the next start; drafts are kept in the browser, so
 * the reload it brings loses nothing.
 */
export function startServiceWorker(): void {
  if (import.meta.env.PROD && 'serviceWorker' in navigator) void registerSW({ immediate: true });
}
