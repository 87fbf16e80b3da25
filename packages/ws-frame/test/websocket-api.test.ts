/**
 * The browser-shaped WebSocket (WHATWG WebSockets) over a ByteStream: the blog's client snippet runs
 * unchanged apart from the URL; events are dispatched in later tasks through the injected scheduler.
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebSocketServer } from '../src/adapters/node-net.js';
import { type ByteStream, defineWebSocket, WebSocket, WebSocketProtocol } from '../src/index.js';
import { seededRandom } from './helpers/fixtures.js';

const cleanups: Array<() => Promise<unknown> | undefined> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** An in-memory stream whose far end is a server WebSocketProtocol. */
class LoopbackStream extends EventEmitter implements ByteStream {
  readonly server = new WebSocketProtocol({ role: 'server', handshake: { selectProtocol: (o) => o[0] } });
  ended = false;
  /** Close frames the server received, as its `close` events reported them. */
  readonly closesReceived: Array<{ code: number; reason: string }> = [];
  write(data: Uint8Array): boolean {
    this.server.receive(data.slice());
    this.deliver();
    return true;
  }
  end(): void {
    this.ended = true;
    this.server.receiveEof();
    this.deliver();
  }
  destroy(): void {
    this.emit('close', false);
  }
  deliver(): void {
    let end = false;
    for (const e of this.server.takeEvents()) {
      if (e.type === 'message') this.server.send(e.data);
      if (e.type === 'close') this.closesReceived.push({ code: e.code, reason: e.reason });
      if (e.type === 'end-transport') end = true;
    }
    // TCP order: the bytes written before the FIN arrive before it.
    for (const b of this.server.takeOutgoing()) queueMicrotask(() => this.emit('data', b));
    if (end) queueMicrotask(() => this.emit('end'));
  }
}

