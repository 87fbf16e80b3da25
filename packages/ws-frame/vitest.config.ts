import { defineProject } from 'vitest/config';

// 'source' resolves workspace packages to their TypeScript sources, so tests need no build step.
const conditions = ['source', 'module', 'node', 'development|production'];

export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  // A generous timeout: the machine is shared, and loopback interop moves 1 MiB messages both ways.
  test: { name: 'ws-frame', include: ['test/**/*.test.{ts,tsx}'], testTimeout: 20_000 },
});
