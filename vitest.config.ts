import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.{ts,tsx}', 'diagnostics/**/*.test.ts', 'mocks/**/*.test.ts', 'test/**/*.test.{ts,tsx}'],
    // End-to-end tests start servers and child processes; two cores are shared by all of them.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
