/**
 * The browser-shaped WebSocket with permessage-deflate (RFC 7692) against our node server: it offers
 * the extension as browsers do, `extensions` reports what was agreed, and messages cross compressed.
 */
import net from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { createWebSocketServer } from '../src/adapters/node-net.js';
import { defineWebSocket, type ProtocolEvent, pakoCodec } from '../src/index.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

it.each([
  [
    'the server accepts: extensions is permessage-deflate and frames carry RSV1',
    true,
    'permessage-deflate',
    0b100,
  ],
  ['the server refuses: extensions is empty and frames go plain', false, '', 0],
])('%s', async (_why, serverDeflate, agreed, rsv) => {
  const server = await createWebSocketServer({
    port: 0,
    perMessageDeflate: serverDeflate && { threshold: 0 },
  });
  cleanups.push(() => server.close());
  server.on('connection', (conn) => conn.on('message', (data) => conn.send(data)));
  const sent: ProtocolEvent[] = [];
  const WebSocket = defineWebSocket({
    transport: (url) => net.connect(Number(url.port), url.hostname),
    perMessageDeflate: { codec: pakoCodec, threshold: 0 },
    onProtocolEvent: (e) => e.type === 'frame-sent' && e.opcode === 1 && sent.push(e),
  });
  const ws = new WebSocket(`ws://127.0.0.1:${server.address().port}/`);
  await new Promise((resolve) => {
    ws.onopen = resolve;
  });
  expect(ws.extensions).toBe(agreed);
  const text = '你好, permessage-deflate. '.repeat(500);
  const echo = new Promise<unknown>((resolve) => {
    ws.onmessage = (e) => resolve(e.data);
  });
  ws.send(text);
  expect(await echo).toBe(text);
  expect(sent.map((e) => e.type === 'frame-sent' && e.rsv)).toEqual([rsv]);
  const closed = new Promise<number>((resolve) => {
    ws.onclose = (e) => resolve(e.code);
  });
  ws.close(1000);
  expect(await closed).toBe(1000);
});
