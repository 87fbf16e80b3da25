/**
 * RFC 7692 against a real browser: headless Chromium offers permessage-deflate on every connection
 * (`permessage-deflate; client_max_window_bits`); `synack serve --mode chat` accepts it, and two pages
 * chat with compressed messages both ways. A byte-counting TCP relay between the browser and the server
 * shows the compression on the wire; with `--no-deflate` the same chat goes uncompressed.
 */
import net from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, HAVE_CHROMIUM } from '../../../test-support/chromium.js';
import { startTestServer, type TestServer, waitFor } from './serve-helpers.js';

/** A loopback relay to `port` that counts the bytes each way. */
async function countingRelay(
  port: number,
): Promise<{ port: number; up: () => number; down: () => number; close: () => void }> {
  let up = 0;
  let down = 0;
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const server = net.connect({ port, host: '127.0.0.1' });
    for (const s of [client, server]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    }
    client.on('data', (c: Buffer) => (up += c.length));
    server.on('data', (c: Buffer) => (down += c.length));
    client.pipe(server);
    server.pipe(client);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  return {
    port: (relay.address() as net.AddressInfo).port,
    up: () => up,
    down: () => down,
    close: () => {
      for (const s of sockets) s.destroy();
      relay.close();
    },
  };
}

describe.skipIf(!HAVE_CHROMIUM)('headless Chromium: a compressed chat with synack serve (RFC 7692)', () => {
  let browser: Browser;
  const servers: TestServer[] = [];
  const relays: Array<{ close: () => void }> = [];

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_ARGS],
      timeout: 30_000,
    });
  }, 40_000);
  afterAll(async () => {
    await browser?.close();
    for (const r of relays) r.close();
    for (const s of servers) await s.handle.stop('test', 500);
  });

  /** Two pages join the chat through the relay; each says `lines` long lines; returns what each saw. */
  async function chat(deflate: boolean) {
    const server = await startTestServer({ mode: 'chat', perMessageDeflate: deflate });
    servers.push(server);
    const relay = await countingRelay(server.port);
    relays.push(relay);
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${server.port}/?ming=Page`);
    const result = await page.evaluate(async (host) => {
      const join = (name: string) =>
        new Promise<{ ws: WebSocket; got: string[] }>((resolve, reject) => {
          const ws = new WebSocket(`ws://${host}/`);
          const got: string[] = [];
          ws.onmessage = (e) => got.push(String(e.data));
          ws.onopen = () => {
            ws.send(`type=add&ming=${name}`);
            resolve({ ws, got });
          };
          ws.onerror = reject;
        });
      const a = await join('Alice');
      const b = await join('Bob');
      const line = (who: string, i: number) => `${who} ${i}: ${'你好, the chat goes on and on. '.repeat(60)}`;
      for (let i = 0; i < 5; i++) {
        a.ws.send(line('alice', i));
        b.ws.send(line('bob', i));
      }
      const said = (got: string[]) => got.map((g) => JSON.parse(g)).filter((m) => m.type === 'message');
      for (let t = 0; t < 400 && (said(a.got).length < 10 || said(b.got).length < 10); t++)
        await new Promise((r) => setTimeout(r, 25));
      const texts = (got: string[]) =>
        said(got).map(
          (m) =>
            `${m.from}:${m.text.length}:${m.text === line(m.from === 'Alice' ? 'alice' : 'bob', Number(m.text.split(' ')[1]!.slice(0, -1)))}`,
        );
      const out = { extensions: [a.ws.extensions, b.ws.extensions], alice: texts(a.got), bob: texts(b.got) };
      a.ws.close(1000);
      b.ws.close(1000);
      return out;
    }, `127.0.0.1:${relay.port}`);
    await page.close();
    await waitFor(() => server.logs.filter((l) => l.event === 'close').length >= 3, 'close logs', 10_000);
    return { result, server, up: relay.up(), down: relay.down() };
  }

  it('Chromium and synack serve agree on permessage-deflate; every chat line arrives intact, compressed on the wire', async () => {
    const { result, server, up, down } = await chat(true);
    expect(result.extensions).toEqual(['permessage-deflate', 'permessage-deflate']);
    const expectedLines = [...Array(10)].map(() => expect.stringMatching(/^(Alice|Bob):\d+:true$/));
    expect(result.alice).toEqual(expectedLines);
    expect(result.bob).toEqual(expectedLines);
    const opens = server.logs.filter((l) => l.event === 'open');
    expect(opens.slice(1).map((l) => l.event === 'open' && l.extensions)).toEqual([
      'permessage-deflate',
      'permessage-deflate',
    ]);
    // 10 lines of about 2 KiB each went up, 20 broadcasts came down: compressed, a small fraction.
    expect(up).toBeLessThan(6_000);
    expect(down).toBeLessThan(12_000);
  }, 60_000);

  it('with --no-deflate the offer is refused and the same chat travels uncompressed', async () => {
    const { result, up, down } = await chat(false);
    expect(result.extensions).toEqual(['', '']);
    expect(result.alice.length).toBe(10);
    expect(up).toBeGreaterThan(20_000);
    expect(down).toBeGreaterThan(40_000);
  }, 60_000);
});
