import { defineConfig } from 'vitest/config';

// The end-to-end suite: packs the published packages and installs them into scaffolded projects.
// Slow (minutes, network for third-party packages), so it is not part of `npm test`; run it with
// `npm run test:e2e` after `npm run build`.
export default defineConfig({
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['**/*.e2e.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 900_000,
  },
});
