/**
 * Memory kept by a message (RFC 6455 10.4 asks implementations to bound resource use): a payload that
 * is a large part of its network chunk is handed over as a view (no copy), a small part is copied so a
 * kept message never pins a chunk more than RETAIN_FACTOR times its size.
 */
import { describe, expect, it } from 'vitest';
import { type FrameHeader, MessageAssembler, Opcode, RETAIN_FACTOR } from '../src/index.js';

const header = (payloadLength: number): FrameHeader =>
  ({ fin: true, rsv: 0, opcode: Opcode.Binary, masked: true, payloadLength }) as FrameHeader;

/** A payload of `size` bytes lying inside a network chunk of `chunkSize` bytes. */
function assemble(size: number, chunkSize: number): { data: Uint8Array; chunk: ArrayBuffer } {
  const chunk = new ArrayBuffer(chunkSize);
  const payload = new Uint8Array(chunk, 100, size).fill(7);
  const assembler = new MessageAssembler();
  expect(assembler.begin(header(size))).toBeNull();
  expect(assembler.data(payload)).toBeNull();
  const message = assembler.end(header(size));
  if (message === null || 'code' in message || !message.binary) throw new Error('no binary message');
  return { data: message.data, chunk };
}

describe('message retention', () => {
  it.each([
    [16 * 1024, 64 * 1024, 'a view of the chunk'],
    [64 * 1024 - 100, 64 * 1024, 'a view of the chunk'],
    [16 * 1024 - 1, 64 * 1024, 'a copy'],
    [1024, 64 * 1024, 'a copy'],
  ])('a %i-byte payload in a %i-byte chunk is %s', (size, chunkSize, expected) => {
    const { data, chunk } = assemble(size, chunkSize);
    expect(data.length).toBe(size);
    expect(data.every((b) => b === 7)).toBe(true);
    expect(data.buffer === chunk ? 'a view of the chunk' : 'a copy').toBe(expected);
    if (data.buffer === chunk) expect(chunk.byteLength).toBeLessThanOrEqual(RETAIN_FACTOR * size);
  });
});

describe('a single-frame message arriving in pieces', () => {
  /** Feeds a `size`-byte payload (byte i = i & 0xff) cut into pieces of `first` and then `step` bytes. */
  function assemblePieces(size: number, first: number, step: number): Uint8Array {
    const assembler = new MessageAssembler();
    expect(assembler.begin(header(size))).toBeNull();
    const payload = Uint8Array.from({ length: size }, (_, i) => i & 0xff);
    for (let at = 0, n = first; at < size; at += n, n = step) {
      // Each piece is a small part of its own large "network chunk".
      const chunk = new Uint8Array(256 * 1024);
      const piece = chunk.subarray(1000, 1000 + Math.min(n, size - at));
      piece.set(payload.subarray(at, at + piece.length));
      expect(assembler.data(piece)).toBeNull();
    }
    const message = assembler.end(header(size));
    if (message === null || 'code' in message || !message.binary) throw new Error('no binary message');
    return message.data;
  }

  it.each([
    [16 * 1024, 3000, 5000],
    [64 * 1024, 1, 7777],
    [200_000, 60_000, 10_000],
    [200_000, 1000, 50_000],
  ])(
    '%i bytes cut at %i then every %i come out whole, in order, owning their memory',
    (size, first, step) => {
      const data = assemblePieces(size, first, step);
      expect(data.length).toBe(size);
      expect(data.every((b, i) => b === (i & 0xff))).toBe(true);
      expect(data.buffer.byteLength).toBeLessThanOrEqual(size + 8192);
    },
  );
});
