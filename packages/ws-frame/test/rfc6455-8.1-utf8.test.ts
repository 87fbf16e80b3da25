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
