import { defineConfig } from 'vitest/config';

// Only the differential, which run.mjs starts with the BuildKit drivers it built.
export default defineConfig({ test: { include: ['scripts/dockerfile-differential/*.differential.ts'], testTimeout: 600_000 } });
