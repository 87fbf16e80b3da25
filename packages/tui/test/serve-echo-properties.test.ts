/**
 * Property (fast-check): over a real loopback socket, `synack serve --mode echo` returns every message
 * unchanged and in order, whatever the messages (text or binary, 0 to 70,000 bytes), however they are
 * fragmented (RFC 6455 5.4, with pings between fragments, 5.5.2) and however the bytes are cut into
 * TCP writes: the server is indifferent to chunking. Pings are answered with identical pongs.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFrame, RawPeer, startTestServer, type TestServer, waitFor } from './serve-helpers.js';

interface Message {
  binary: boolean;
  bytes: Uint8Array;
  /** Payload cut points: the message is sent as len+1 frames (first + continuations). */
  cuts: number[];
  /** Ping (with this payload) after the first fragment, if any. */
  ping: Uint8Array | null;
}

const utf8 = new TextEncoder();
const messageArb: fc.Arbitrary<Message> = fc
  .record({
    binary: fc.boolean(),
    text: fc.string({ unit: 'grapheme', maxLength: 40 }),
    size: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 60_000, max: 70_000 })),
    cutFractions: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 3 }),
    ping: fc.option(fc.uint8Array({ maxLength: 125 }), { nil: null }),
  })
  .map(({ binary, text, size, cutFractions, ping }) => {
    const bytes = binary
      ? Uint8Array.from({ length: size }, (_, i) => (i * 13 + size) & 0xff)
      : utf8.encode(`${text}${'你好'.repeat(Math.floor(size / 6))}`);
    const cuts = [...new Set(cutFractions.map((f) => Math.floor(f * bytes.length)))].sort((a, b) => a - b);
    return { binary, bytes, cuts, ping };
  });

/** Client frames for one message: fragments (5.4) with an optional ping after the first. */
function encodeMessage(m: Message, mask: Uint8Array): Buffer[] {
  const bounds = [0, ...m.cuts, m.bytes.length];
  const frames: Buffer[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const opcode = i === 0 ? (m.binary ? 0x2 : 0x1) : 0x0;
    const fin = i + 2 === bounds.length;
    frames.push(clientFrame(opcode, m.bytes.subarray(bounds[i], bounds[i + 1]), mask, fin));
    if (i === 0 && m.ping) frames.push(clientFrame(0x9, m.ping, mask));
  }
  return frames;
}

/** Server frames (unmasked) from the bytes read so far; incomplete tail ignored. */
function serverFrames(bytes: Buffer): Array<{ opcode: number; fin: boolean; payload: Buffer }> {
  const frames: Array<{ opcode: number; fin: boolean; payload: Buffer }> = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    let length = (bytes[at + 1] ?? 0) & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      if (offset + 2 > bytes.length) break;
      length = bytes.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      if (offset + 8 > bytes.length) break;
      length = Number(bytes.readBigUInt64BE(offset));
      offset += 8;
    }
    if (offset + length > bytes.length) break;
    frames.push({
      opcode: (bytes[at] ?? 0) & 0x0f,
      fin: ((bytes[at] ?? 0) & 0x80) !== 0,
      payload: bytes.subarray(offset, offset + length),
    });
    at = offset + length;
  }
  return frames;
}

describe('serve --mode echo: chunking-indifferent echo (property)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ mode: 'echo' });
  });
  afterAll(async () => {
    await server.handle.stop('test', 200);
  });

  it('RFC 6455 5.4/5.5.2/5.6: every message comes back unchanged, in order, whatever the fragmentation and TCP cuts', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(messageArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        fc.uint8Array({ minLength: 4, maxLength: 4 }),
        async (messages, writeCuts, mask) => {
          const peer = await RawPeer.connect(server.port);
          try {
            await peer.upgrade();
            const stream = Buffer.concat(messages.flatMap((m) => encodeMessage(m, mask)));
            const cuts = [...new Set(writeCuts.map((f) => Math.floor(f * stream.length)))].sort(
              (a, b) => a - b,
            );
            const bounds = [0, ...cuts, stream.length];
            for (let i = 0; i + 1 < bounds.length; i++) {
              peer.socket.write(stream.subarray(bounds[i], bounds[i + 1]));
              await new Promise((resolve) => setImmediate(resolve));
            }
            const dataFrames = () => serverFrames(peer.frames()).filter((f) => f.opcode !== 0xa);
            const pongFrames = () => serverFrames(peer.frames()).filter((f) => f.opcode === 0xa);
            const pings = messages.filter((m) => m.ping).length;
            // A pong may follow the last echo on the wire: wait for both before comparing.
            await waitFor(
              () => dataFrames().length === messages.length && pongFrames().length >= pings,
              'all echoes and pongs',
            );
            // Compared with Buffer#equals: deep equality on 70,000-element arrays is slow.
            const mismatches = dataFrames().flatMap((f, i) => {
              const m = messages[i];
              const same = m && f.fin && f.opcode === (m.binary ? 2 : 1) && f.payload.equals(m.bytes);
              return same ? [] : [{ index: i, opcode: f.opcode, fin: f.fin, length: f.payload.length }];
            });
            expect(mismatches).toEqual([]);
            const pongs = pongFrames();
            expect(pongs.map((f) => new Uint8Array(f.payload))).toEqual(
              messages.flatMap((m) => (m.ping ? [new Uint8Array(m.ping)] : [])),
            );
          } finally {
            peer.destroy();
          }
        },
      ),
      { numRuns: 40 },
    );
    await waitFor(() => server.handle.socketCount === 0, 'sockets back to 0');
  }, 60_000);
});
