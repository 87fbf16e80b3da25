import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeFrames,
  encodeFrame,
  encodeFrameHeader,
  encodeFrameParts,
  FrameParser,
  type FrameSink,
  Opcode,
  WebSocketUsageError,
} from '../src/index.js';
import { hex } from './helpers/fixtures.js';

const MASK = hex('01020304');

describe('RFC 6455 5.2: payload length forms', () => {
  const lengths: Array<[number, string]> = [
    [0, '8200'],
    [125, '827d'],
    [126, '827e007e'],
    [65535, '827effff'],
    [65536, '827f0000000000010000'],
  ];
  it.each(lengths)('RFC 6455 5.2: a %i-byte payload uses header %s', (length, header) => {
    expect(encodeFrameHeader({ opcode: Opcode.Binary }, length)).toEqual(hex(header));
  });

  it('RFC 6455 5.2: a huge length uses the 64-bit form with its most significant bit clear', () => {
    expect(encodeFrameHeader({ opcode: Opcode.Binary }, 2 ** 40 + 5)).toEqual(hex('827f0000010000000005'));
  });

  it('RFC 6455 5.2: non-minimal length forms are accepted by the decoder', () => {
    const payload = new Uint8Array([1, 2, 3]);
    for (const lengthForm of [16, 64] as const) {
      const wire = encodeFrame({ opcode: Opcode.Binary, payload }, { lengthForm, mask: MASK });
      expect(wire.length).toBe(lengthForm === 16 ? 2 + 2 + 4 + 3 : 2 + 8 + 4 + 3);
      expect(decodeFrames(wire, { role: 'server' }).frames[0]?.payload).toEqual(payload);
    }
  });

  it('RFC 6455 5.2: the encoder refuses a length that does not fit a forced form', () => {
    expect(() => encodeFrameHeader({ opcode: 2 }, 126, { lengthForm: 7 })).toThrow(WebSocketUsageError);
    expect(() => encodeFrameHeader({ opcode: 2 }, 3, { mask: hex('0102') })).toThrow(WebSocketUsageError);
  });

  it('RFC 6455 5.2: FIN, RSV bits and opcode land in the first byte', () => {
    expect(encodeFrameHeader({ opcode: Opcode.Continuation, fin: false, rsv: 0b101 }, 0)[0]).toBe(
      0b0101_0000,
    );
  });
});

type Violation = [name: string, wire: string, role: 'client' | 'server', code: string, closeCode: number];

// Each rule of 5.1, 5.2 and 5.5 with its stable error code and close code.
const VIOLATIONS: Violation[] = [
  ['RFC 6455 5.2: RSV1 without a negotiated extension', 'c100', 'client', 'WS_ERR_UNEXPECTED_RSV', 1002],
  ['RFC 6455 5.2: RSV2 without a negotiated extension', 'a100', 'client', 'WS_ERR_UNEXPECTED_RSV', 1002],
  ['RFC 6455 5.2: RSV3 without a negotiated extension', '9100', 'client', 'WS_ERR_UNEXPECTED_RSV', 1002],
  ['RFC 6455 5.2: reserved data opcode 0x3', '8300', 'client', 'WS_ERR_INVALID_OPCODE', 1002],
  ['RFC 6455 5.2: reserved data opcode 0x7', '8700', 'client', 'WS_ERR_INVALID_OPCODE', 1002],
  ['RFC 6455 5.2: reserved control opcode 0xB', '8b00', 'client', 'WS_ERR_INVALID_OPCODE', 1002],
  ['RFC 6455 5.2: reserved control opcode 0xF', '8f00', 'client', 'WS_ERR_INVALID_OPCODE', 1002],
  ['RFC 6455 5.5: a fragmented ping', '0900', 'client', 'WS_ERR_FRAGMENTED_CONTROL_FRAME', 1002],
  ['RFC 6455 5.5: a ping with 126 bytes', '897e007e', 'client', 'WS_ERR_CONTROL_FRAME_TOO_LONG', 1002],
  [
    'RFC 6455 5.5: a close with a 64-bit length',
    '887f0000000000000001',
    'client',
    'WS_ERR_CONTROL_FRAME_TOO_LONG',
    1002,
  ],
  ['RFC 6455 5.1: a server receives an unmasked frame', '8100', 'server', 'WS_ERR_EXPECTED_MASK', 1002],
  [
    'RFC 6455 5.1: a client receives a masked frame',
    '818001020304',
    'client',
    'WS_ERR_UNEXPECTED_MASK',
    1002,
  ],
  [
    'RFC 6455 5.2: the 64-bit length has its most significant bit set',
    '827f8000000000000000',
    'client',
    'WS_ERR_INVALID_PAYLOAD_LENGTH',
    1002,
  ],
  [
    'RFC 6455 10.4: a frame above the payload limit',
    '827f0000000100000000',
    'client',
    'WS_ERR_MESSAGE_TOO_BIG',
    1009,
  ],
];

