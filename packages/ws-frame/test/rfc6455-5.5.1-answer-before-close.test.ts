/**
 * RFC 6455 5.5.1: once an endpoint has sent its Close it sends no more data frames. When messages and
 * the peer's Close arrive in one read, the application must still be able to answer the messages: with
 * an event listener the core hands each event over as it happens, so replies queue ahead of the Close.
 */
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebSocketServer, type WebSocketServer } from '../src/adapters/node-net.js';
import { encodeFrame, Opcode, type ProtocolEvent } from '../src/index.js';
import { concat, hex, openServer, outgoing, utf8 } from './helpers/fixtures.js';

const MASK = hex('01020304');
const frame = (opcode: number, payload: Uint8Array) => encodeFrame({ opcode, payload }, { mask: MASK });
const closeFrame = (code: number) => frame(Opcode.Close, Uint8Array.of(code >> 8, code & 255));

describe('RFC 6455 5.5.1: messages ahead of the peer Close can be answered', () => {
  it('setEventListener: queued events first, then each event as it happens', () => {
    const p = openServer();
    p.receive(frame(Opcode.Text, utf8('early')));
    const seen: string[] = [];
    p.setEventListener((e) => seen.push(e.type));
    expect(seen).toEqual(['frame-received', 'message']);
    p.receive(frame(Opcode.Text, utf8('late')));
    expect(seen.slice(2)).toEqual(['frame-received', 'message']);
    expect(p.takeEvents()).toEqual([]);
  });

  it('an echo sent from the listener goes out before the Close reply (one read: two texts + Close)', () => {
    const p = openServer();
    p.setEventListener((e: ProtocolEvent) => {
      if (e.type === 'message' && !e.binary) p.send(e.data);
    });
    p.receive(concat(frame(Opcode.Text, utf8('a')), frame(Opcode.Text, utf8('b')), closeFrame(1000)));
    // 0x81 01 'a', 0x81 01 'b', then the Close echoing 1000 (5.5.1).
    expect(outgoing(p)).toEqual(hex('8101 61 8101 62 8802 03e8'));
  });

  let server: WebSocketServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('node:net: a peer writing two texts and its Close in one write gets both echoes, then the Close', async () => {
    server = await createWebSocketServer({ port: 0 });
    server.on('connection', (c) => c.on('message', (data) => c.send(data)));
    const socket = net.connect({ port: server.address().port, host: '127.0.0.1' });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    await once(socket, 'connect');
    socket.write(
      'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    socket.write(concat(frame(Opcode.Text, utf8('a')), frame(Opcode.Text, utf8('b')), closeFrame(1000)));
    await once(socket, 'end');
    socket.end();
    const all = Buffer.concat(chunks);
    const frames = all.subarray(all.indexOf('\r\n\r\n') + 4);
    expect(new Uint8Array(frames)).toEqual(hex('8101 61 8101 62 8802 03e8'));
  });
});
