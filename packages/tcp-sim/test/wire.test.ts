/**
 * Wire formats: RFC 9293 3.4 sequence arithmetic, RFC 1071 checksum, RFC 9293 3.1/3.2 TCP header
 * and options, RFC 791 IPv4 header. Every vector is checked in both directions (encode and decode).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeIpv4Packet,
  decodeTcpSegment,
  encodeIpv4Packet,
  encodeTcpIpv4Packet,
  encodeTcpSegment,
  flagBits,
  flagNames,
  formatIpv4Address,
  internetChecksum,
  parseIpv4Address,
  seqAdd,
  seqGe,
  seqGt,
  seqInWindow,
  seqLe,
  seqLt,
  type TcpSegment,
} from '../src/index.js';

describe('RFC 9293 3.4 sequence numbers (modulo 2^32)', () => {
  it.each([
    [1, 2, true],
    [0xffffffff, 0, true],
    [0xfffffff0, 0x10, true],
    [0x10, 0xfffffff0, false],
    [5, 5, false],
  ])('3.4: seqLt(%d, %d) = %s across the wrap', (a, b, lt) => {
    expect(seqLt(a, b)).toBe(lt);
    expect(seqGt(b, a)).toBe(lt);
    expect(seqLe(a, b)).toBe(lt || a === b);
    expect(seqGe(b, a)).toBe(lt || a === b);
  });

  it('3.4: seqAdd wraps to 32 bits and windows span the wrap', () => {
    expect(seqAdd(0xffffffff, 2)).toBe(1);
    expect(seqInWindow(3, 0xfffffffe, 10)).toBe(true);
    expect(seqInWindow(8, 0xfffffffe, 10)).toBe(false);
    expect(seqInWindow(0xfffffffe, 0xfffffffe, 0)).toBe(false);
  });

  it('3.4: comparisons are antisymmetric for any pair less than 2^31 apart (property)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.integer({ min: 1, max: 0x7fffffff }), (a, d) => {
        const b = seqAdd(a, d);
        expect(seqLt(a, b)).toBe(true);
        expect(seqLt(b, a)).toBe(false);
      }),
    );
  });
});

describe('RFC 1071 Internet checksum', () => {
  it('RFC 1071 3: the example words 0001 f203 f4f5 f6f7 sum to ddf2, checksum 220d', () => {
    expect(internetChecksum(new Uint8Array([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]))).toBe(0x220d);
  });

  it('RFC 1071 4.1: an odd trailing octet is padded with zero', () => {
    expect(internetChecksum(new Uint8Array([0x01]))).toBe(~0x0100 & 0xffff);
  });

  it('RFC 1071 1: equals the plain word-by-word ones-complement sum for any bytes and range (property)', () => {
    // The reference: 16-bit big-endian words, end-around carry after every addition.
    const reference = (bytes: Uint8Array, start: number, end: number) => {
      let sum = 0;
      for (let i = start; i < end; i += 2) {
        sum += (bytes[i]! << 8) | (i + 1 < end ? bytes[i + 1]! : 0);
        sum = (sum & 0xffff) + (sum >>> 16);
      }
      return ~sum & 0xffff;
    };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(), fc.nat(), (bytes, a, b) => {
        const start = bytes.length === 0 ? 0 : a % bytes.length;
        const end = start + (bytes.length === 0 ? 0 : b % (bytes.length - start + 1));
        expect(internetChecksum(bytes, start, end)).toBe(reference(bytes, start, end));
        const ones = new Uint8Array(bytes.length).fill(0xff); // the largest sums fold correctly too
        expect(internetChecksum(ones, start, end)).toBe(reference(ones, start, end));
      }),
    );
  });
});

const SEG: TcpSegment = {
  srcPort: 49152,
  dstPort: 80,
  seq: 0xfffffff0,
  ack: 12345,
  flags: flagBits(['SYN', 'ACK']),
  window: 65535,
  options: { mss: 1460 },
  payload: new Uint8Array(0),
};
const SRC = parseIpv4Address('10.0.0.1');
const DST = parseIpv4Address('10.0.0.2');

describe('RFC 9293 3.1 TCP header and 3.2 options', () => {
  it('3.1: a SYN,ACK with MSS encodes to a known 24-octet header and decodes back', () => {
    const bytes = encodeTcpSegment(SEG, SRC, DST);
    expect(bytes.length).toBe(24);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0xc0, 0x00, 0x00, 0x50]);
    expect(bytes[12]).toBe(6 << 4); // data offset: 6 words
    expect(bytes[13]).toBe(0x12);
    expect(Array.from(bytes.subarray(20, 24))).toEqual([2, 4, 0x05, 0xb4]);
    const r = decodeTcpSegment(bytes, { src: SRC, dst: DST });
    expect(r.ok && r.segment.seq).toBe(0xfffffff0);
    expect(r.ok && r.segment.options).toEqual({ mss: 1460 });
    expect(r.ok && flagNames(r.segment.flags)).toEqual(['SYN', 'ACK']);
  });

  it('3.1: a flipped bit anywhere fails the pseudo-header checksum', () => {
    const bytes = encodeTcpSegment({ ...SEG, payload: new TextEncoder().encode('hello') }, SRC, DST);
    for (let i = 0; i < bytes.length; i++) {
      const bad = bytes.slice();
      bad[i]! ^= 0x10;
      expect(decodeTcpSegment(bad, { src: SRC, dst: DST })).toEqual({ ok: false, error: 'bad-checksum' });
    }
    // The pseudo-header counts: the same bytes between other addresses fail too.
    expect(decodeTcpSegment(bytes, { src: SRC, dst: SRC }).ok).toBe(false);
  });

  it('3.2: NOP, window scale, SACK-permitted, timestamps and unknown options decode; truncated options fail', () => {
    const header = new Uint8Array(40);
    header[12] = 10 << 4;
    header.set([1, 3, 3, 7, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 99, 2, 0, 0], 20);
    const r = decodeTcpSegment(header);
    expect(r.ok && r.segment.options).toEqual({
      windowScale: 7,
      sackPermitted: true,
      timestamp: { value: 1, echo: 2 },
    });
    const bad = header.slice();
    bad[21] = 30; // option length past the header
    bad[20] = 5;
    expect(decodeTcpSegment(bad)).toEqual({ ok: false, error: 'bad-option' });
  });

  it('3.1: decode never throws on arbitrary bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        const r = decodeTcpSegment(bytes);
        if (r.ok) expect(r.segment.payload.length).toBeLessThanOrEqual(bytes.length);
        const ip = decodeIpv4Packet(bytes);
        if (ip.ok) expect(ip.packet.payload.length).toBeLessThanOrEqual(bytes.length);
      }),
    );
  });

  it('3.1: encode then decode is the identity for any segment (property)', () => {
    const seg = fc.record({
      srcPort: fc.integer({ min: 0, max: 65535 }),
      dstPort: fc.integer({ min: 0, max: 65535 }),
      seq: fc.nat({ max: 0xffffffff }),
      ack: fc.nat({ max: 0xffffffff }),
      flags: fc.integer({ min: 0, max: 255 }),
      window: fc.integer({ min: 0, max: 65535 }),
      urgentPointer: fc.integer({ min: 0, max: 65535 }),
      options: fc
        .option(fc.integer({ min: 0, max: 65535 }), { nil: undefined })
        .map((mss) => (mss === undefined ? {} : { mss })),
      payload: fc.uint8Array({ maxLength: 100 }),
    });
    fc.assert(
      fc.property(seg, (s) => {
        const packet = encodeTcpIpv4Packet(s, SRC, DST, 7);
        const ip = decodeIpv4Packet(packet);
        expect(ip.ok).toBe(true);
        if (!ip.ok) return;
        expect(ip.packet.src).toBe(SRC);
        const tcp = decodeTcpSegment(ip.packet.payload, { src: ip.packet.src, dst: ip.packet.dst });
        expect(tcp.ok).toBe(true);
        if (!tcp.ok) return;
        expect({ ...tcp.segment, payload: Array.from(tcp.segment.payload) }).toEqual({
          ...s,
          payload: Array.from(s.payload),
        });
      }),
    );
  });
});

describe('RFC 791 3.1 IPv4 header', () => {
  it('3.1: version 4, IHL 5, DF, TTL 64, protocol 6 and a header checksum that verifies', () => {
    const p = encodeIpv4Packet({ src: SRC, dst: DST, identification: 0x1234 }, new Uint8Array([1, 2, 3]));
    expect(Array.from(p.subarray(0, 10))).toEqual([0x45, 0, 0, 23, 0x12, 0x34, 0x40, 0, 64, 6]);
    expect(internetChecksum(p, 0, 20)).toBe(0);
    const bad = p.slice();
    bad[8] = 63;
    expect(decodeIpv4Packet(bad)).toEqual({ ok: false, error: 'bad-header-checksum' });
  });

  it('addresses: dotted quads round-trip and bad ones are a TypeError', () => {
    expect(formatIpv4Address(parseIpv4Address('192.168.1.254'))).toBe('192.168.1.254');
    expect(() => parseIpv4Address('300.1.1.1')).toThrow(TypeError);
    expect(() => parseIpv4Address('1.2.3')).toThrow(TypeError);
  });
});
