/**
 * The node:net server before the upgrade: a bounded request head (RFC 6455 4.2.1 leaves the size to the
 * server; 431 per RFC 6585 5) and a peer that half-closes mid-head is dropped at once.
 */
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer as WsServer } from 'ws';
import { connectWebSocket, createWebSocketServer, type WebSocketServer } from '../src/adapters/node-net.js';

const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function start(options: Parameters<typeof createWebSocketServer>[0]): Promise<WebSocketServer> {
  const server = await createWebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  servers.push(server);
  return server;
}

/** Writes `bytes` (then FIN when `end`), resolves with everything the server sent before it closed. */
async function exchange(port: number, bytes: string, end = false): Promise<string> {
  const socket = net.connect({ port, host: '127.0.0.1' });
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c));
  socket.on('error', () => {});
  await once(socket, 'connect');
  if (end) socket.end(bytes);
  else socket.write(bytes);
  await once(socket, 'close');
  return Buffer.concat(chunks).toString('latin1');
}

const head = (extra: string) =>
  `GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`;

describe('node:net server, opening handshake limits', () => {
  it('RFC 6455 4.2.1 / RFC 6585 5: a head above maxHandshakeBytes gets 431', async () => {
    const server = await start({ maxHandshakeBytes: 512 });
    const rejected = once(server, 'rejected');
    const answer = await exchange(server.address().port, head(`X-Pad: ${'a'.repeat(600)}\r\n`));
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
    const [info] = (await rejected) as [{ httpStatus: number }];
    expect(info.httpStatus).toBe(431);
  });

  it('RFC 6455 4.2.1: the same head under the limit is accepted (101)', async () => {
    const server = await start({ maxHandshakeBytes: 2048 });
    server.on('connection', (c) => setImmediate(() => c.terminate()));
    const answer = await exchange(server.address().port, head(`X-Pad: ${'a'.repeat(600)}\r\n`));
    expect(answer).toMatch(/^HTTP\/1\.1 101 /);
  });

  it('RFC 6455 7.1.1: a peer that never answers our close frame is dropped after closeTimeoutMs', async () => {
    const server = await start({ closeTimeoutMs: 100 });
    const closed = new Promise<number>((resolve) =>
      server.on('connection', (c) => {
        c.on('close', (code) => resolve(code));
        c.close(1000, 'bye');
      }),
    );
    const answer = await exchange(server.address().port, head(''));
    expect(answer).toMatch(/^HTTP\/1\.1 101 /);
    // The close frame (opcode 0x88, code 1000 = 0x03e8, reason "bye") reached the silent peer.
    expect(answer.endsWith('\x88\x05\x03\xe8bye')).toBe(true);
    expect(await closed).toBe(1006);
  });

  it('a peer that half-closes before its head is complete is dropped at once, not at the timeout', async () => {
    const server = await start({ handshakeTimeoutMs: 60_000 });
    const started = performance.now();
    const answer = await exchange(server.address().port, 'GET / HTTP/1.1\r\nHost: x\r\n', true);
    expect(answer).toBe('');
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('node:net client, messages right behind the 101', () => {
  it('RFC 6455 4.1: onConnection listeners see a message the server sends in the same read as its 101', async () => {
    const ws = new WsServer({ host: '127.0.0.1', port: 0 });
    await once(ws, 'listening');
    ws.on('connection', (peer) => peer.send('first'));
    const { port } = ws.address() as { port: number };
    const seen: string[] = [];
    const connection = await connectWebSocket(`ws://127.0.0.1:${port}/`, {
      onConnection: (c) => c.on('message', (data) => seen.push(String(data))),
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual(['first']);
    connection.terminate();
    await new Promise((resolve) => ws.close(resolve));
  });
});

describe('node:net server, after refusing an upgrade', () => {
  it('RFC 6455 4.2.1: a peer that resets the connection after our 400 does not crash the server', async () => {
    const server = await start({});
    const socket = net.connect({ port: server.address().port, host: '127.0.0.1' });
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n');
    await once(socket, 'data');
    socket.resetAndDestroy();
    await once(socket, 'close');
    // An unhandled 'error' on the server's socket would surface as an uncaught exception here.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.server.listening).toBe(true);
  });

  it('RFC 6455 4.2.1: a peer that never half-closes after our 400 is dropped after closeTimeoutMs', async () => {
    const server = await start({ closeTimeoutMs: 100 });
    const socket = net.connect({ port: server.address().port, host: '127.0.0.1', allowHalfOpen: true });
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n\r\n');
    socket.resume();
    await once(socket, 'end');
    const count = () => new Promise<number>((resolve) => server.server.getConnections((_e, n) => resolve(n)));
    expect(await count()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await count()).toBe(0);
    socket.destroy();
  });

  // Bytes that cannot be an HTTP request: answered at once, while the handshake timer (60 s) is far off.
  const NOT_HTTP: Array<[string, Buffer]> = [
    ['a TLS ClientHello', Buffer.from('16030100a5010000a10303', 'hex')],
    ['a masked WebSocket text frame', Buffer.from('8185373fa21d7f5ac87118', 'hex')],
    ['random binary', Buffer.from('00ff13a7c40e9b', 'hex')],
    ['a control character in the request-target', Buffer.from('GET /\x01', 'latin1')],
    ['a bad HTTP-version', Buffer.from('GET / HTTX/1.1', 'latin1')],
  ];
  it.each(NOT_HTTP)(
    'RFC 9112 3: %s gets 400 as soon as the request line cannot be valid',
    async (_name, bytes) => {
      const server = await start({ handshakeTimeoutMs: 60_000 });
      const rejected = once(server, 'rejected');
      const socket = net.connect({ port: server.address().port, host: '127.0.0.1' });
      const chunks: Buffer[] = [];
      socket.on('data', (c: Buffer) => chunks.push(c));
      socket.on('error', () => {});
      await once(socket, 'connect');
      socket.write(bytes); // no FIN: the server must not wait for more
      await once(socket, 'end');
      socket.destroy();
      expect(Buffer.concat(chunks).toString('latin1')).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
      const [info] = (await rejected) as [{ httpStatus: number }];
      expect(info.httpStatus).toBe(400);
    },
  );

  it('RFC 9110 15.5.9: a request head that does not arrive in time gets 408 and a rejected event', async () => {
    const server = await start({ handshakeTimeoutMs: 100 });
    const rejected = once(server, 'rejected');
    const answer = await exchange(server.address().port, 'GET / HTTP/1.1\r\nHost: x\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    const [info] = (await rejected) as [{ httpStatus: number; reason: string }];
    expect(info).toMatchObject({ httpStatus: 408, reason: expect.stringContaining('100 ms') });
  });
});
