/**
 * The TCP header, RFC 9293 3.1: fixed 20 bytes, options (RFC 9293 3.2: End of Option List, No-Op,
 * MSS; RFC 7323: window scale and timestamps; RFC 2018: SACK permitted) padded to a 32-bit boundary,
 * then the payload. The checksum covers the IPv4 pseudo-header, the header and the payload.
 *
 * Flags are a bit mask internally (cheap on the hot path) and a list of names at the edges.
 */
import { finishChecksum, pseudoHeaderSum, sumWords } from './checksum.js';
import { IPV4_HEADER_LENGTH, PROTOCOL_TCP, readU32, writeIpv4HeaderFields, writeU32 } from './ipv4.js';

export const FIN = 0x01;
export const SYN = 0x02;
export const RST = 0x04;
export const PSH = 0x08;
export const ACK = 0x10;
export const URG = 0x20;
export const ECE = 0x40;
export const CWR = 0x80;

export type TcpFlag = 'FIN' | 'SYN' | 'RST' | 'PSH' | 'ACK' | 'URG' | 'ECE' | 'CWR';

/** In the order Wireshark and tcpdump print them. */
const FLAG_ORDER: ReadonlyArray<readonly [TcpFlag, number]> = [
  ['SYN', SYN],
  ['FIN', FIN],
  ['RST', RST],
  ['PSH', PSH],
  ['ACK', ACK],
  ['URG', URG],
  ['ECE', ECE],
  ['CWR', CWR],
];

export const TCP_HEADER_LENGTH = 20;

export function flagNames(flags: number): TcpFlag[] {
  const names: TcpFlag[] = [];
  for (const [name, bit] of FLAG_ORDER) if (flags & bit) names.push(name);
  return names;
}

export function flagBits(names: readonly TcpFlag[]): number {
  let bits = 0;
  for (const name of names) for (const [n, bit] of FLAG_ORDER) if (n === name) bits |= bit;
  return bits;
}

export interface TcpOptions {
  /** Maximum Segment Size (kind 2), RFC 9293 3.7.1: only on SYNs. */
  readonly mss?: number;
  /** Window scale shift (kind 3), RFC 7323 2: only on SYNs. */
  readonly windowScale?: number;
  /** SACK permitted (kind 4), RFC 2018 2: only on SYNs. */
  readonly sackPermitted?: boolean;
  /** Timestamps (kind 8), RFC 7323 3: TSval and TSecr. */
  readonly timestamp?: { readonly value: number; readonly echo: number };
  /** SACK blocks (kind 5), RFC 2018 3: [left, right) edges, at most 4 (3 beside timestamps). */
  readonly sack?: ReadonlyArray<{ readonly left: number; readonly right: number }>;
}

export interface TcpSegment {
  readonly srcPort: number;
  readonly dstPort: number;
  /** SEG.SEQ, absolute (not relative to the ISN). */
  readonly seq: number;
  /** SEG.ACK, meaningful only with the ACK flag. */
  readonly ack: number;
  /** Bit mask of FIN, SYN, RST, PSH, ACK, URG, ECE, CWR. */
  readonly flags: number;
  /** SEG.WND (unscaled). */
  readonly window: number;
  readonly urgentPointer?: number;
  readonly options: TcpOptions;
  /**
   * The option octets exactly as they go on the wire (a multiple of 4, at most 40), written instead
   * of an encoding of `options`: a raw peer uses it to send a layout of its own (packetdrill's
   * `<mss 1460,sackOK,eol,eol>`). `options` should describe the same options.
   */
  readonly optionBytes?: Uint8Array;
  readonly payload: Uint8Array;
}

