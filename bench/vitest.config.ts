import { defineConfig } from 'vitest/config';

/** The benchmark tooling's own unit tests (`npx vitest run -c bench/vitest.config.ts`). */
export default defineConfig({
  resolve: { conditions: ['@quantkubera/source'] },
  ssr: { resolve: { conditions: ['@quantkubera/source'] } },
  test: { include: ['bench/**/*.test.ts'], root: '.', pool: 'forks' },
});
