import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Worker threads and the CLI run the compiled dist/; build it once before any test.
    globalSetup: ['test/buildOnce.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