describe('RFC 6455 5.2: violations have stable codes and close codes', () => {
  it.each(VIOLATIONS)('%s fails with %s', (_name, wire, role, code, closeCode) => {
    // The good frame before the bad one is still delivered (Autobahn: "good frames before a bad one").
    const good =
      role === 'server' ? encodeFrame({ opcode: 2, payload: hex('aa') }, { mask: MASK }) : hex('8201aa');
    const all = new Uint8Array([...good, ...hex(wire)]);
    for (const chunks of [[all], Array.from(all, (b) => Uint8Array.of(b))]) {
      const result = decodeFrames(chunks, { role, maxPayload: 1 << 20 });
      expect(result.frames).toEqual([{ fin: true, rsv: 0, opcode: 2, payload: hex('aa') }]);
      expect(result.error?.code).toBe(code);
      expect(result.error?.closeCode).toBe(closeCode);
      expect(result.errorOffset).toBe(good.length);
    }
  });

  it('RFC 6455 5.2: after an error the parser ignores all further input', () => {
    let calls = 0;
    const sink: FrameSink = {
      onHeader: () => calls++,
      onPayload: () => calls++,
      onFrameEnd: () => calls++,
      onError: () => calls++,
    };
    const parser = new FrameParser(sink, { role: 'client' });
    parser.push(hex('8300'));
    parser.push(hex('8100810081008100'));
    expect(calls).toBe(1);
    expect(parser.failed).toBe(true);
  });

  it('RFC 6455 5.2: RSV bits are accepted when an extension allows them', () => {
    expect(decodeFrames(hex('c100'), { role: 'client', allowedRsv: 0b100 }).error).toBeNull();
  });

  it('RFC 6455 5.2: frame offsets count every byte of the stream', () => {
    const wire = hex('8100 827e0003 010203 8a00');
    const offsets: number[] = [];
    const sink: FrameSink = {
      onHeader: (h) => offsets.push(h.offset),
      onPayload() {},
      onFrameEnd() {},
      onError() {},
    };
    const parser = new FrameParser(sink, { role: 'client' });
    for (const b of wire) parser.push(Uint8Array.of(b));
    expect(offsets).toEqual([0, 2, 9]);
    expect(parser.offset).toBe(wire.length);
  });
});

describe('RFC 6455 5.2: encoding a frame as pieces to write', () => {
  it('RFC 6455 5.2: an unmasked frame is its header and the payload itself (no copy); a masked one a single array', () => {
    const payload = new Uint8Array(300).fill(7);
    const [header, body, ...more] = encodeFrameParts({ opcode: Opcode.Binary, payload });
    expect(more).toEqual([]);
    expect(body).toBe(payload);
    expect(header).toEqual(hex('827e012c'));
    const masked = encodeFrameParts({ opcode: Opcode.Binary, payload }, { mask: hex('01020304') });
    expect(masked).toHaveLength(1);
    expect(payload.every((b) => b === 7)).toBe(true); // the caller's payload is never masked in place
  });

  it('RFC 6455 5.2/5.3: for any frame, mask and length form, the pieces joined equal encodeFrame, and repeated encodes stay intact', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(0, 1, 2, 8, 9, 10),
        fc.uint8Array({ maxLength: 3000 }),
        fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: undefined }),
        (opcode, payload, mask) => {
          const options = mask === undefined ? {} : { mask };
          const whole = encodeFrame({ opcode, payload }, options);
          const copy = whole.slice();
          const joined = Buffer.concat(encodeFrameParts({ opcode, payload }, options));
          // Outputs may share a slab: encoding more frames must not disturb one already returned.
          for (let i = 0; i < 5; i++) encodeFrame({ opcode, payload }, options);
          expect(new Uint8Array(joined)).toEqual(whole);
          expect(whole).toEqual(copy);
        },
      ),
    );
  });
});
