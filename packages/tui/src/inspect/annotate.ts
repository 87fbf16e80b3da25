/**
 * Byte annotation for the inspector: which bytes of an IPv4 packet are which field.
 *
 * It labels, it does not validate: the simulator already built these bytes correctly, and the inspector
 * must still say something useful about a corrupted or truncated packet, so every read is bounds-checked
 * and a short packet simply yields fewer fields. Offsets follow RFC 791 3.1 (IPv4 header), RFC 9293 3.1
 * (TCP header) and 3.2 (options), RFC 9110/9112 (HTTP/1.1 head) and RFC 6455 5.2 (base framing).
 * A data frame with RSV1 (permessage-deflate, RFC 7692) is shown inflated when its payload inflates on
 * its own; under context takeover a message may refer back to earlier ones, and the inspector says so.
 */
import { DEFLATE_TAIL, OPCODE_NAMES, pakoCodec, RSV1 } from '@synack/ws-frame';

export type FieldGroup =
  | 'ip'
  | 'tcp'
  | 'tcp-option'
  | 'http'
  | 'ws-header'
  | 'ws-mask'
  | 'ws-payload'
  | 'data';

/** A labelled range of bytes, [start, end) in packet offsets. */
export interface Field {
  readonly start: number;
  readonly end: number;
  readonly group: FieldGroup;
  readonly label: string;
  readonly value: string;
}

export function bytesFromHex(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-fA-F]/g, '');
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function u16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

function u32(b: Uint8Array, at: number): number {
  return (u16(b, at) * 0x10000 + u16(b, at + 2)) >>> 0;
}

function hex16(n: number): string {
  return `0x${n.toString(16).padStart(4, '0')}`;
}

class Fields {
  readonly list: Field[] = [];
  constructor(private readonly length: number) {}
  /** Adds a field clipped to the packet; returns false when it starts beyond the end. */
  add(start: number, size: number, group: FieldGroup, label: string, value: string): boolean {
    if (start >= this.length || size <= 0) return false;
    this.list.push({ start, end: Math.min(this.length, start + size), group, label, value });
    return true;
  }
}

const IP_PROTOCOLS: Readonly<Record<number, string>> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP' };

/** RFC 791 3.1. Returns the offset where the payload starts. */
function ipv4(b: Uint8Array, f: Fields): number {
  const ihl = ((b[0] ?? 0) & 0x0f) * 4;
  f.add(0, 1, 'ip', 'IP version / IHL', `${(b[0] ?? 0) >> 4} / ${ihl} bytes`);
  f.add(1, 1, 'ip', 'IP DSCP / ECN', `${(b[1] ?? 0) >> 2} / ${(b[1] ?? 0) & 3}`);
  f.add(2, 2, 'ip', 'IP total length', `${u16(b, 2)}`);
  f.add(4, 2, 'ip', 'IP identification', hex16(u16(b, 4)));
  const frag = u16(b, 6);
  f.add(
    6,
    2,
    'ip',
    'IP flags / fragment offset',
    `${frag & 0x4000 ? 'DF' : '-'} ${frag & 0x2000 ? 'MF' : '-'} / ${frag & 0x1fff}`,
  );
  f.add(8, 1, 'ip', 'IP TTL', `${b[8] ?? 0}`);
  f.add(9, 1, 'ip', 'IP protocol', IP_PROTOCOLS[b[9] ?? 0] ?? `${b[9] ?? 0}`);
  f.add(10, 2, 'ip', 'IP header checksum', hex16(u16(b, 10)));
  f.add(12, 4, 'ip', 'IP source', Array.from(b.subarray(12, 16)).join('.'));
  f.add(16, 4, 'ip', 'IP destination', Array.from(b.subarray(16, 20)).join('.'));
  if (ihl > 20) f.add(20, ihl - 20, 'ip', 'IP options', `${ihl - 20} bytes`);
  return Math.max(20, ihl);
}

const TCP_FLAG_BITS: readonly (readonly [number, string])[] = [
  [0x80, 'CWR'],
  [0x40, 'ECE'],
  [0x20, 'URG'],
  [0x10, 'ACK'],
  [0x08, 'PSH'],
  [0x04, 'RST'],
  [0x02, 'SYN'],
  [0x01, 'FIN'],
];

