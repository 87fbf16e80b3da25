/**
 * Interop with a real browser: headless Chromium (Debian's `chromium`, driven by playwright-core through
 * `executablePath`) opens a WebSocket to our node:net server and exchanges text with 你好, binary of every
 * length form (0/125/126/65535/65536/1 MiB), answers our ping, and closes cleanly both ways. Without
 * Chromium the suite is skipped with a message, except under CI, where it fails.
 */
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, HAVE_CHROMIUM } from '../../../test-support/chromium.js';
import {
  createWebSocketServer,
  type WebSocketConnection,
  type WebSocketServer,
} from '../src/adapters/node-net.js';

const SIZES = [0, 125, 126, 65535, 65536, 1024 * 1024];

describe.skipIf(!HAVE_CHROMIUM)('RFC 6455 interop: our server, Chromium client', () => {
  let browser: Browser;
  let server: WebSocketServer;
  const connections: WebSocketConnection[] = [];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout: 30_000,
    });
    server = await createWebSocketServer({
      port: 0,
      handleProtocols: (offered) => offered.find((p) => p === 'chat'),
    });
    server.on('connection', (conn) => {
      connections.push(conn);
      conn.on('message', (data) => conn.send(data));
    });
  }, 40_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('RFC 6455 5.6/5.5/7: echo of 你好 and binary 0..1 MiB, our ping answered, client close 4000 seen on both sides', async () => {
    const page = await browser.newPage();
    const serverClose = new Promise<unknown[]>((resolve) => {
      server.once('connection', (conn) => {
        conn.on('close', (...args) => resolve(args));
        conn.once('message', () => conn.ping('are you there'));
      });
    });
    const pong = new Promise<string>((resolve) => {
      server.once('connection', (conn) => conn.on('pong', (data) => resolve(new TextDecoder().decode(data))));
    });
    const result = await page.evaluate(
      async ({ url, sizes }) => {
        const ws = new WebSocket(url, ['chat']);
        ws.binaryType = 'arraybuffer';
        const replies: Array<string | number[]> = [];
        await new Promise((resolve, reject) => {
          ws.onopen = resolve;
          ws.onerror = reject;
        });
        const done = new Promise<void>((resolve) => {
          ws.onmessage = (e) => {
            if (typeof e.data === 'string') replies.push(e.data);
            else {
              const bytes = new Uint8Array(e.data as ArrayBuffer);
              // Length plus a checksum keeps the result small while proving every byte came back.
              replies.push([bytes.length, bytes.reduce((sum, b, i) => (sum + b * (i + 1)) % 1_000_003, 0)]);
            }
            if (replies.length === sizes.length + 1) resolve();
          };
        });
        ws.send(JSON.stringify({ Muxer: '你好' }));
        for (const n of sizes) ws.send(Uint8Array.from({ length: n }, (_, i) => (i * 7 + n) & 0xff));
        await done;
        const closed = new Promise<{ code: number; reason: string; wasClean: boolean }>((resolve) => {
          ws.onclose = (e) => resolve({ code: e.code, reason: e.reason, wasClean: e.wasClean });
        });
        ws.close(4000, 'bye 再见');
        return { protocol: ws.protocol, replies, close: await closed };
      },
      { url: `ws://127.0.0.1:${server.address().port}/chat`, sizes: SIZES },
    );
    const checksum = (n: number) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum = (sum + ((i * 7 + n) & 0xff) * (i + 1)) % 1_000_003;
      return sum;
    };
    expect(result.protocol).toBe('chat');
    expect(result.replies).toEqual([
      JSON.stringify({ Muxer: '你好' }),
      ...SIZES.map((n) => [n, checksum(n)]),
    ]);
    expect(result.close).toEqual({ code: 4000, reason: '', wasClean: true });
    expect(await serverClose).toEqual([4000, 'bye 再见', true]);
    expect(await pong).toBe('are you there');
    await page.close();
  });

  it('RFC 6455 7.1.2: a close started by our server reaches Chromium with its code and reason, cleanly', async () => {
    const page = await browser.newPage();
    server.once('connection', (conn) => conn.once('message', () => conn.close(4001, 'server says 再见')));
    const close = await page.evaluate(async (url) => {
      const ws = new WebSocket(url);
      await new Promise((resolve) => {
        ws.onopen = resolve;
      });
      const closed = new Promise<{ code: number; reason: string; wasClean: boolean }>((resolve) => {
        ws.onclose = (e) => resolve({ code: e.code, reason: e.reason, wasClean: e.wasClean });
      });
      ws.send('close me');
      return closed;
    }, `ws://127.0.0.1:${server.address().port}/`);
    expect(close).toEqual({ code: 4001, reason: 'server says 再见', wasClean: true });
    await page.close();
  });
});
