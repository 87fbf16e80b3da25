#!/usr/bin/env node
// Runs a workspace tool, installing the workspace first when it has not been: on a fresh clone with only
// Node and npm, `npm start` and `npm test` fetch pnpm 10 through npx and install, then go on.
//
// `synack` runs in the user's folder: npm and pnpm start scripts in the package's folder and pass the
// folder the command was typed in as INIT_CWD, so `cd myscen && npm start -- run s1.yaml` and
// `-o out.pcap` mean the user's files. Signals (SIGINT, SIGTERM, SIGHUP) are passed on to the tool,
// and this wrapper exits with the tool's status (128 + signal number when a signal ended it), so a
// SIGTERM to `npm start` stops `synack serve` instead of orphaning it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PNPM = 'pnpm@10.34.9';
const root = fileURLToPath(new URL('..', import.meta.url));
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'];

if (!existsSync(`${root}node_modules/.modules.yaml`)) {
  const result = spawnSync('npx', ['--yes', PNPM, 'install', '--frozen-lockfile'], {
    stdio: 'inherit',
    cwd: root,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

/** Runs the command with signals forwarded; resolves to the exit status this wrapper should have. */
function run(command, args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd });
    const forward = (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const s of FORWARDED) process.off(s, forward);
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

const [tool, ...args] = process.argv.slice(2);
if (tool === 'synack') {
  // The CLI runs from TypeScript sources ('source' export condition) through tsx: no build step.
  const userFolder = process.env.INIT_CWD ?? process.cwd();
  const tsx = pathToFileURL(`${root}node_modules/tsx/dist/loader.mjs`).href;
  const cli = `${root}packages/tui/src/cli.tsx`;
  process.exitCode = await run(
    process.execPath,
    ['--conditions=source', '--import', tsx, cli, ...args],
    userFolder,
  );
} else {
  process.exitCode = await run(`${root}node_modules/.bin/${tool}`, args, root);
}