/**
 * How a stack lays its options out on the wire (RFC 9293 3.2 leaves order and padding free; real
 * stacks align 32-bit fields with No-Operations, and packetdrill scripts check the exact layout):
 * - 'compact': in kind order, no No-Operations, End of Option List padding at the end;
 * - 'freebsd': FreeBSD's tcp_addoptions(): MSS, NOP-aligned window scale, SACK-permitted, NOP-aligned
 *   timestamps (`<mss 1460,nop,wscale 6,sackOK,TS val 1 ecr 0>`), NOP,NOP before SACK blocks, EOL padding;
 * - 'linux': Linux's tcp_options_write(): MSS, then SACK-permitted + timestamps
 *   (`<mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>`), NOP,NOP before a lone timestamp or
 *   SACK-permitted, NOP before window scale, NOP,NOP before SACK blocks.
 */
export type OptionLayout = 'compact' | 'freebsd' | 'linux';

/** SEG.LEN, RFC 9293 3.4: payload octets plus one for SYN and one for FIN. */
export function segmentLength(seg: TcpSegment): number {
  return seg.payload.length + (seg.flags & SYN ? 1 : 0) + (seg.flags & FIN ? 1 : 0);
}

export function optionsLength(options: TcpOptions, layout: OptionLayout = 'compact'): number {
  if (layout !== 'compact') return (emitOptions(undefined, 0, options, layout) + 3) & ~3;
  let n = 0;
  if (options.mss !== undefined) n += 4;
  if (options.windowScale !== undefined) n += 3;
  if (options.sackPermitted) n += 2;
  if (options.timestamp) n += 10;
  if (options.sack && options.sack.length > 0) n += 2 + 8 * options.sack.length;
  return (n + 3) & ~3;
}

/** Octets a segment's options take on the wire (its exact `optionBytes` when it has them). */
function segmentOptionsLength(seg: TcpSegment, layout: OptionLayout): number {
  return seg.optionBytes ? seg.optionBytes.length : optionsLength(seg.options, layout);
}

const NOP = 1;

/** One octet at `at + n` (when writing); returns n + 1. Plain functions: no closure per segment. */
function put(out: Uint8Array | undefined, at: number, n: number, b: number): number {
  if (out) out[at + n] = b;
  return n + 1;
}

function putU32(out: Uint8Array | undefined, at: number, n: number, v: number): number {
  if (out) writeU32(out, at + n, v);
  return n + 4;
}

function putMss(out: Uint8Array | undefined, at: number, n: number, mss: number): number {
  n = put(out, at, put(out, at, n, 2), 4);
  return put(out, at, put(out, at, n, mss >>> 8), mss & 0xff);
}

function putWscale(out: Uint8Array | undefined, at: number, n: number, shift: number): number {
  return put(out, at, put(out, at, put(out, at, n, 3), 3), shift);
}

function putSackOk(out: Uint8Array | undefined, at: number, n: number): number {
  return put(out, at, put(out, at, n, 4), 2);
}

function putTimestamp(
  out: Uint8Array | undefined,
  at: number,
  n: number,
  ts: { readonly value: number; readonly echo: number },
): number {
  n = put(out, at, put(out, at, n, 8), 10);
  return putU32(out, at, putU32(out, at, n, ts.value), ts.echo);
}

function putSack(
  out: Uint8Array | undefined,
  at: number,
  n: number,
  blocks: ReadonlyArray<{ readonly left: number; readonly right: number }>,
): number {
  n = put(out, at, put(out, at, n, 5), 2 + 8 * blocks.length);
  for (const b of blocks) n = putU32(out, at, putU32(out, at, n, b.left), b.right);
  return n;
}

/**
 * Writes (when `out` is given) or only measures the options in a stack's layout, without the final
 * padding; returns the octets used. One routine for both, so length and bytes never disagree.
 */
