/**
 * `synack connect` against the `ws` package's server: lines out as text, messages, pings and the close
 * code in, Ctrl-D (end of input) closing with 1000, `--protocol`, and the exit codes.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer as WsServer, type WebSocket as WsSocket } from 'ws';
import { runCli, waitFor } from './serve-helpers.js';

const servers: WsServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    for (const c of s.clients) c.terminate();
    await new Promise((resolve) => s.close(resolve));
  }
});

async function wsServer(options: ConstructorParameters<typeof WsServer>[0] = {}): Promise<{
  server: WsServer;
  url: string;
  next: () => Promise<WsSocket>;
}> {
  const server = new WsServer({ host: '127.0.0.1', port: 0, ...options });
  servers.push(server);
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    server,
    url: `ws://127.0.0.1:${port}/chat`,
    next: async () => ((await once(server, 'connection')) as [WsSocket])[0],
  };
}

/** `synack connect ARGV` in process. */
const runConnect = (argv: string[]) => runCli(['connect', ...argv]);

describe('synack connect against a ws server', () => {
  it('RFC 6455 5.6/5.5.2/7.1.2: lines go out as text, messages and pings are printed, Ctrl-D closes with 1000', async () => {
    const { url, next } = await wsServer();
    const run = runConnect([url]);
    const peer = await next();
    const received: string[] = [];
    peer.on('message', (data, isBinary) => {
      received.push(String(data));
      peer.send(isBinary ? data : `echo: ${String(data)}`);
    });
    run.stdin.write('hello\n你好, server\n');
    await waitFor(() => run.out().includes('< echo: 你好, server'), 'both echoes');
    peer.ping(Buffer.from('hb'));
    peer.send(Buffer.from([1, 2, 3]));
    await waitFor(() => run.out().includes('< binary 3 bytes: 01 02 03'), 'binary');
    const closed = once(peer, 'close');
    run.stdin.end();
    const [code] = await closed;
    expect(code).toBe(1000);
    expect(await run.exit).toBe(0);
    expect(received).toEqual(['hello', '你好, server']);
    expect(run.out().split('\n')).toEqual([
      `connected to ${url}`,
      '< echo: hello',
      '< echo: 你好, server',
      '< ping 2 bytes: 68 62',
      '< binary 3 bytes: 01 02 03',
      'closed 1000',
      '',
    ]);
  });

  it('RFC 6455 4.1/4.2.2: --protocol offers subprotocols and prints the one the server chose', async () => {
    const { url, next } = await wsServer({
      handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false),
    });
    const run = runConnect([url, '--protocol', 'superchat', '--protocol', 'chat']);
    const peer = await next();
    expect(peer.protocol).toBe('chat');
    await waitFor(() => run.out().includes('(protocol chat)'), 'open line');
    run.stdin.end();
    expect(await run.exit).toBe(0);
  });

  it('RFC 6455 7.1.5: the server closing with 4000 and a reason is printed; exit 0 (clean)', async () => {
    const { url, next } = await wsServer();
    const run = runConnect([url]);
    const peer = await next();
    peer.close(4000, 'bye 你好');
    expect(await run.exit).toBe(0);
    expect(run.out()).toContain('closed 4000 "bye 你好"\n');
  });

  it('RFC 6455 7.1.5: a dropped TCP connection prints 1006 (not clean); exit 1', async () => {
    const { url, next } = await wsServer();
    const run = runConnect([url]);
    const peer = await next();
    await waitFor(() => run.out().includes('connected'), 'open');
    peer.terminate();
    expect(await run.exit).toBe(1);
    expect(run.out()).toContain('closed 1006 (not clean)');
  });

  it('SIGINT closes with 1000 like Ctrl-D', async () => {
    const { url, next } = await wsServer();
    const run = runConnect([url]);
    const peer = await next();
    await waitFor(() => run.out().includes('connected'), 'open');
    const closed = once(peer, 'close');
    run.signals.emit('SIGINT');
    expect((await closed)[0]).toBe(1000);
    expect(await run.exit).toBe(0);
  });

  it('--json prints one JSON object per event, including a message sent right behind the 101', async () => {
    const { url, server } = await wsServer();
    server.on('connection', (peer) => peer.send('hi'));
    const run = runConnect([url, '--json']);
    await waitFor(() => run.out().includes('"hi"'), 'message');
    run.stdin.end();
    expect(await run.exit).toBe(0);
    const events = run
      .out()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(events).toEqual([
      { type: 'open', url, protocol: '' },
      { type: 'message', binary: false, data: 'hi' },
      { type: 'close', code: 1000, reason: '', wasClean: true },
    ]);
  });

  it('a refused connection is reported on stderr with exit 1', async () => {
    const { url, server } = await wsServer();
    servers.splice(servers.indexOf(server), 1);
    await new Promise((resolve) => server.close(resolve));
    const run = runConnect([url]);
    expect(await run.exit).toBe(1);
    expect(run.err()).toMatch(/cannot connect to .*ECONNREFUSED/);
  });

  it('a server that refuses the handshake (ws answers 400 to a bad path) gives exit 1', async () => {
    const { url } = await wsServer({ path: '/elsewhere' });
    const run = runConnect([url]);
    expect(await run.exit).toBe(1);
    expect(run.err()).toMatch(/cannot connect/);
  });
});

describe('synack connect usage', () => {
  it.each([
    ['no URL', [], 2],
    ['an unknown flag', ['ws://127.0.0.1:1/', '--nope'], 2],
    ['an ftp:// URL', ['ftp://127.0.0.1:1/'], 2],
    ['a URL with a fragment', ['ws://127.0.0.1:1/#x'], 2],
    ['wss:// (no TLS here)', ['wss://127.0.0.1:1/'], 2],
    ['two URLs', ['ws://127.0.0.1:1/', 'ws://127.0.0.1:2/'], 2],
    ['--help', ['--help'], 0],
  ])('%s: exit code %s', async (_name, argv, code) => {
    const run = runConnect(argv as string[]);
    expect(await run.exit).toBe(code);
    if (code === 0) expect(run.out()).toContain('synack connect ws://HOST:PORT/PATH');
    else expect(run.err()).toContain('Usage: synack connect ws://HOST:PORT/PATH');
  });
});