describe('WHATWG WebSocket interface over a ByteStream', () => {
  it('RFC 6455 4.1 / WHATWG: open, message and close are dispatched in later tasks, never synchronously', async () => {
    const tasks: Array<() => void> = [];
    const stream = new LoopbackStream();
    const ws = new WebSocket('ws://example.com/chat', ['chat'], {
      transport: stream,
      random: seededRandom(),
      schedule: (fn) => tasks.push(fn),
    });
    const log: string[] = [];
    ws.onopen = () => log.push(`open ${ws.readyState} ${ws.protocol}`);
    ws.onmessage = (e) => log.push(`message ${String(e.data)}`);
    ws.addEventListener('close', (e) => log.push(`close ${e.code} ${e.wasClean}`));
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    await new Promise((r) => setImmediate(r));
    // The handshake completed on the wire, but no event has run: they wait for the scheduler.
    expect(log).toEqual([]);
    expect(ws.readyState).toBe(0);
    tasks.splice(0).forEach((t) => {
      t();
    });
    expect(log).toEqual(['open 1 chat']);
    ws.send('hello 你好');
    await new Promise((r) => setImmediate(r));
    tasks.splice(0).forEach((t) => {
      t();
    });
    expect(log).toEqual(['open 1 chat', 'message hello 你好']);
    ws.close(1000, 'done');
    expect(ws.readyState).toBe(WebSocket.CLOSING);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      tasks.splice(0).forEach((t) => {
        t();
      });
    }
    expect(log.at(-1)).toBe('close 1000 true');
    expect(ws.readyState).toBe(WebSocket.CLOSED);
  });

  it('WHATWG: send() while CONNECTING throws InvalidStateError; bad close codes throw InvalidAccessError', () => {
    const ws = new WebSocket('ws://example.com/', undefined, {
      transport: new LoopbackStream(),
      random: seededRandom(),
    });
    expect(() => ws.send('x')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_STATE' }));
    expect(() => ws.close(1001)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ACCESS' }));
    expect(() => ws.close(1000, 'x'.repeat(124))).toThrow(expect.objectContaining({ code: 'ERR_SYNTAX' }));
    expect(() => new WebSocket('ftp://x/', undefined, { transport: new LoopbackStream() })).toThrow(
      expect.objectContaining({ code: 'ERR_SYNTAX' }),
    );
    expect(() => new WebSocket('ws://x/#frag', undefined, { transport: new LoopbackStream() })).toThrow(
      expect.objectContaining({ code: 'ERR_SYNTAX' }),
    );
  });

  // WHATWG "close the WebSocket": "If reason is non-empty but code is null, then set code to 1000";
  // with neither, the Close frame has no body (the server reports 1005).
  const closeArguments: Array<[string, Parameters<WebSocket['close']>, { code: number; reason: string }]> = [
    ['close()', [], { code: 1005, reason: '' }],
    ["close(undefined, '')", [undefined, ''], { code: 1005, reason: '' }],
    ["close(undefined, 'bye') sends 1000", [undefined, 'bye'], { code: 1000, reason: 'bye' }],
    ["close(undefined, '再见') sends 1000", [undefined, '再见'], { code: 1000, reason: '再见' }],
    ['close(1000)', [1000], { code: 1000, reason: '' }],
    ["close(3001, 'x')", [3001, 'x'], { code: 3001, reason: 'x' }],
  ];
  it.each(closeArguments)(
    'WHATWG close(): %s reaches the server as the right Close frame',
    async (_name, args, sent) => {
      const stream = new LoopbackStream();
      const ws = new WebSocket('ws://example.com/', undefined, { transport: stream, random: seededRandom() });
      await new Promise<void>((resolve) => {
        ws.onopen = () => resolve();
      });
      const closed = new Promise<{ code: number; wasClean: boolean }>((resolve) => {
        ws.onclose = (e) => resolve({ code: e.code, wasClean: e.wasClean });
      });
      ws.close(...args);
      // The server echoes the status code (RFC 6455 5.5.1), so a clean close reports what was sent.
      expect(await closed).toEqual({ code: sent.code, wasClean: true });
      expect(stream.closesReceived).toEqual([sent]);
    },
  );

  it('WHATWG: binaryType arraybuffer delivers ArrayBuffer; a failed handshake fires error then close 1006', async () => {
    const ws = new WebSocket('ws://example.com/', undefined, {
      transport: new LoopbackStream(),
      random: seededRandom(),
    });
    ws.binaryType = 'arraybuffer';
    const got = new Promise<unknown>((resolve) => {
      ws.onmessage = (e) => resolve(e.data);
    });
    ws.onopen = () => ws.send(new Uint8Array([1, 2, 3]));
    const data = await got;
    expect(() => ws.send(new Blob(['x']) as unknown as ArrayBuffer)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }),
    );
    expect(data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(data as ArrayBuffer)]).toEqual([1, 2, 3]);

    const refusing = new EventEmitter() as EventEmitter & ByteStream;
    Object.assign(refusing, {
      write: () => {
        queueMicrotask(() =>
          refusing.emit(
            'data',
            new TextEncoder().encode('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'),
          ),
        );
        return true;
      },
      end: () => queueMicrotask(() => refusing.emit('close', false)),
      destroy: () => {},
    });
    const bad = new WebSocket('ws://example.com/', undefined, {
      transport: refusing,
      random: seededRandom(),
    });
    const events: string[] = [];
    bad.onerror = () => events.push('error');
    await new Promise<void>((resolve) => {
      bad.onclose = (e) => {
        events.push(`close ${e.code} ${e.wasClean}`);
        resolve();
      };
    });
    expect(events).toEqual(['error', 'close 1006 false']);
  });

  it('RFC 6455 7.1.1: with injected timers, a server that never answers our close frame is dropped after closeTimeoutMs', async () => {
    const stream = new LoopbackStream();
    const pending: Array<{ fn: () => void; ms: number }> = [];
    const timers = {
      setTimeout: (fn: () => void, ms: number) => pending.push({ fn, ms }),
      clearTimeout: () => {},
    };
    const ws = new WebSocket('ws://example.com/', undefined, {
      transport: stream,
      random: seededRandom(),
      timers,
      closeTimeoutMs: 250,
    });
    await new Promise<void>((resolve) => {
      ws.onopen = () => resolve();
    });
    // From now on the peer swallows everything: no close frame, no FIN.
    stream.write = () => true;
    let destroyed = false;
    stream.destroy = () => {
      destroyed = true;
      stream.emit('close', true);
    };
    const closed = new Promise<{ code: number; wasClean: boolean }>((resolve) => {
      ws.onclose = (e) => resolve({ code: e.code, wasClean: e.wasClean });
    });
    ws.close(1000);
    expect(pending.map((t) => t.ms)).toEqual([250]);
    expect(destroyed).toBe(false);
    pending[0]!.fn();
    expect(destroyed).toBe(true);
    expect(await closed).toEqual({ code: 1006, wasClean: false });
  });

  it("the blog's client snippet runs unchanged apart from the URL against our node server", async () => {
    const server = await createWebSocketServer({ port: 0 });
    cleanups.push(() => server.close());
    server.on('connection', (conn) => {
      conn.on('message', (data) => conn.send(JSON.stringify({ Muxer: '你好', got: String(data) })));
    });
    const port = server.address().port;
    const WebSocket = defineWebSocket({ transport: (url) => net.connect(Number(url.port), url.hostname) });
    const replies: unknown[] = [];
    const closed = new Promise<number>((resolve) => {
      // --- the blog's snippet (with `so.readyState` read as the intended `ws.readyState`) ---
      const ws = new WebSocket(`ws://127.0.0.1:${port}`);
      let n = 0;
      ws.onopen = () => {
        if (ws.readyState === 1) {
          n += 1;
          ws.send(`type=add&ming=${n}`);
        }
      };
      ws.onmessage = (e) => {
        replies.push(JSON.parse(String(e.data)));
        ws.close();
      };
      ws.onerror = () => replies.push('error');
      ws.onclose = (e) => resolve(e.code);
    });
    expect(await closed).toBe(1005);
    expect(replies).toEqual([{ Muxer: '你好', got: 'type=add&ming=1' }]);
  });
});
