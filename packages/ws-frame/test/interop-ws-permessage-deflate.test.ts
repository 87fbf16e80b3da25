/**
 * RFC 7692 interop over loopback with `ws` 8.23, both roles: each combination of context takeover and
 * several window sizes. Every message is echoed and compared on both sides; the frames we received are
 * checked for RSV1, and the bytes on the wire for actual compression.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { type PerMessageDeflateOptions, WebSocket as WsClient, WebSocketServer as WsServer } from 'ws';
import {
  connectWebSocket,
  createWebSocketServer,
  type WebSocketConnection,
} from '../src/adapters/node-net.js';
import type { ProtocolEvent } from '../src/index.js';

const cleanups: Array<() => Promise<unknown> | undefined> = [];
afterEach(async () => {
  // Newest first: connections end before the servers that wait for them.
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Repetitive text (so context takeover shows) and binary of every length form. */
const MESSAGES: ReadonlyArray<string | Uint8Array> = [
  JSON.stringify({ user: '你好', text: 'hello hello hello' }),
  JSON.stringify({ user: '你好', text: 'hello hello hello again' }),
  'x',
  '',
  // A period below 250 bytes, so even a 2^8 window finds the repeats.
  Uint8Array.from({ length: 70_000 }, (_, i) => (i * 7) % 61),
  'chat '.repeat(3000),
];
const TOTAL = MESSAGES.reduce((n, m) => n + (typeof m === 'string' ? Buffer.byteLength(m) : m.length), 0);

interface Row {
  serverNoContextTakeover: boolean;
  clientNoContextTakeover: boolean;
  serverMaxWindowBits?: number;
  clientMaxWindowBits?: number;
}

const ROWS: Row[] = [];
for (const serverNoContextTakeover of [false, true])
  for (const clientNoContextTakeover of [false, true])
    for (const bits of [
      {},
      { serverMaxWindowBits: 9, clientMaxWindowBits: 10 },
      { serverMaxWindowBits: 15, clientMaxWindowBits: 8 },
    ])
      ROWS.push({ serverNoContextTakeover, clientNoContextTakeover, ...bits });

const name = (r: Row) =>
  `server_no_context_takeover=${r.serverNoContextTakeover} client_no_context_takeover=${r.clientNoContextTakeover} ` +
  `server_max_window_bits=${r.serverMaxWindowBits ?? '-'} client_max_window_bits=${r.clientMaxWindowBits ?? '-'}`;

const asBytes = (m: string | Uint8Array) => (typeof m === 'string' ? Buffer.from(m) : Buffer.from(m));

async function waitFor(condition: () => boolean, limit = 20000): Promise<void> {
  for (let i = 0; i < limit && !condition(); i++) await new Promise((r) => setImmediate(r));
  if (!condition()) throw new Error('condition not reached');
}

/** The agreed parameters as they should read in the response (ws and we agree on the same element). */
function expectedParams(r: Row): string[] {
  const params: string[] = [];
  if (r.serverNoContextTakeover) params.push('server_no_context_takeover');
  if (r.clientNoContextTakeover) params.push('client_no_context_takeover');
  if (r.serverMaxWindowBits !== undefined) params.push(`server_max_window_bits=${r.serverMaxWindowBits}`);
  if (r.clientMaxWindowBits !== undefined) params.push(`client_max_window_bits=${r.clientMaxWindowBits}`);
  return params.sort();
}
const paramsOf = (header: string) =>
  header
    .split(';')
    .slice(1)
    .map((p) => p.trim().replace(/\s/g, ''))
    .sort();

