import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    reporters: ['verbose'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Files run in parallel worker processes; each test starts its own servers on port 0.
    pool: 'forks',
  },
});
