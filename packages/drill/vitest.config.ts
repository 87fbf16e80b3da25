import { defineProject } from 'vitest/config';

// 'source' resolves workspace packages to their TypeScript sources, so tests need no build step.
const conditions = ['source', 'module', 'node', 'development|production'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: { name: 'drill', include: ['test/**/*.test.{ts,tsx}'] },
});
