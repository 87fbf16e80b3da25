/**
 * `synack serve` against the `ws` package as the client: echo (text with 你好, every length form,
 * binary), the blog's chat protocol, the page at `GET /`, 404s, and shutdown with 1001.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket as WsClient } from 'ws';
import { startTestServer, type TestServer, waitFor } from './serve-helpers.js';

const servers: TestServer[] = [];
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.terminate();
  for (const s of servers.splice(0)) await s.handle.stop('test', 200);
});

async function serve(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const server = await startTestServer(options);
  servers.push(server);
  return server;
}

async function open(server: TestServer, path = '/'): Promise<WsClient> {
  const client = new WsClient(`ws://127.0.0.1:${server.port}${path}`);
  clients.push(client);
  await once(client, 'open');
  return client;
}

function nextMessage(client: WsClient): Promise<{ data: Buffer; isBinary: boolean }> {
  return new Promise((resolve) =>
    client.once('message', (data, isBinary) => resolve({ data: data as Buffer, isBinary })),
  );
}

const bytes = (n: number) => Buffer.from(Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff));

describe('serve --mode echo, ws client', () => {
  it('RFC 6455 5.6: text with 你好 comes back as the same text', async () => {
    const server = await serve();
    const client = await open(server);
    const echo = nextMessage(client);
    client.send('{"Muxer":"你好"}');
    expect(await echo).toEqual({ data: Buffer.from('{"Muxer":"你好"}'), isBinary: false });
  });

  it.each([0, 125, 126, 65_535, 65_536, 200_000])(
    'RFC 6455 5.2: a %i-byte binary message comes back byte for byte',
    async (n) => {
      const server = await serve();
      const client = await open(server);
      const echo = nextMessage(client);
      client.send(bytes(n));
      const { data, isBinary } = await echo;
      expect(isBinary).toBe(true);
      expect(data.equals(bytes(n))).toBe(true);
    },
  );

  it('RFC 6455 7.4.1: the clean close with 1000 and a reason is logged with the code', async () => {
    const server = await serve();
    const client = await open(server);
    const closed = once(client, 'close');
    client.close(1000, 'done');
    const [code] = await closed;
    expect(code).toBe(1000);
    await waitFor(() => server.logs.some((l) => l.event === 'close'), 'close log');
    expect(server.logs.find((l) => l.event === 'close')).toMatchObject({
      code: 1000,
      reason: 'done',
      by: 'peer',
      wasClean: true,
      messagesIn: 0,
    });
    await waitFor(() => server.handle.socketCount === 0, 'sockets back to 0');
  });

  it('one log line per connection: open carries the path and the remote address', async () => {
    const server = await serve();
    await open(server, '/chat?x=1');
    await waitFor(() => server.logs.some((l) => l.event === 'open'), 'open log');
    expect(server.logs.find((l) => l.event === 'open')).toMatchObject({
      id: 1,
      path: '/chat?x=1',
      remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
    });
  });
});

describe('serve --mode chat, ws clients (the blog protocol)', () => {
  it('type=add&ming=... joins: a welcome with 你好 to the joiner, join/message/leave to the others', async () => {
    const server = await serve({ mode: 'chat' });
    const alice = await open(server);
    const welcome = nextMessage(alice);
    alice.send('type=add&ming=Alice');
    expect(JSON.parse((await welcome).data.toString())).toEqual({
      type: 'welcome',
      ming: 'Alice',
      Muxer: '你好',
      users: ['Alice'],
    });
    const bob = await open(server);
    const joined = nextMessage(alice);
    const bobWelcome = nextMessage(bob);
    bob.send('type=add&ming=Bob');
    expect(JSON.parse((await joined).data.toString())).toEqual({ type: 'join', ming: 'Bob' });
    expect(JSON.parse((await bobWelcome).data.toString()).users).toEqual(['Alice', 'Bob']);

    const toAlice = nextMessage(alice);
    const toBob = nextMessage(bob);
    bob.send('你好, Alice');
    const expected = { type: 'message', from: 'Bob', text: '你好, Alice' };
    expect(JSON.parse((await toAlice).data.toString())).toEqual(expected);
    expect(JSON.parse((await toBob).data.toString())).toEqual(expected);

    const left = nextMessage(alice);
    bob.close(1000);
    expect(JSON.parse((await left).data.toString())).toEqual({ type: 'leave', ming: 'Bob' });
  });

  it('RFC 6455 4.2.2: a client offering "chat" as a subprotocol gets it; one offering only others gets none', async () => {
    const server = await serve({ mode: 'chat' });
    const offered = new WsClient(`ws://127.0.0.1:${server.port}/`, ['superchat', 'chat']);
    clients.push(offered);
    await once(offered, 'open');
    expect(offered.protocol).toBe('chat');
    // No Sec-WebSocket-Protocol in the 101: ws (like browsers) then fails its own handshake (4.1).
    const other = new WsClient(`ws://127.0.0.1:${server.port}/`, ['superchat']);
    clients.push(other);
    const [error] = await once(other, 'error');
    expect(String(error)).toContain('Server sent no subprotocol');
  });

  it('binary is not part of the chat: answered with an error object, the connection stays open', async () => {
    const server = await serve({ mode: 'chat' });
    const client = await open(server);
    const reply = nextMessage(client);
    client.send(bytes(3));
    expect(JSON.parse((await reply).data.toString())).toMatchObject({ type: 'error' });
    expect(client.readyState).toBe(WsClient.OPEN);
  });
});

describe('serve: plain HTTP', () => {
  it('GET / is the browser client page; it checks ws.readyState, not so.readyState', async () => {
    const server = await serve();
    const response = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('ws.readyState === WebSocket.OPEN');
    expect(html).not.toContain('so.readyState');
    expect(server.logs.find((l) => l.event === 'http')).toMatchObject({
      method: 'GET',
      path: '/',
      status: 200,
    });
  });

  it.each([
    ['GET', '/nope', 404],
    ['GET', '/favicon.ico', 404],
    ['POST', '/', 405],
  ])('%s %s is answered %i', async (method, path, status) => {
    const server = await serve();
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { method });
    expect(response.status).toBe(status);
    await response.text();
  });
});

describe('serve: shutdown', () => {
  it('RFC 6455 7.4.1: stop() closes every client with 1001 and resolves once all sockets are gone', async () => {
    const server = await serve({ mode: 'chat' });
    const a = await open(server);
    const b = await open(server);
    const codes = Promise.all([once(a, 'close'), once(b, 'close')]);
    await server.handle.stop('SIGTERM');
    const [[codeA, reasonA], [codeB]] = await codes;
    expect([codeA, codeB]).toEqual([1001, 1001]);
    expect(String(reasonA)).toBe('server shutting down');
    expect(server.handle.socketCount).toBe(0);
    expect(server.logs.filter((l) => l.event === 'close')).toHaveLength(2);
    expect(server.logs.filter((l) => l.event === 'close').every((l) => 'code' in l && l.code === 1001)).toBe(
      true,
    );
    expect(server.logs.at(-1)?.event).toBe('stopped');
  });
});