describe('RFC 7692 interop: our server, ws client', () => {
  it.each(ROWS.map((r) => [name(r), r] as const))('%s', async (_name, row) => {
    const server = await createWebSocketServer({
      port: 0,
      perMessageDeflate: { threshold: 0, accept: { clientNoContextTakeover: row.clientNoContextTakeover } },
    });
    cleanups.push(() => server.close());
    const received: Array<string | Uint8Array> = [];
    const frames: ProtocolEvent[] = [];
    let conn: WebSocketConnection | null = null;
    server.on('connection', (c) => {
      conn = c;
      c.on('protocol', (e) => e.type === 'frame-received' && frames.push(e));
      c.on('message', (data) => {
        received.push(data);
        c.send(data);
      });
    });
    const wsOptions: PerMessageDeflateOptions = {
      threshold: 0,
      serverNoContextTakeover: row.serverNoContextTakeover,
      clientNoContextTakeover: row.clientNoContextTakeover,
      ...(row.serverMaxWindowBits !== undefined ? { serverMaxWindowBits: row.serverMaxWindowBits } : {}),
      ...(row.clientMaxWindowBits !== undefined ? { clientMaxWindowBits: row.clientMaxWindowBits } : {}),
    };
    const client = new WsClient(`ws://127.0.0.1:${server.address().port}/`, { perMessageDeflate: wsOptions });
    cleanups.push(async () => client.terminate());
    await once(client, 'open');
    expect(client.extensions).toBe('permessage-deflate');
    expect(paramsOf(conn!.extensions)).toEqual(expectedParams(row));
    const echoes: Buffer[] = [];
    client.on('message', (data) => echoes.push(data as Buffer));
    for (const m of MESSAGES) client.send(m);
    await waitFor(() => echoes.length === MESSAGES.length);
    expect(received).toEqual(MESSAGES.map((m) => (typeof m === 'string' ? m : Uint8Array.from(m))));
    expect(echoes).toEqual(MESSAGES.map(asBytes));
    // Every data frame came compressed (RSV1), and the wire carried far fewer bytes than the messages.
    expect(
      frames
        .filter((f) => f.type === 'frame-received' && f.opcode < 8)
        .map((f) => f.type === 'frame-received' && f.rsv),
    ).toEqual(MESSAGES.map(() => 0b100));
    expect(conn!.socket.bytesRead).toBeLessThan(TOTAL / 2);
    expect(conn!.socket.bytesWritten).toBeLessThan(TOTAL / 2);
    const closed = once(conn!, 'close');
    client.close(1000, 'done');
    expect((await closed)[0]).toBe(1000);
  });
});

describe('RFC 7692 interop: our client, ws server', () => {
  it.each(ROWS.map((r) => [name(r), r] as const))('%s', async (_name, row) => {
    const wss = new WsServer({
      port: 0,
      host: '127.0.0.1',
      perMessageDeflate: { threshold: 0, clientNoContextTakeover: row.clientNoContextTakeover },
    });
    await once(wss, 'listening');
    cleanups.push(() => new Promise((r) => wss.close(r)));
    const received: Buffer[] = [];
    wss.on('connection', (ws) =>
      ws.on('message', (data, isBinary) => {
        received.push(data as Buffer);
        ws.send(data, { binary: isBinary });
      }),
    );
    const echoes: Array<string | Uint8Array> = [];
    const frames: number[] = [];
    const offer = {
      ...(row.serverNoContextTakeover ? { serverNoContextTakeover: true } : {}),
      ...(row.clientNoContextTakeover ? { clientNoContextTakeover: true } : {}),
      ...(row.serverMaxWindowBits !== undefined ? { serverMaxWindowBits: row.serverMaxWindowBits } : {}),
      clientMaxWindowBits: row.clientMaxWindowBits ?? true,
    } as const;
    const address = wss.address() as { port: number };
    const conn = await connectWebSocket(`ws://127.0.0.1:${address.port}/`, {
      perMessageDeflate: { threshold: 0, offers: [offer] },
      onConnection: (c) => {
        c.on('message', (data) => echoes.push(data));
        c.on('protocol', (e) => e.type === 'frame-received' && e.opcode < 8 && frames.push(e.rsv));
      },
    });
    cleanups.push(async () => conn.terminate());
    expect(paramsOf(conn.extensions)).toEqual(expectedParams(row));
    for (const m of MESSAGES) conn.send(m);
    await waitFor(() => echoes.length === MESSAGES.length).catch(() => {
      throw new Error(`received ${received.length}, echoed ${echoes.length}: ${conn.state}`);
    });
    expect(received).toEqual(MESSAGES.map(asBytes));
    expect(echoes).toEqual(MESSAGES.map((m) => (typeof m === 'string' ? m : Uint8Array.from(m))));
    expect(frames).toEqual(MESSAGES.map(() => 0b100));
    expect(conn.socket.bytesWritten).toBeLessThan(TOTAL / 2);
    const closed = once(conn, 'close');
    conn.close(1000);
    expect((await closed)[0]).toBe(1000);
  });
});
