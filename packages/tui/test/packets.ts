/** Hand-built IPv4 + TCP packets for tests: just enough header to exercise the annotator and the panes. */

export interface PacketSpec {
  readonly flags?: number;
  readonly seq?: number;
  readonly ack?: number;
  readonly options?: readonly number[];
  readonly payload?: Uint8Array;
}

export function packet(spec: PacketSpec = {}): Uint8Array {
  const options = spec.options ?? [];
  const payload = spec.payload ?? new Uint8Array();
  const tcpLen = 20 + options.length;
  const total = 20 + tcpLen + payload.length;
  const b = new Uint8Array(total);
  b.set([
    0x45,
    0,
    total >> 8,
    total & 0xff,
    0x12,
    0x34,
    0x40,
    0,
    64,
    6,
    0xab,
    0xcd,
    10,
    0,
    0,
    1,
    10,
    0,
    0,
    2,
  ]);
  const t = 20;
  const seq = spec.seq ?? 1000;
  const ack = spec.ack ?? 0;
  b.set([0xc3, 0x50, 0x42, 0xe2], t); // ports 50000 -> 17122
  b.set([seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff], t + 4);
  b.set([ack >>> 24, (ack >>> 16) & 0xff, (ack >>> 8) & 0xff, ack & 0xff], t + 8);
  b.set([(tcpLen / 4) << 4, spec.flags ?? 0x02, 0xff, 0xff, 0x12, 0x34, 0, 0], t + 12);
  b.set(options, t + 20);
  b.set(payload, t + tcpLen);
  return b;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A client text frame (RFC 6455 5.2), masked with `key`. */
export function maskedText(text: string, key: readonly number[] = [0x37, 0xfa, 0x21, 0x3d]): Uint8Array {
  const data = new TextEncoder().encode(text);
  const head =
    data.length < 126 ? [0x81, 0x80 | data.length] : [0x81, 0x80 | 126, data.length >> 8, data.length & 0xff];
  const out = new Uint8Array(head.length + 4 + data.length);
  out.set(head);
  out.set(key, head.length);
  data.forEach((x, i) => {
    out[head.length + 4 + i] = x ^ (key[i % 4] ?? 0);
  });
  return out;
}

export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