/** RFC 9293 3.1. Returns the offset where the TCP payload starts. */
function tcp(b: Uint8Array, at: number, f: Fields): number {
  const offset = ((b[at + 12] ?? 0) >> 4) * 4;
  const flags = TCP_FLAG_BITS.filter(([bit]) => ((b[at + 13] ?? 0) & bit) !== 0).map(([, n]) => n);
  f.add(at, 2, 'tcp', 'TCP source port', `${u16(b, at)}`);
  f.add(at + 2, 2, 'tcp', 'TCP destination port', `${u16(b, at + 2)}`);
  f.add(at + 4, 4, 'tcp', 'TCP sequence number', `${u32(b, at + 4)}`);
  f.add(at + 8, 4, 'tcp', 'TCP acknowledgment number', `${u32(b, at + 8)}`);
  f.add(at + 12, 1, 'tcp', 'TCP data offset', `${offset} bytes`);
  f.add(at + 13, 1, 'tcp', 'TCP flags', flags.join(',') || '(none)');
  f.add(at + 14, 2, 'tcp', 'TCP window', `${u16(b, at + 14)}`);
  f.add(at + 16, 2, 'tcp', 'TCP checksum', hex16(u16(b, at + 16)));
  f.add(at + 18, 2, 'tcp', 'TCP urgent pointer', `${u16(b, at + 18)}`);
  tcpOptions(b, at + 20, at + Math.max(20, offset), f);
  return at + Math.max(20, offset);
}

/** RFC 9293 3.2: kind 0 ends the list, kind 1 is one byte of padding, the rest are kind-length-value. */
function tcpOptions(b: Uint8Array, from: number, to: number, f: Fields): void {
  let i = from;
  while (i < to && i < b.length) {
    const kind = b[i] ?? 0;
    if (kind === 0) {
      f.add(i, to - i, 'tcp-option', 'TCP option end of list', '');
      return;
    }
    if (kind === 1) {
      f.add(i, 1, 'tcp-option', 'TCP option NOP', '');
      i += 1;
      continue;
    }
    const len = Math.max(2, b[i + 1] ?? 2);
    f.add(i, Math.min(len, to - i), 'tcp-option', ...tcpOption(b, i, kind, len));
    i += len;
  }
}

function tcpOption(b: Uint8Array, at: number, kind: number, len: number): [string, string] {
  switch (kind) {
    case 2:
      return ['TCP option MSS', `${u16(b, at + 2)}`];
    case 3:
      return ['TCP option window scale', `shift ${b[at + 2] ?? 0}`];
    case 4:
      return ['TCP option SACK permitted', ''];
    case 5:
      return ['TCP option SACK', `${(len - 2) / 8} blocks`];
    case 8:
      return ['TCP option timestamps', `TSval ${u32(b, at + 2)} TSecr ${u32(b, at + 6)}`];
    default:
      return [`TCP option kind ${kind}`, `${len} bytes`];
  }
}

const decoder = new TextDecoder('utf-8', { fatal: false });
const ascii = (b: Uint8Array): string => decoder.decode(b);

/** RFC 9112 2.1: a request line (`GET / HTTP/1.1`) or a status line (`HTTP/1.1 101 ...`). */
function isHttpHead(b: Uint8Array, at: number): boolean {
  const start = ascii(b.subarray(at, at + 512)).split('\r\n', 1)[0] ?? '';
  return /^HTTP\/1\.[01] \d{3}/.test(start) || /^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(start);
}

/** RFC 9112 2.1: a start line and header fields, each ended by CRLF, then an empty line. */
function httpHead(b: Uint8Array, at: number, f: Fields): number {
  let i = at;
  let first = true;
  while (i < b.length) {
    let eol = i;
    while (eol < b.length && !(b[eol] === 0x0d && b[eol + 1] === 0x0a)) eol++;
    const line = ascii(b.subarray(i, eol));
    const end = Math.min(b.length, eol + 2);
    if (line === '') {
      f.add(i, end - i, 'http', 'HTTP end of head', 'CRLF');
      return end;
    }
    if (first) {
      f.add(i, end - i, 'http', line.startsWith('HTTP/') ? 'HTTP status line' : 'HTTP request line', line);
    } else {
      const colon = line.indexOf(':');
      const name = colon === -1 ? line : line.slice(0, colon);
      f.add(i, end - i, 'http', `HTTP ${name}`, colon === -1 ? '' : line.slice(colon + 1).trim());
    }
    first = false;
    i = end;
  }
  return i;
}

/**
 * A byte that can start a frame: a known opcode, RSV2 and RSV3 clear, and RSV1 only on a text or binary
 * frame (RFC 7692 6: "Per-Message Compressed" marks the first frame of a compressed message).
 */
function looksLikeFrameStart(byte: number | undefined): boolean {
  if (byte === undefined || (byte & 0x30) !== 0 || OPCODE_NAMES[byte & 0x0f] === undefined) return false;
  return (byte & 0x40) === 0 || (byte & 0x0f) === 1 || (byte & 0x0f) === 2;
}

