/**
 * node:net adapter: what the server writes while handling one read leaves in one writev (the socket is
 * corked around the read), and a large frame's header and payload leave together: fewer syscalls and
 * fewer TCP segments. Observed through the stream's implementer hooks: each call of `_write` or
 * `_writev` on the server's socket is one write to the kernel.
 */
import { once } from 'node:events';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createWebSocketServer, type WebSocketServer } from '../src/adapters/node-net.js';
import { encodeFrame, Opcode } from '../src/index.js';
import { concat, hex, utf8 } from './helpers/fixtures.js';

const MASK = hex('0a0b0c0d');
const REQUEST =
  'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

let server: WebSocketServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

type Hooked = net.Socket & {
  _write: (...args: unknown[]) => void;
  _writev: (...args: unknown[]) => void;
};

/**
 * Upgrades a raw socket and writes `frames` in one write; resolves with the first chunk read back and
 * the number of kernel writes the server made for it.
 */
async function firstChunkAfter(frames: Uint8Array): Promise<{ chunk: Buffer; writes: number }> {
  server = await createWebSocketServer({ port: 0 });
  let writes = 0;
  server.on('connection', (c) => {
    const socket = c.socket as Hooked;
    const write = socket._write.bind(socket);
    const writev = socket._writev.bind(socket);
    socket._write = (...args) => {
      writes++;
      write(...args);
    };
    socket._writev = (...args) => {
      writes++;
      writev(...args);
    };
    c.on('message', (data) => c.send(data));
  });
  const socket = net.connect({ port: server.address().port, host: '127.0.0.1' });
  await once(socket, 'connect');
  socket.write(REQUEST);
  const [head] = (await once(socket, 'data')) as [Buffer];
  expect(head.toString('latin1')).toMatch(/^HTTP\/1\.1 101 /);
  writes = 0; // the 101 went out in its own write
  socket.write(frames);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  socket.destroy();
  return { chunk, writes };
}

describe('node:net adapter write coalescing', () => {
  it('ten messages in one read are echoed in one write (the peer reads them in one chunk)', async () => {
    const frames = concat(
      ...Array.from({ length: 10 }, (_, i) =>
        encodeFrame({ opcode: Opcode.Text, payload: utf8(`m${i}`) }, { mask: MASK }),
      ),
    );
    const { chunk, writes } = await firstChunkAfter(frames);
    expect(writes).toBe(1);
    // Each echo is 0x81 0x02 'm' digit: 4 bytes, unmasked.
    expect(chunk.length).toBe(40);
    expect(chunk.subarray(36).toString('latin1')).toBe('\x81\x02m9');
  });

  it('a 5,000-byte message: header and payload leave together', async () => {
    const payload = Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff);
    const { chunk, writes } = await firstChunkAfter(
      encodeFrame({ opcode: Opcode.Binary, payload }, { mask: MASK }),
    );
    expect(writes).toBe(1);
    expect(chunk.length).toBe(4 + 5000);
    expect(new Uint8Array(chunk.subarray(4))).toEqual(payload);
  });
});
