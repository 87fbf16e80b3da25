import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type DeflateCodec,
  decodeFrames,
  Opcode,
  type ProtocolEvent,
  type WebSocketProtocol,
} from '../src/index.js';
import { CODECS, clientAnswered, concatAll } from './helpers/deflate.js';
import { hex, recv } from './helpers/fixtures.js';

const errorOf = (events: ProtocolEvent[]) => events.find((e) => e.type === 'error');
/** The status code of the Close frame `p` sent (client frames are masked, so decoded first). */
const closeSent = (p: WebSocketProtocol) => {
  const close = decodeFrames(p.takeOutgoing(), { role: 'any' }).frames.find((f) => f.opcode === Opcode.Close);
  return close === undefined ? null : (close.payload[0]! << 8) | close.payload[1]!;
};

describe.each(CODECS)('RFC 7692 section 6 and 7.2.2: bad compressed input (%s)', (_name, codec) => {
  const CASES: ReadonlyArray<[what: string, wire: string, code: string, closeCode: number]> = [
    ['6.1: RSV1 on a continuation frame', '4103 f248cd c004 c9c90700', 'WS_ERR_UNEXPECTED_RSV', 1002],
    ['6.1: RSV1 on a Ping', 'c900', 'WS_ERR_UNEXPECTED_RSV', 1002],
    ['6.1: RSV1 on a Close', 'c802 03e8', 'WS_ERR_UNEXPECTED_RSV', 1002],
    ['RFC 6455 5.2: RSV2 is still reserved', 'a105 48656c6c6f', 'WS_ERR_UNEXPECTED_RSV', 1002],
    [
      '7.2.2: a block type 11 (reserved in RFC 1951) is not DEFLATE',
      'c101 07',
      'WS_ERR_INVALID_COMPRESSED_DATA',
      1007,
    ],
    [
      'RFC 6455 8.1: compressed text that inflates to invalid UTF-8',
      `c1${lengthByte(deflated([0xc3, 0x28, 0x41, 0x42]))}`,
      'WS_ERR_INVALID_UTF8',
      1007,
    ],
  ];
  it.each(CASES)('%s (%s) fails with %s, %i', (_what, wire, code, closeCode) => {
    const client = clientAnswered('permessage-deflate', { codec });
    const bytes = hex(wire);
    const events = recv(client, bytes);
    expect(errorOf(events)).toMatchObject({ error: { code, closeCode } });
    expect(closeSent(client)).toBe(closeCode);
  });

  it('a message before the bad frame is delivered', () => {
    const client = clientAnswered('permessage-deflate', { codec });
    const events = recv(client, hex('c107 f248cdc9c90700 c101 07'));
    expect(events.filter((e) => e.type === 'message').map((e) => e.data)).toEqual(['Hello']);
    expect(errorOf(events)).toMatchObject({ error: { code: 'WS_ERR_INVALID_COMPRESSED_DATA' } });
  });
});

/** A 7-bit payload length and the payload, as hex. */
function lengthByte(payloadHex: string): string {
  return (payloadHex.length / 2).toString(16).padStart(2, '0') + payloadHex;
}

/** Raw DEFLATE of `bytes` with its tail stripped, as hex. */
function deflated(bytes: number[]): string {
  const out = zlib.deflateRawSync(Uint8Array.from(bytes), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  return Buffer.from(out.subarray(0, out.length - 4)).toString('hex');
}

/**
 * A zip bomb: one sync-flushed block that inflates to 1 MiB of zeros refers only to its own output, so
 * `copies` of it inflate to `copies` MiB.
 */
function zipBomb(copies: number): Uint8Array {
  const block = zlib.deflateRawSync(Buffer.alloc(1 << 20), {
    level: 9,
    finishFlush: zlib.constants.Z_SYNC_FLUSH,
  });
  const bomb = new Uint8Array(block.length * copies);
  for (let i = 0; i < copies; i++) bomb.set(block, i * block.length);
  return bomb.subarray(0, bomb.length - 4);
}

/** Wraps a codec to count the bytes its inflaters hand over. */
function counted(codec: DeflateCodec): { codec: DeflateCodec; produced: () => number } {
  let produced = 0;
  return {
    produced: () => produced,
    codec: {
      name: codec.name,
      createDeflater: (o) => codec.createDeflater(o),
      createInflater() {
        const inner = codec.createInflater();
        const tally = (onData: (p: Uint8Array) => void) => (p: Uint8Array) => {
          produced += p.length;
          onData(p);
        };
        return {
          inflate: (data, max, onData) => inner.inflate(data, max, tally(onData)),
          end: (max, onData) => inner.end(max, tally(onData)),
          reset: () => inner.reset(),
        };
      },
    },
  };
}

describe.each(CODECS)(
  'RFC 6455 10.4 with RFC 7692: the inflated size is limited while inflating (%s)',
  (_name, codec) => {
    it('a 512 MiB zip bomb in a 1 MiB limit gets 1009, inflating at most the limit plus one chunk', () => {
      const bomb = zipBomb(512);
      const { codec: watched, produced } = counted(codec);
      const small = clientAnswered('permessage-deflate', { codec: watched }, 3, 1 << 20);
      const before = process.resourceUsage().maxRSS;
      const header = Uint8Array.of(0xc2, 127, 0, 0, 0, 0, ...be32(bomb.length));
      const events = recv(small, concatAll([header, bomb]), 64 * 1024);
      const grownKiB = process.resourceUsage().maxRSS - before;
      expect(errorOf(events)).toMatchObject({ error: { code: 'WS_ERR_MESSAGE_TOO_BIG', closeCode: 1009 } });
      expect(closeSent(small)).toBe(1009);
      expect(events.some((e) => e.type === 'message')).toBe(false);
      expect(produced()).toBeLessThanOrEqual((1 << 20) + 64 * 1024);
      // The peak resident size grew by far less than the 512 MiB the bomb holds.
      expect(grownKiB).toBeLessThan(64 * 1024);
    });

    it('a message of exactly the limit is delivered; one byte more is refused', () => {
      const exact = clientAnsweredWithLimit(codec, 5000);
      const over = clientAnsweredWithLimit(codec, 4999);
      const payload = hex(deflated(Array.from({ length: 5000 }, (_, i) => i % 7)));
      const frame = concatAll([
        Uint8Array.of(0xc2, 126, payload.length >> 8, payload.length & 0xff),
        payload,
      ]);
      expect(recv(exact, frame).find((e) => e.type === 'message')).toMatchObject({ binary: true });
      expect(errorOf(recv(over, frame))).toMatchObject({ error: { closeCode: 1009 } });
    });
  },
);

function be32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function clientAnsweredWithLimit(codec: DeflateCodec, maxPayload: number): WebSocketProtocol {
  return clientAnswered('permessage-deflate', { codec }, 11, maxPayload);
}
