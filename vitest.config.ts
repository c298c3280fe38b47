import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Real-data and DuckDB tests are I/O bound; the machine has two cores.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
