import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    teardownTimeout: 20_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
