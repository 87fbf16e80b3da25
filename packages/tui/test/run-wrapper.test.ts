/**
 * scripts/run.mjs, what `npm start` and `pnpm synack` go through: the CLI runs in the user's folder
 * (INIT_CWD, as npm and pnpm set it), signals reach the CLI, and the wrapper's exit status is the CLI's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const wrapper = fileURLToPath(new URL('../../../scripts/run.mjs', import.meta.url));
const repo = fileURLToPath(new URL('../../../', import.meta.url));
const mine = mkdtempSync(join(tmpdir(), 'synack-user-'));
const started: ChildProcess[] = [];
afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(mine, { recursive: true, force: true });
});

function start(args: string[], env: Record<string, string> = {}) {
  // Started from the repository, as npm would, with the user's folder in INIT_CWD.
  const child = spawn(process.execPath, [wrapper, 'synack', ...args], {
    cwd: repo,
    env: { ...process.env, INIT_CWD: mine, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<{ code: number | null; out: string; err: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out, err })),
  );
  return { child, done, output: () => out };
}

describe('scripts/run.mjs synack', () => {
  it("resolves a scenario path and -o FILE from the user's folder (INIT_CWD)", async () => {
    writeFileSync(join(mine, 's1.yaml'), 'name: s1\ntimeline:\n  - open: client\n  - wait: 1s\n');
    const run = await start(['export', 's1.yaml', '--format', 'jsonl', '-o', 'out.jsonl']).done;
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(existsSync(join(mine, 'out.jsonl'))).toBe(true);
    expect(existsSync(join(repo, 'out.jsonl'))).toBe(false);
  }, 120_000);

  it("exits with the CLI's status (2 for a usage mistake)", async () => {
    expect((await start(['run']).done).code).toBe(2);
  }, 120_000);

  it.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    '%s to the wrapper reaches `synack serve`, which stops; nothing is left listening',
    async (signal) => {
      const serve = start(['serve', '--port', '0']);
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(serve.output());
          if (match) {
            clearInterval(timer);
            resolve(Number(match[1]));
          } else if (serve.child.exitCode !== null) {
            clearInterval(timer);
            reject(new Error('serve exited early'));
          }
        }, 50);
      });
      serve.child.kill(signal);
      const result = await serve.done;
      // serve stops cleanly on SIGINT/SIGTERM (exit 0); SIGHUP ends it by the default action (128 + 1).
      expect(result.code).toBe(signal === 'SIGHUP' ? 129 : 0);
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        socket.on('connect', () => {
          socket.destroy();
          resolve(false);
        });
        socket.on('error', () => resolve(true));
      });
      expect(refused).toBe(true);
    },
    120_000,
  );
});
