/**
 * `synack serve` against bad clients, over real loopback sockets: each gets the protocol's answer, the
 * server keeps serving a well-behaved `ws` client meanwhile, and nothing leaks (sockets and WebSocket
 * connections back to 0, no timer left pending after stop).
 */
import { once } from 'node:events';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as WsClient } from 'ws';
import {
  clientFrame,
  RawPeer,
  serverCloseCode,
  startTestServer,
  type TestServer,
  upgradeRequest,
  waitFor,
} from './serve-helpers.js';

/** Counts timers created while installed that have neither fired nor been cleared. */
const timers = (() => {
  const pending = new Set<unknown>();
  const saved = { setTimeout, clearTimeout, setInterval, clearInterval };
  return {
    install() {
      globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
        const handle = saved.setTimeout(
          (...a: unknown[]) => {
            pending.delete(handle);
            fn(...a);
          },
          ms,
          ...args,
        );
        pending.add(handle);
        return handle;
      }) as typeof setTimeout;
      globalThis.setInterval = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
        const handle = saved.setInterval(fn, ms, ...args);
        pending.add(handle);
        return handle;
      }) as typeof setInterval;
      globalThis.clearTimeout = ((handle: Parameters<typeof clearTimeout>[0]) => {
        pending.delete(handle);
        saved.clearTimeout(handle);
      }) as typeof clearTimeout;
      globalThis.clearInterval = ((handle: Parameters<typeof clearInterval>[0]) => {
        pending.delete(handle);
        saved.clearInterval(handle);
      }) as typeof clearInterval;
    },
    restore() {
      Object.assign(globalThis, saved);
    },
    get pending() {
      return pending.size;
    },
  };
})();

let server: TestServer;
let good: WsClient;
const raws: RawPeer[] = [];

async function serve(options: Parameters<typeof startTestServer>[0] = {}): Promise<void> {
  server = await startTestServer(options);
  good = new WsClient(`ws://127.0.0.1:${server.port}/`);
  await once(good, 'open');
}

async function raw(): Promise<RawPeer> {
  const peer = await RawPeer.connect(server.port);
  raws.push(peer);
  return peer;
}

/** The well-behaved client still gets its echo. */
async function goodClientIsServed(): Promise<void> {
  const echo = new Promise<string>((resolve) => good.once('message', (d) => resolve(String(d))));
  good.send('still there? 你好');
  expect(await echo).toBe('still there? 你好');
}

/** Nothing left behind once the bad client is gone and the server stopped. */
async function expectNoLeaks(): Promise<void> {
  for (const r of raws.splice(0)) r.destroy();
  await waitFor(() => server.handle.socketCount === 1, 'only the good client left');
  expect(server.handle.connectionCount).toBe(1);
  good.close(1000);
  await waitFor(() => server.handle.socketCount === 0, 'sockets back to 0');
  expect(server.handle.connectionCount).toBe(0);
  await server.handle.stop('test', 500);
  expect(timers.pending).toBe(0);
}

beforeAll(() => timers.install());
afterAll(() => timers.restore());
afterEach(async () => {
  for (const r of raws.splice(0)) r.destroy();
  good?.terminate();
  await server?.handle.stop('test', 200);
});

