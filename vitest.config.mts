import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    // Integration tests share one Docker engine; running files one at a time keeps builds from fighting over 2 cores.
    fileParallelism: false,
  },
});
