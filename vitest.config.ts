import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Source-first: workspace packages resolve to src/ through their custom export condition.
    conditions: ['@quantkubera/source'],
  },
  ssr: {
    resolve: {
      conditions: ['@quantkubera/source'],
    },
  },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/**/*.test.ts',
      'bench/**/*.test.ts',
    ],
    reporters: process.env.CI ? ['default'] : ['default'],
    pool: 'forks',
    testTimeout: 60_000,
  },
});
