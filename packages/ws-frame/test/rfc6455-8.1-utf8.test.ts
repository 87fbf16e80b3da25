import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Utf8Validator } from '../src/index.js';
import { hex, openClient, openServer, outgoing, recv } from './helpers/fixtures.js';

/** Index of the first byte at which the validator gives up when fed one byte at a time, or -1. */
function failsAt(bytes: Uint8Array): number {
  const v = new Utf8Validator();
  for (let i = 0; i < bytes.length; i++) if (!v.push(bytes.subarray(i, i + 1))) return i;
  return -1;
}

// RFC 6455 8.1 + RFC 3629 4: fail at the first byte that cannot belong to a valid sequence (Autobahn 6.x).
const CASES: Array<[string, string, number]> = [
  ['a lone continuation byte', '80', 0],
  ['C0 and C1 never appear (overlong 2-byte)', 'c080', 0],
  ['F5..FF never appear', 'f5808080', 0],
  ['an overlong 3-byte form (E0 80..9F)', 'e08080', 1],
  ['a UTF-16 surrogate (ED A0..BF)', 'eda080', 1],
  ['an overlong 4-byte form (F0 80..8F)', 'f0808080', 1],
  ['a code point above U+10FFFF (F4 90..)', 'f4908080', 1],
  ['a lead byte where a continuation is due', 'e4bd41', 2],
  ['Autobahn 6.4.1: κόσμε then a surrogate', 'cebae1bdb9cf83ceb5eda080656469746564', 10],
  ['U+10FFFF itself is valid', 'f48fbfbf', -1],
  ['U+FFFF and U+FEFF are valid', 'efbfbfefbbbf', -1],
  ['你好 is valid', 'e4bda0e5a5bd', -1],
];

describe('RFC 6455 8.1: UTF-8 fails fast', () => {
  it.each(CASES)('RFC 6455 8.1: %s (%s) fails at byte %i', (_name, bytes, index) => {
    expect(failsAt(hex(bytes))).toBe(index);
  });

  it('RFC 6455 8.1: a sequence cut at the end of a chunk is not an error until the message ends', () => {
    const v = new Utf8Validator();
    expect(v.push(hex('e4bd'))).toBe(true);
    expect(v.complete).toBe(false);
    expect(v.push(hex('a0'))).toBe(true);
    expect(v.complete).toBe(true);
  });
});

describe('RFC 6455 5.6: text is delivered as sent', () => {
  it('RFC 6455 5.6: a leading U+FEFF (EF BB BF) stays in the message and in a close reason', () => {
    const client = openClient();
    const server = openServer();
    client.send('\uFEFFhi');
    client.close(1000, '\uFEFFbye');
    const events = recv(server, outgoing(client));
    expect(events).toContainEqual({ type: 'message', binary: false, data: '\uFEFFhi' });
    expect(events).toContainEqual({ type: 'close', code: 1000, reason: '\uFEFFbye' });
  });
});

describe('RFC 6455 8.1: fail-fast holds for pieces checked by the platform (32 bytes and up)', () => {
  /** Text with impossible bytes planted in it: most inputs are long, valid for a while, then broken. */
  const textWithFaults = fc
    .tuple(
      fc.string({ unit: 'grapheme', minLength: 20, maxLength: 300 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0x80, max: 0xff })), { maxLength: 2 }),
    )
    .map(([text, faults]) => {
      const bytes = new TextEncoder().encode(text);
      for (const [at, byte] of faults) if (bytes.length > 0) bytes[at % bytes.length] = byte;
      return bytes;
    });

  it('RFC 6455 8.1: under any chunking, the first piece refused is the one holding the first impossible byte', () => {
    fc.assert(
      fc.property(
        textWithFaults,
        fc.array(fc.integer({ min: 1, max: 120 }), { minLength: 1, maxLength: 8 }),
        (bytes, sizes) => {
          const firstBad = failsAt(bytes);
          const v = new Utf8Validator();
          let at = 0;
          let refusedPiece: [number, number] | null = null;
          for (let i = 0; at < bytes.length; i++) {
            const end = Math.min(bytes.length, at + sizes[i % sizes.length]!);
            if (!v.push(bytes.subarray(at, end))) {
              refusedPiece = [at, end];
              break;
            }
            at = end;
          }
          if (firstBad === -1) expect(refusedPiece).toBeNull();
          else {
            expect(refusedPiece).not.toBeNull();
            expect(firstBad).toBeGreaterThanOrEqual(refusedPiece![0]);
            expect(firstBad).toBeLessThan(refusedPiece![1]);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('RFC 6455 8.1: a code point split across two long pieces is accepted, a broken one refused in the second', () => {
    const text = new TextEncoder().encode(`${'a'.repeat(40)}你${'b'.repeat(40)}`);
    for (let cut = 40; cut <= 43; cut++) {
      const v = new Utf8Validator();
      expect(v.push(text.subarray(0, cut))).toBe(true);
      expect(v.push(text.subarray(cut))).toBe(true);
      expect(v.complete).toBe(true);
    }
    const broken = text.slice();
    broken[42] = 0x41; // the third byte of 你 replaced by 'A'
    const v = new Utf8Validator();
    expect(v.push(broken.subarray(0, 42))).toBe(true);
    expect(v.push(broken.subarray(42))).toBe(false);
  });
});