function emitOptions(out: Uint8Array | undefined, at: number, o: TcpOptions, layout: OptionLayout): number {
  let n = 0;
  const hasSack = o.sack !== undefined && o.sack.length > 0;
  if (layout === 'linux') {
    if (o.mss !== undefined) n = putMss(out, at, n, o.mss);
    if (o.timestamp) {
      n = o.sackPermitted ? putSackOk(out, at, n) : put(out, at, put(out, at, n, NOP), NOP);
      n = putTimestamp(out, at, n, o.timestamp);
    } else if (o.sackPermitted) {
      n = putSackOk(out, at, put(out, at, put(out, at, n, NOP), NOP));
    }
    if (o.windowScale !== undefined) n = putWscale(out, at, put(out, at, n, NOP), o.windowScale);
    if (hasSack) n = putSack(out, at, put(out, at, put(out, at, n, NOP), NOP), o.sack!);
    return n;
  }
  // FreeBSD: each option is preceded by No-Operations until its alignment rule holds.
  if (o.mss !== undefined) {
    while (n % 4 !== 0) n = put(out, at, n, NOP);
    n = putMss(out, at, n, o.mss);
  }
  if (o.windowScale !== undefined) {
    while (n === 0 || n % 2 !== 1) n = put(out, at, n, NOP);
    n = putWscale(out, at, n, o.windowScale);
  }
  if (o.sackPermitted) {
    while (n % 2 !== 0) n = put(out, at, n, NOP);
    n = putSackOk(out, at, n);
  }
  if (o.timestamp) {
    while (n === 0 || n % 4 !== 2) n = put(out, at, n, NOP);
    n = putTimestamp(out, at, n, o.timestamp);
  }
  if (hasSack) {
    while (n % 4 !== 2) n = put(out, at, n, NOP);
    n = putSack(out, at, n, o.sack!);
  }
  return n;
}

function writeOptions(
  out: Uint8Array,
  at: number,
  options: TcpOptions,
  padded: number,
  layout: OptionLayout,
): void {
  let i = at;
  if (layout !== 'compact') i += emitOptions(out, at, options, layout);
  else i = writeCompactOptions(out, at, options);
  // RFC 9293 3.1: the header is padded with zeros (End of Option List) to a 32-bit boundary.
  while (i < at + padded) out[i++] = 0;
}

function writeCompactOptions(out: Uint8Array, at: number, options: TcpOptions): number {
  let i = at;
  if (options.mss !== undefined) {
    out[i++] = 2;
    out[i++] = 4;
    out[i++] = options.mss >>> 8;
    out[i++] = options.mss & 0xff;
  }
  if (options.windowScale !== undefined) {
    out[i++] = 3;
    out[i++] = 3;
    out[i++] = options.windowScale;
  }
  if (options.sackPermitted) {
    out[i++] = 4;
    out[i++] = 2;
  }
  if (options.timestamp) {
    out[i++] = 8;
    out[i++] = 10;
    writeU32(out, i, options.timestamp.value);
    writeU32(out, i + 4, options.timestamp.echo);
    i += 8;
  }
  if (options.sack && options.sack.length > 0) {
    out[i++] = 5;
    out[i++] = 2 + 8 * options.sack.length;
    for (const block of options.sack) {
      writeU32(out, i, block.left);
      writeU32(out, i + 4, block.right);
      i += 8;
    }
  }
  return i;
}

function writeTcp(
  out: Uint8Array,
  at: number,
  seg: TcpSegment,
  src: number,
  dst: number,
  layout: OptionLayout = 'compact',
): void {
  const optLen = segmentOptionsLength(seg, layout);
  const headerLen = TCP_HEADER_LENGTH + optLen;
  const tcpLen = headerLen + seg.payload.length;
  out[at] = seg.srcPort >>> 8;
  out[at + 1] = seg.srcPort & 0xff;
  out[at + 2] = seg.dstPort >>> 8;
  out[at + 3] = seg.dstPort & 0xff;
  writeU32(out, at + 4, seg.seq);
  writeU32(out, at + 8, seg.ack);
  out[at + 12] = (headerLen / 4) << 4;
  out[at + 13] = seg.flags & 0xff;
  out[at + 14] = seg.window >>> 8;
  out[at + 15] = seg.window & 0xff;
  out[at + 16] = 0;
  out[at + 17] = 0;
  const urg = seg.urgentPointer ?? 0;
  out[at + 18] = urg >>> 8;
  out[at + 19] = urg & 0xff;
  if (seg.optionBytes) out.set(seg.optionBytes, at + TCP_HEADER_LENGTH);
  else writeOptions(out, at + TCP_HEADER_LENGTH, seg.options, optLen, layout);
  out.set(seg.payload, at + headerLen);
  const sum = finishChecksum(sumWords(out, at, at + tcpLen, pseudoHeaderSum(src, dst, PROTOCOL_TCP, tcpLen)));
  out[at + 16] = sum >>> 8;
  out[at + 17] = sum & 0xff;
}

