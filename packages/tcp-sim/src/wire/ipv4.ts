/**
 * IPv4 packets, RFC 791 3.1, as far as the simulator needs them: a 20-byte header without options,
 * Don't Fragment set (the simulator never fragments; a packet above the link MTU is dropped, as a
 * router would with DF), and the header checksum. Two levels, as in the rest of `wire/`: offsets over
 * raw bytes, and a validated value from `decodeIpv4Packet`.
 */
import { internetChecksum } from './checksum.js';

export const IPV4_HEADER_LENGTH = 20;
export const PROTOCOL_TCP = 6;

export interface Ipv4Packet {
  /** Source address as an unsigned 32-bit number. */
  readonly src: number;
  readonly dst: number;
  readonly protocol: number;
  readonly ttl: number;
  readonly identification: number;
  /** The transport payload: a view into the packet bytes. */
  readonly payload: Uint8Array;
}

export type Ipv4DecodeError =
  | 'truncated'
  | 'not-ipv4'
  | 'bad-header-length'
  | 'bad-total-length'
  | 'bad-header-checksum';

export type Ipv4DecodeResult =
  | { readonly ok: true; readonly packet: Ipv4Packet }
  | { readonly ok: false; readonly error: Ipv4DecodeError };

/** '10.0.0.1' -> 0x0a000001; throws a TypeError on anything that is not a dotted quad. */
export function parseIpv4Address(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new TypeError(`not an IPv4 address: ${text}`);
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) throw new TypeError(`not an IPv4 address: ${text}`);
    const octet = Number(part);
    if (octet > 255) throw new TypeError(`not an IPv4 address: ${text}`);
    n = n * 256 + octet;
  }
  return n >>> 0;
}

export function formatIpv4Address(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

export interface Ipv4Header {
  readonly src: number;
  readonly dst: number;
  readonly protocol?: number;
  readonly ttl?: number;
  readonly identification?: number;
}

/**
 * Writes the IPv4 header for a payload of `payloadLength` bytes at `out[0..20)`. The caller writes
 * the payload at offset 20; this keeps the segment encoder free of an extra copy.
 */
export function writeIpv4Header(out: Uint8Array, header: Ipv4Header, payloadLength: number): void {
  writeIpv4HeaderFields(
    out,
    header.src,
    header.dst,
    header.identification ?? 0,
    header.ttl ?? 64,
    header.protocol ?? PROTOCOL_TCP,
    payloadLength,
  );
}

/** `writeIpv4Header` with the fields as arguments (the per-packet path builds no header object). */
export function writeIpv4HeaderFields(
  out: Uint8Array,
  src: number,
  dst: number,
  identification: number,
  ttl: number,
  protocol: number,
  payloadLength: number,
): void {
  const total = IPV4_HEADER_LENGTH + payloadLength;
  out[0] = 0x45; // version 4, IHL 5 words
  out[1] = 0; // DSCP/ECN
  out[2] = total >>> 8;
  out[3] = total & 0xff;
  out[4] = (identification >>> 8) & 0xff;
  out[5] = identification & 0xff;
  out[6] = 0x40; // flags: DF (RFC 791 3.1): the simulator drops instead of fragmenting
  out[7] = 0;
  out[8] = ttl;
  out[9] = protocol;
  out[10] = 0;
  out[11] = 0;
  writeU32(out, 12, src);
  writeU32(out, 16, dst);
  const sum = internetChecksum(out, 0, IPV4_HEADER_LENGTH);
  out[10] = sum >>> 8;
  out[11] = sum & 0xff;
}

/** Encodes a whole IPv4 packet around `payload`. */
export function encodeIpv4Packet(header: Ipv4Header, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(IPV4_HEADER_LENGTH + payload.length);
  writeIpv4Header(out, header, payload.length);
  out.set(payload, IPV4_HEADER_LENGTH);
  return out;
}

/**
 * Validates an IPv4 header in place: the error, or undefined when the packet is sound. The view
 * level of this module: the simulator's receive path checks a packet and reads its fields at their
 * offsets (`ipv4HeaderLength`, `ipv4Source`, ...) without building a value.
 */
export function ipv4HeaderError(bytes: Uint8Array): Ipv4DecodeError | undefined {
  if (bytes.length < IPV4_HEADER_LENGTH) return 'truncated';
  if (bytes[0]! >>> 4 !== 4) return 'not-ipv4';
  const ihl = ipv4HeaderLength(bytes);
  if (ihl < IPV4_HEADER_LENGTH || ihl > bytes.length) return 'bad-header-length';
  const total = ipv4TotalLength(bytes);
  if (total < ihl || total > bytes.length) return 'bad-total-length';
  if (internetChecksum(bytes, 0, ihl) !== 0) return 'bad-header-checksum';
  return undefined;
}

/** IHL in octets (RFC 791 3.1: in 32-bit words). */
export function ipv4HeaderLength(bytes: Uint8Array): number {
  return (bytes[0]! & 0x0f) * 4;
}

/** Total Length in octets, header included (RFC 791 3.1). */
export function ipv4TotalLength(bytes: Uint8Array): number {
  return (bytes[2]! << 8) | bytes[3]!;
}

/** Protocol (RFC 791 3.1; 6 = TCP). */
export function ipv4Protocol(bytes: Uint8Array): number {
  return bytes[9]!;
}

/** Source Address as an unsigned 32-bit number. */
export function ipv4Source(bytes: Uint8Array): number {
  return readU32(bytes, 12);
}

/** Destination Address as an unsigned 32-bit number. */
export function ipv4Destination(bytes: Uint8Array): number {
  return readU32(bytes, 16);
}

/** Parses and validates an IPv4 packet; bad input yields a typed error, never an exception. */
export function decodeIpv4Packet(bytes: Uint8Array): Ipv4DecodeResult {
  const error = ipv4HeaderError(bytes);
  if (error) return { ok: false, error };
  return {
    ok: true,
    packet: {
      src: ipv4Source(bytes),
      dst: ipv4Destination(bytes),
      protocol: ipv4Protocol(bytes),
      ttl: bytes[8]!,
      identification: (bytes[4]! << 8) | bytes[5]!,
      payload: bytes.subarray(ipv4HeaderLength(bytes), ipv4TotalLength(bytes)),
    },
  };
}

export function writeU32(out: Uint8Array, at: number, value: number): void {
  out[at] = value >>> 24;
  out[at + 1] = (value >>> 16) & 0xff;
  out[at + 2] = (value >>> 8) & 0xff;
  out[at + 3] = value & 0xff;
}

export function readU32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}
