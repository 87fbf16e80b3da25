import { defineProject } from 'vitest/config';

// 'source' resolves workspace packages to their TypeScript sources, so tests need no build step.
const conditions = ['source', 'module', 'node', 'development|production'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  // Rendering tests are CPU-bound: on a shared, loaded machine 5 s is too little for some of them.
  test: { name: 'tui', include: ['test/**/*.test.{ts,tsx}'], testTimeout: 30_000 },
});