/** Encodes a TCP segment (header, options, payload) with its checksum over the IPv4 pseudo-header. */
export function encodeTcpSegment(
  seg: TcpSegment,
  src: number,
  dst: number,
  layout: OptionLayout = 'compact',
): Uint8Array {
  const out = new Uint8Array(TCP_HEADER_LENGTH + segmentOptionsLength(seg, layout) + seg.payload.length);
  writeTcp(out, 0, seg, src, dst, layout);
  return out;
}

/** Encodes a TCP segment inside an IPv4 packet in a single allocation. */
export function encodeTcpIpv4Packet(
  seg: TcpSegment,
  src: number,
  dst: number,
  identification = 0,
  layout: OptionLayout = 'compact',
): Uint8Array {
  const out = new Uint8Array(tcpIpv4PacketLength(seg, layout));
  writeTcpIpv4Packet(out, seg, src, dst, identification, layout);
  return out;
}

/** Octets of the IPv4 packet that carries `seg`: IPv4 header, TCP header with options, payload. */
export function tcpIpv4PacketLength(seg: TcpSegment, layout: OptionLayout = 'compact'): number {
  return IPV4_HEADER_LENGTH + TCP_HEADER_LENGTH + segmentOptionsLength(seg, layout) + seg.payload.length;
}

/**
 * Writes the IPv4 packet that carries `seg` over all of `out` (exactly `tcpIpv4PacketLength(seg)`
 * octets, every one of them written: `out` may be uninitialized memory), checksums included.
 */
export function writeTcpIpv4Packet(
  out: Uint8Array,
  seg: TcpSegment,
  src: number,
  dst: number,
  identification: number,
  layout: OptionLayout = 'compact',
): void {
  const tcpLen = out.length - IPV4_HEADER_LENGTH;
  writeIpv4HeaderFields(out, src, dst, identification, 64, PROTOCOL_TCP, tcpLen);
  writeTcp(out, IPV4_HEADER_LENGTH, seg, src, dst, layout);
}

export type TcpDecodeError = 'truncated' | 'bad-data-offset' | 'bad-option' | 'bad-checksum';

export type TcpDecodeResult =
  | { readonly ok: true; readonly segment: TcpSegment }
  | { readonly ok: false; readonly error: TcpDecodeError };

