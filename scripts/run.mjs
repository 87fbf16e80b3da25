#!/usr/bin/env node
// Runs a workspace tool, installing the workspace first when it has not been: on a fresh clone with only
// Node and npm, `npm start` and `npm test` fetch pnpm 10 through npx and install, then go on.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PNPM = 'pnpm@10.34.9';
const root = fileURLToPath(new URL('..', import.meta.url));

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root });
  if (result.error) throw result.error;
  return result.status ?? (result.signal ? 128 : 1);
}

if (!existsSync(`${root}node_modules/.modules.yaml`)) {
  const status = run('npx', ['--yes', PNPM, 'install', '--frozen-lockfile']);
  if (status !== 0) process.exit(status);
}

const [tool, ...args] = process.argv.slice(2);
if (tool === 'synack') {
  // The CLI runs from TypeScript sources ('source' export condition) through tsx: no build step.
  process.exit(
    run(process.execPath, ['--conditions=source', '--import', 'tsx', 'packages/tui/src/cli.tsx', ...args]),
  );
}
process.exit(run(`${root}node_modules/.bin/${tool}`, args));
