import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/helpers/chromiumSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Cheap password hashing in tests; production keeps OWASP's scrypt cost. Servers the tests start
    // serve the API without a built web app (the browser tests build it first; the release test unsets this).
    env: { SCRYPT_LOG_N: '10', SERVE_API_ONLY: '1' },
    // The browser tests run after the rest, on their own: on a 2-core machine the fuzz and property
    // tests beside them starved Chromium and the embedded database into timeouts.
    projects: [
      { extends: true, test: { name: 'engine+server', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'], sequence: { groupOrder: 0 } } },
      // A browser flow (several people, pages and round trips) takes far longer than a unit test on a loaded 2-core machine.
      { extends: true, test: { name: 'browser', include: ['test/e2e/**/*.test.ts'], sequence: { groupOrder: 1 }, testTimeout: 120_000 } },
    ],
  },
});