function decodeOptions(bytes: Uint8Array, start: number, end: number): TcpOptions | undefined {
  let mss: number | undefined;
  let windowScale: number | undefined;
  let sackPermitted = false;
  let timestamp: { value: number; echo: number } | undefined;
  let sack: Array<{ left: number; right: number }> | undefined;
  let i = start;
  while (i < end) {
    const kind = bytes[i]!;
    if (kind === 0) break; // End of Option List
    if (kind === 1) {
      i++; // No-Operation
      continue;
    }
    if (i + 1 >= end) return undefined;
    const len = bytes[i + 1]!;
    if (len < 2 || i + len > end) return undefined;
    if (kind === 2) {
      if (len !== 4) return undefined;
      mss = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    } else if (kind === 3) {
      if (len !== 3) return undefined;
      windowScale = bytes[i + 2]!;
    } else if (kind === 4) {
      if (len !== 2) return undefined;
      sackPermitted = true;
    } else if (kind === 8) {
      if (len !== 10) return undefined;
      timestamp = { value: readU32(bytes, i + 2), echo: readU32(bytes, i + 6) };
    } else if (kind === 5) {
      // RFC 2018 3: length 2 + 8n, n blocks of two 32-bit edges.
      if ((len - 2) % 8 !== 0 || len < 10) return undefined;
      sack = [];
      for (let j = i + 2; j < i + len; j += 8)
        sack.push({ left: readU32(bytes, j), right: readU32(bytes, j + 4) });
    }
    // RFC 9293 3.2: unknown options are skipped using their length.
    i += len;
  }
  const options: {
    mss?: number;
    windowScale?: number;
    sackPermitted?: boolean;
    timestamp?: typeof timestamp;
    sack?: typeof sack;
  } = {};
  if (mss !== undefined) options.mss = mss;
  if (windowScale !== undefined) options.windowScale = windowScale;
  if (sackPermitted) options.sackPermitted = true;
  if (timestamp) options.timestamp = timestamp;
  if (sack) options.sack = sack;
  return options as TcpOptions;
}

const NO_OPTIONS: TcpOptions = Object.freeze({});
/** The payload of every segment without data (nothing can be written into a zero-length view). */
const NO_PAYLOAD = new Uint8Array(0);

/**
 * Decodes a TCP segment. With `addresses`, the checksum is verified over the pseudo-header and a
 * mismatch yields `bad-checksum` (RFC 9293 3.10.7: a segment with a bad checksum is discarded).
 * The payload is a view into `bytes`.
 */
export function decodeTcpSegment(
  bytes: Uint8Array,
  addresses?: { readonly src: number; readonly dst: number },
): TcpDecodeResult {
  const parsed = addresses
    ? parseTcpSegment(bytes, 0, bytes.length, true, addresses.src, addresses.dst)
    : parseTcpSegment(bytes, 0, bytes.length, false, 0, 0);
  return typeof parsed === 'string' ? { ok: false, error: parsed } : { ok: true, segment: parsed };
}

/**
 * The segment in `bytes[start..end)` (an IPv4 packet's payload, read in place), or why it is bad;
 * with `verify`, the checksum over the pseudo-header of `src` and `dst` is checked first. The
 * simulator's receive path calls this for every segment, so it builds no result wrapper and no
 * view for an empty payload.
 */
export function parseTcpSegment(
  bytes: Uint8Array,
  start: number,
  end: number,
  verify: boolean,
  src: number,
  dst: number,
): TcpSegment | TcpDecodeError {
  const length = end - start;
  if (length < TCP_HEADER_LENGTH) return 'truncated';
  // The checksum comes first: a corrupted header must be reported as what it is.
  if (verify) {
    const sum = sumWords(bytes, start, end, pseudoHeaderSum(src, dst, PROTOCOL_TCP, length));
    if (finishChecksum(sum) !== 0) return 'bad-checksum';
  }
  const headerLen = (bytes[start + 12]! >>> 4) * 4;
  if (headerLen < TCP_HEADER_LENGTH || headerLen > length) return 'bad-data-offset';

  const options =
    headerLen === TCP_HEADER_LENGTH
      ? NO_OPTIONS
      : decodeOptions(bytes, start + TCP_HEADER_LENGTH, start + headerLen);
  if (!options) return 'bad-option';
  return {
    srcPort: (bytes[start]! << 8) | bytes[start + 1]!,
    dstPort: (bytes[start + 2]! << 8) | bytes[start + 3]!,
    seq: readU32(bytes, start + 4),
    ack: readU32(bytes, start + 8),
    flags: bytes[start + 13]!,
    window: (bytes[start + 14]! << 8) | bytes[start + 15]!,
    urgentPointer: (bytes[start + 18]! << 8) | bytes[start + 19]!,
    options,
    payload: headerLen === length ? NO_PAYLOAD : bytes.subarray(start + headerLen, end),
  };
}
