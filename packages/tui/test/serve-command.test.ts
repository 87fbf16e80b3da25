/**
 * `synack serve` and `synack connect` as commands: flags, exit codes, JSON logs, shutdown on SIGTERM /
 * SIGINT with 1001; and both as real processes (`pnpm synack` runs the same cli.tsx), talking to each other.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket as WsClient } from 'ws';
import { runCli, startTestServer, waitFor } from './serve-helpers.js';

describe('synack serve (in process)', () => {
  it('--json logs JSON Lines; SIGTERM closes clients with 1001 and exits 0', async () => {
    const run = runCli(['serve', '--port', '0', '--mode', 'chat', '--json']);
    await waitFor(() => run.out().includes('\n'), 'the listening line');
    const listening = JSON.parse(run.out().split('\n')[0] ?? '');
    expect(listening).toMatchObject({ event: 'listening', host: '127.0.0.1', mode: 'chat' });
    const client = new WsClient(listening.url);
    await once(client, 'open');
    const closed = once(client, 'close');
    run.signals.emit('SIGTERM');
    expect((await closed)[0]).toBe(1001);
    expect(await run.exit).toBe(0);
    const events = run
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line).event);
    expect(events).toEqual(['listening', 'open', 'shutdown', 'close', 'stopped']);
  });

  it.each([
    ['--mode bogus', ['--mode', 'bogus'], /--mode wants echo or chat/],
    ['--port 70000', ['--port', '70000'], /--port wants a whole number from 0 to 65535/],
    ['--max-payload 0', ['--max-payload', '0'], /--max-payload wants/],
    ['--idle-timeout -1', ['--idle-timeout=-1'], /--idle-timeout wants/],
    ['a stray argument', ['extra'], /unexpected argument 'extra'/],
    ['an unknown flag', ['--nope'], /nope/],
  ])('%s is a usage error: exit 2 with the usage', async (_name, argv, message) => {
    const run = runCli(['serve', ...argv]);
    expect(await run.exit).toBe(2);
    expect(run.err()).toMatch(message);
    expect(run.err()).toContain('Usage: synack serve');
  });

  it('--help prints the usage and exits 0', async () => {
    const run = runCli(['serve', '--help']);
    expect(await run.exit).toBe(0);
    expect(run.out()).toContain('--mode echo|chat');
  });

  it('a port already in use: exit 1 with EADDRINUSE', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    const run = runCli(['serve', '--port', String(port)]);
    expect(await run.exit).toBe(1);
    expect(run.err()).toContain('EADDRINUSE');
    blocker.close();
  });
});

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

/** `pnpm synack ARGS` without pnpm: the root script's node command line. */
function synack(args: string[]): { child: ChildProcess; out: () => string } {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'packages/tui/src/cli.tsx', ...args],
    { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  child.stdout?.on('data', (c) => {
    out += String(c);
  });
  child.stderr?.on('data', (c) => {
    out += String(c);
  });
  return { child, out: () => out };
}

describe('real processes', () => {
  it('synack serve exits 0 on SIGINT after closing its client with 1001', async () => {
    const serve = synack(['serve', '--port', '0', '--json']);
    await waitFor(() => serve.out().includes('"listening"'), 'synack serve to listen', 20_000);
    const { url } = JSON.parse(serve.out().split('\n')[0] ?? '');
    const client = new WsClient(url);
    await once(client, 'open');
    const closed = once(client, 'close');
    serve.child.kill('SIGINT');
    expect((await closed)[0]).toBe(1001);
    const [code] = await once(serve.child, 'exit');
    expect(code).toBe(0);
    expect(serve.out()).toContain('"signal":"SIGINT"');
  }, 30_000);

  it('synack connect sends stdin lines to synack serve (echo) and closes with 1000 at end of input', async () => {
    const server = await startTestServer();
    try {
      const connect = synack(['connect', `ws://127.0.0.1:${server.port}/`]);
      connect.child.stdin?.end('hello\n你好\n');
      const [code] = await once(connect.child, 'exit');
      expect(code).toBe(0);
      expect(connect.out()).toBe(
        `connected to ws://127.0.0.1:${server.port}/\n< hello\n< 你好\nclosed 1000\n`,
      );
      await waitFor(() => server.logs.some((l) => l.event === 'close'), 'close log');
      expect(server.logs.find((l) => l.event === 'close')).toMatchObject({
        code: 1000,
        by: 'peer',
        messagesIn: 2,
        messagesOut: 2,
      });
    } finally {
      await server.handle.stop('test', 200);
    }
  }, 30_000);
});