describe('RFC 6455 4.2.1 / 4.4: bad opening handshakes get an HTTP answer', () => {
  it.each([
    ['garbage instead of HTTP', 400, '\x16\x03\x01\x00\xa5 not http at all\r\n\r\n'],
    ['a request without Sec-WebSocket-Key', 400, upgradeRequest({ 'Sec-WebSocket-Key': null })],
    ['a key that is not 16 bytes of base64', 400, upgradeRequest({ 'Sec-WebSocket-Key': 'c2hvcnQ=' })],
    ['Sec-WebSocket-Version: 8 (4.4: 426 listing 13)', 426, upgradeRequest({ 'Sec-WebSocket-Version': '8' })],
    ['a POST upgrade', 400, upgradeRequest().replace('GET', 'POST')],
  ])('%s: %i, then TCP closed', async (_name, status, request) => {
    await serve();
    const peer = await raw();
    peer.socket.write(Buffer.from(request, 'latin1'));
    await peer.closedWithin();
    expect(peer.text()).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    if (status === 426) expect(peer.text()).toContain('Sec-WebSocket-Version: 13');
    await waitFor(() => server.logs.some((l) => l.event === 'rejected'), 'rejected log');
    expect(server.logs.find((l) => l.event === 'rejected')).toMatchObject({ status });
    await goodClientIsServed();
    await expectNoLeaks();
  });

  it('RFC 6585 5: a request head above --max-handshake gets 431', async () => {
    await serve({ maxHandshakeBytes: 1024 });
    const peer = await raw();
    peer.socket.write(upgradeRequest({ Cookie: 'x'.repeat(2000) }));
    await peer.closedWithin();
    expect(peer.text()).toMatch(/^HTTP\/1\.1 431 /);
    await goodClientIsServed();
    await expectNoLeaks();
  });

  it('RFC 9110 15.5.9: a peer that sends half a request head and goes quiet gets 408 at the handshake timeout, logged', async () => {
    await serve({ handshakeTimeoutMs: 100 });
    const peer = await raw();
    peer.socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    await peer.closedWithin(2000);
    expect(peer.text()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    expect(server.logs.find((l) => l.event === 'rejected')).toMatchObject({ status: 408 });
    await goodClientIsServed();
    await expectNoLeaks();
  });
});

describe('RFC 6455 7.1.7: protocol violations fail the connection with the mapped close code', () => {
  const utf8 = (s: string) => new TextEncoder().encode(s);
  it.each([
    ['5.1: an unmasked client frame', 1002, clientFrame(0x1, utf8('hi'), null), 'WS_ERR_EXPECTED_MASK'],
    ['5.2: a reserved opcode 0x3', 1002, clientFrame(0x3, utf8('hi')), 'WS_ERR_INVALID_OPCODE'],
    [
      '8.1: invalid UTF-8 in a text message',
      1007,
      clientFrame(0x1, Uint8Array.of(0xc3, 0x28)),
      'WS_ERR_INVALID_UTF8',
    ],
    [
      '10.4: a message above --max-payload',
      1009,
      clientFrame(0x2, new Uint8Array(2000)),
      'WS_ERR_MESSAGE_TOO_BIG',
    ],
  ])('%s: close %i, logged with the code', async (_name, code, frame, note) => {
    await serve({ maxPayload: 1024 });
    const peer = await raw();
    await peer.upgrade();
    peer.socket.write(frame);
    await waitFor(() => serverCloseCode(peer.frames()) !== null, 'a close frame');
    expect(serverCloseCode(peer.frames())).toBe(code);
    await peer.closedWithin();
    await waitFor(() => server.logs.some((l) => l.event === 'close'), 'close log');
    expect(server.logs.find((l) => l.event === 'close')).toMatchObject({ code, by: 'server', note });
    await goodClientIsServed();
    await expectNoLeaks();
  });
});

describe('misbehaving transports', () => {
  it('RFC 6455 7.1.5: a peer that disconnects mid-frame is closed as 1006 by the transport', async () => {
    await serve();
    const peer = await raw();
    await peer.upgrade();
    peer.socket.write(clientFrame(0x2, new Uint8Array(1000)).subarray(0, 300));
    await waitFor(() => server.handle.socketCount === 2, 'both connected');
    peer.destroy();
    await waitFor(() => server.logs.some((l) => l.event === 'close'), 'close log');
    expect(server.logs.find((l) => l.event === 'close')).toMatchObject({ code: 1006, by: 'transport' });
    await goodClientIsServed();
    await expectNoLeaks();
  });

  it('backpressure: a peer that stops reading is not read either; what we buffer for it stays bounded', async () => {
    await serve();
    const peer = await raw();
    await peer.upgrade();
    peer.socket.pause();
    const frame = clientFrame(0x2, new Uint8Array(64 * 1024));
    // 32 MiB of echo requests, written as fast as the kernel takes them.
    let written = 0;
    const writeMore = () => {
      while (written < 512 && peer.socket.write(frame)) written++;
    };
    peer.socket.on('drain', writeMore);
    writeMore();
    let peak = 0;
    for (let i = 0; i < 40; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      peak = Math.max(peak, server.handle.bufferedBytes);
    }
    expect(written).toBeLessThan(512);
    expect(peak).toBeLessThan(4 * 1024 * 1024);
    await goodClientIsServed();
    await expectNoLeaks();
  });

  it('chat: a member that stops reading is dropped once its queue passes the cap; the rest go on', async () => {
    await serve({ mode: 'chat', maxBufferedBytes: 1024 * 1024 });
    const slow = await raw();
    await slow.upgrade();
    slow.socket.write(clientFrame(0x1, new TextEncoder().encode('type=add&ming=slow')));
    slow.socket.pause();
    // Loopback kernel buffers absorb a few MiB before the server's own queue grows: send up to 48 MiB.
    const text = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 768 && !slow.closed; i++) {
      good.send(text);
      if (i % 8 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await waitFor(() => server.logs.some((l) => l.event === 'close'), 'the slow member dropped');
    expect(server.logs.find((l) => l.event === 'close')).toMatchObject({
      code: 1006,
      by: 'server',
      note: expect.stringMatching(/^slow reader/),
    });
    // Drain what the good client was sent so far, then check it is still served.
    await new Promise((resolve) => setTimeout(resolve, 50));
    good.removeAllListeners('message');
    const echo = new Promise<string>((resolve) =>
      good.on('message', (d) => {
        if (String(d).includes('still here')) resolve(String(d));
      }),
    );
    good.send('still here');
    expect(JSON.parse(await echo)).toMatchObject({ type: 'message', text: 'still here' });
    await expectNoLeaks();
  });

  it('RFC 6455 5.5.2: a peer that never answers pings is dropped as dead', async () => {
    await serve({ pingIntervalMs: 150 });
    const peer = await raw();
    await peer.upgrade();
    // The raw peer reads but never answers the pings (the ws client does, and stays).
    await peer.closedWithin(2000);
    expect(peer.frames()[0]).toBe(0x89);
    expect(server.logs.find((l) => l.event === 'close')).toMatchObject({
      code: 1006,
      by: 'server',
      note: 'dead peer: no pong',
    });
    await goodClientIsServed();
    await expectNoLeaks();
  });

  it('idle timeout: no message either way for the timeout closes with 1001 "idle timeout"', async () => {
    await serve({ idleTimeoutMs: 80 });
    const [code, reason] = await once(good, 'close');
    expect(code).toBe(1001);
    expect(String(reason)).toBe('idle timeout');
    await waitFor(() => server.handle.socketCount === 0, 'sockets back to 0');
    await server.handle.stop('test', 200);
    expect(timers.pending).toBe(0);
  });
});
