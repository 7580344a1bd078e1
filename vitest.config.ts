import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Worker threads and the CLI run the compiled dist/; build it once before any test. Temporary
    // folders go under one folder of the run, removed at its end.
    globalSetup: ['test/buildOnce.ts', 'test/scratchFolder.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
