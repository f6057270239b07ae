import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/chromiumSetup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Cheap password hashing in tests; production keeps OWASP's scrypt cost.
    env: { SCRYPT_LOG_N: '10' },
  },
});
