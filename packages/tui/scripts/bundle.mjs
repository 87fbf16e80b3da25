#!/usr/bin/env node
// Builds the `synack` bin: one ES module, dist/bin/synack.js, holding the CLI and everything it
// imports, Ink included. Bundled from this workspace's node_modules, it carries the workspace's patched
// Ink output stage (patches/ink@6.8.0.patch, which pnpm applies here but an installed package would
// not get), so the installed CLI draws frames as fast as the workspace one, and it starts from one file
// instead of resolving hundreds of modules. It is bundled from tsc's output (run `tsc` first), and our
// own packages from their dist/, as an installed package would resolve them.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));

await build({
  entryPoints: [here('../dist/cli.js')],
  outfile: here('../dist/bin/synack.js'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.19',
  // Bundled CommonJS (React) calls require() for Node built-ins.
  banner: {
    js: "import { createRequire as __synackRequire } from 'node:module';\nconst require = __synackRequire(import.meta.url);",
  },
  legalComments: 'linked',
  sourcemap: 'linked',
  logLevel: 'warning',
  // components/Ladder.js sits beside components/ladder.js. esbuild keys files by their lower-case path
  // and would take one for the other, so our own modules are resolved and loaded by exact name here.
  logOverride: { 'different-path-case': 'silent' },
  plugins: [
    {
      name: 'exact-case',
      setup(b) {
        // Ink loads its devtools module (and react-devtools-core, not installed) only when DEV=true,
        // through a dynamic import: the bin has no devtools, so that module is empty here.
        b.onResolve({ filter: /^\.\/devtools\.js$/ }, (args) =>
          args.importer.includes('/ink/') ? { path: 'devtools', namespace: 'empty' } : undefined,
        );
        b.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'export {};', loader: 'js' }));
        b.onResolve({ filter: /^\.\.?\// }, (args) => {
          const path = resolve(args.resolveDir, args.path);
          return path.startsWith(here('../dist/')) && existsSync(path)
            ? { path, namespace: 'exact' }
            : undefined;
        });
        b.onLoad({ filter: /.*/, namespace: 'exact' }, (args) => ({
          contents: readFileSync(args.path, 'utf8'),
          loader: 'js',
          resolveDir: dirname(args.path),
        }));
      },
    },
  ],
});
