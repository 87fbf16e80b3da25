#!/usr/bin/env node
/**
 * The `synack` command. chalk (and so Ink) ignores NO_COLOR and TERM=dumb, so either is turned into
 * FORCE_COLOR=0 here, before anything that loads chalk or React is imported; everything else lives in
 * cli/main.ts.
 */
if ((process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') || process.env.TERM === 'dumb') {
  process.env.FORCE_COLOR = '0';
}

// `synack play | head`: a reader that goes away early is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

// React's development build does several times the work per frame; a terminal user wants the production one.
process.env.NODE_ENV ??= 'production';

const { main } = await import('./cli/main.js');
const code = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  // Paths are the user's: scripts/run.mjs starts this process in the folder `npm start` was run from.
  cwd: process.cwd(),
});
process.exitCode = code;
