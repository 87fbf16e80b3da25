import { describe, expect, it } from 'vitest';
import { decodeFrames, encodeFrame, type Frame, Opcode } from '../src/index.js';
import { bytes, concat, hex, utf8 } from './helpers/fixtures.js';

const KEY = hex('37fa213d');
const hello = utf8('Hello');
const b256 = Uint8Array.from({ length: 256 }, (_, i) => i & 0xff);
const b64k = Uint8Array.from({ length: 65536 }, (_, i) => (i * 7) & 0xff);

interface Vector {
  name: string;
  wire: Uint8Array;
  frames: Array<Frame & { mask?: Uint8Array }>;
}

const frame = (opcode: number, payload: Uint8Array, fin = true): Frame => ({ fin, rsv: 0, opcode, payload });

// RFC 6455 5.7, every example, byte for byte.
const VECTORS: Vector[] = [
  {
    name: 'a single-frame unmasked text message',
    wire: hex('810548656c6c6f'),
    frames: [frame(Opcode.Text, hello)],
  },
  {
    name: 'a single-frame masked text message',
    wire: hex('818537fa213d7f9f4d5158'),
    frames: [{ ...frame(Opcode.Text, hello), mask: KEY }],
  },
  {
    name: 'a fragmented unmasked text message',
    wire: hex('010348656c 80026c6f'),
    frames: [frame(Opcode.Text, utf8('Hel'), false), frame(Opcode.Continuation, utf8('lo'))],
  },
  { name: 'an unmasked Ping', wire: hex('890548656c6c6f'), frames: [frame(Opcode.Ping, hello)] },
  {
    name: 'a masked Pong',
    wire: hex('8a8537fa213d7f9f4d5158'),
    frames: [{ ...frame(Opcode.Pong, hello), mask: KEY }],
  },
  {
    name: '256 bytes binary in a single unmasked frame',
    wire: concat(hex('827e0100'), b256),
    frames: [frame(Opcode.Binary, b256)],
  },
  {
    name: '64KiB binary in a single unmasked frame',
    wire: concat(hex('827f0000000000010000'), b64k),
    frames: [frame(Opcode.Binary, b64k)],
  },
];

/** Frames with payloads as hex: vitest's element-wise typed-array diff is far too slow at 64 KiB. */
const comparable = (frames: Frame[]) =>
  frames.map((f) => ({ ...f, payload: Buffer.from(f.payload).toString('hex') }));

describe('RFC 6455 5.7: examples, both directions', () => {
  it.each(VECTORS)('RFC 6455 5.7: encodes $name byte for byte', ({ wire, frames }) => {
    const encoded = concat(...frames.map(({ mask, ...f }) => encodeFrame(f, mask ? { mask } : {})));
    expect(Buffer.from(encoded).toString('hex')).toBe(Buffer.from(wire).toString('hex'));
  });

  it.each(VECTORS)(
    'RFC 6455 5.7: decodes $name whole, split in two, and byte by byte',
    ({ wire, frames }) => {
      const expected = comparable(frames.map(({ mask: _mask, ...f }) => f));
      const role = 'any' as const;
      const whole = decodeFrames(wire, { role });
      expect([whole.error, whole.errorOffset]).toEqual([null, null]);
      expect(comparable(whole.frames)).toEqual(expected);
      for (const cut of [1, 2, Math.floor(wire.length / 2), wire.length - 1]) {
        expect(
          comparable(decodeFrames([wire.subarray(0, cut), wire.subarray(cut)], { role }).frames),
        ).toEqual(expected);
      }
      const single = Array.from(wire, (b) => bytes(b));
      expect(comparable(decodeFrames(single, { role }).frames)).toEqual(expected);
    },
  );

  it('RFC 6455 5.7: decoding leaves the caller bytes masked (decodeFrames copies)', () => {
    const wire = hex('818537fa213d7f9f4d5158');
    decodeFrames(wire, { role: 'server' });
    expect(wire).toEqual(hex('818537fa213d7f9f4d5158'));
  });
});