/** RFC 6455 5.2: one frame, as much of it as this packet holds. Returns the offset after it. */
function wsFrame(b: Uint8Array, at: number, f: Fields): number {
  const b0 = b[at] ?? 0;
  const b1 = b[at + 1] ?? 0;
  const opcode = OPCODE_NAMES[b0 & 0x0f] ?? `reserved ${b0 & 0x0f}`;
  const rsv = [(b0 >> 6) & 1, (b0 >> 5) & 1, (b0 >> 4) & 1].join('');
  f.add(
    at,
    1,
    'ws-header',
    'WS FIN / RSV / opcode',
    `FIN=${b0 >> 7} RSV=${rsv} opcode=${b0 & 0x0f} (${opcode})${compressed(b0) ? ' RSV1: per-message compressed (RFC 7692)' : ''}`,
  );
  const masked = (b1 & 0x80) !== 0;
  const len7 = b1 & 0x7f;
  f.add(at + 1, 1, 'ws-header', 'WS MASK / payload length', `MASK=${masked ? 1 : 0} len=${len7}`);
  let i = at + 2;
  let length = len7;
  if (len7 === 126) {
    length = u16(b, i);
    f.add(i, 2, 'ws-header', 'WS extended length (16-bit)', `${length}`);
    i += 2;
  } else if (len7 === 127) {
    length = u32(b, i) * 2 ** 32 + u32(b, i + 4);
    f.add(i, 8, 'ws-header', 'WS extended length (64-bit)', `${length}`);
    i += 8;
  }
  let key: Uint8Array | undefined;
  if (masked) {
    key = b.slice(i, i + 4);
    f.add(
      i,
      4,
      'ws-mask',
      'WS masking key',
      Array.from(key, (x) => x.toString(16).padStart(2, '0')).join(' '),
    );
    i += 4;
  }
  const available = Math.max(0, Math.min(length, b.length - i));
  const payload = b.slice(i, i + available);
  if (key !== undefined)
    for (let j = 0; j < payload.length; j++) payload[j] = (payload[j] ?? 0) ^ (key[j % 4] ?? 0);
  const partial = available < length ? ` (${available} of ${length} bytes here)` : '';
  const label = masked ? 'WS masked payload' : 'WS payload';
  const text =
    compressed(b0) && available === length
      ? inflatedText(b0 & 0x0f, payload)
      : payloadText(b0 & 0x0f, payload);
  f.add(
    i,
    available,
    'ws-payload',
    compressed(b0) ? `WS compressed payload${partial}` : `${label}${partial}`,
    text,
  );
  return i + available;
}

/** RSV1 on a text or binary frame: the message is compressed (RFC 7692 6). */
function compressed(b0: number): boolean {
  return (b0 & (RSV1 << 4)) !== 0 && ((b0 & 0x0f) === 1 || (b0 & 0x0f) === 2);
}

/** Shown inflated at most this much (the inspector is a view, not a decoder). */
const INFLATE_LIMIT = 64 * 1024;

/**
 * RFC 7692 7.2.2: the payload with 0x00 0x00 0xff 0xff appended, inflated on its own. A message that
 * refers back into earlier ones (context takeover, 7.2.3.2) or a fragment cannot be read alone.
 */
function inflatedText(opcode: number, payload: Uint8Array): string {
  const inflater = pakoCodec.createInflater();
  const pieces: Uint8Array[] = [];
  const take = (p: Uint8Array) => pieces.push(p);
  const status = inflater.inflate(payload, INFLATE_LIMIT, take);
  const tail = status === 'ok' ? inflater.inflate(DEFLATE_TAIL, INFLATE_LIMIT, take) : status;
  if (tail !== 'ok')
    return `${payload.length} bytes compressed; refers to earlier messages (context takeover) or is cut`;
  const inflated = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of pieces) {
    inflated.set(p, at);
    at += p.length;
  }
  return `${payloadText(opcode, inflated)} inflated from ${payload.length} bytes`;
}

/** What a person reads: text as text (unmasked), a close frame as code + reason, anything else as size. */
function payloadText(opcode: number, payload: Uint8Array): string {
  if (opcode === 8 && payload.length >= 2) {
    const reason = ascii(payload.subarray(2));
    return `code ${u16(payload, 0)}${reason === '' ? '' : ` "${reason}"`}`;
  }
  if (opcode === 1 || opcode === 9 || opcode === 10) return JSON.stringify(ascii(payload));
  return `${payload.length} bytes`;
}

/**
 * Labels every byte of an IPv4 + TCP packet it can: IP header, TCP header and options, then the payload
 * as an HTTP head or WebSocket frames. Fields are ordered by offset and never overlap.
 */
export function annotatePacket(bytes: Uint8Array): readonly Field[] {
  const f = new Fields(bytes.length);
  if (bytes.length === 0) return f.list;
  let at = ipv4(bytes, f);
  if (at >= bytes.length) return f.list;
  at = tcp(bytes, at, f);
  if (at < bytes.length && isHttpHead(bytes, at)) at = httpHead(bytes, at, f);
  if (at < bytes.length && !looksLikeFrameStart(bytes[at])) {
    f.add(
      at,
      bytes.length - at,
      'data',
      'TCP payload (continues an earlier frame)',
      `${bytes.length - at} bytes`,
    );
    return f.list;
  }
  while (at < bytes.length) at = wsFrame(bytes, at, f);
  return f.list;
}
