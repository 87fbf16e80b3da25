/**
 * Packets between the script and the endpoint, as packetdrill treats them (run_packet.c):
 *
 * - numbers: the remote side's sequence numbers are written as they go on the wire; the endpoint's
 *   are relative to its ISN (the script's `0` in `S. 0:0(0)` is whatever ISN the endpoint chose).
 *   Inbound ACK fields and SACK blocks are moved into the endpoint's space, outbound SEQ into the
 *   script's. An inbound TS ecr names an outbound TS val the script wrote, and is mapped to the one
 *   the endpoint really sent;
 * - inbound packets carry exactly the options written (`<mss 1460,sackOK,eol,eol>` stays 8 octets);
 * - an outbound packet is checked field by field in packetdrill's order (IPv4 total length, data
 *   offset, flags, seq, ack, window, urgent pointer, then the option layout, the payload, the time),
 *   and the first difference is reported in packetdrill's words.
 */
import { seqAdd, type TcpOptions, type TcpSegment } from '@synack/tcp-sim';
import type { OptionSpec, PacketSpec } from './script.js';

const FLAG_BITS: Readonly<Record<string, number>> = {
  F: 0x01,
  S: 0x02,
  R: 0x04,
  P: 0x08,
  '.': 0x10,
  U: 0x20,
  E: 0x40,
  W: 0x80,
};

export function flagBits(flags: string): number {
  let bits = 0;
  for (const c of flags) bits |= FLAG_BITS[c] ?? 0;
  return bits;
}

/** Sequence-number and timestamp mappings between script space and the endpoint's live values. */
export class SpaceMap {
  /** The endpoint's ISN as the script writes it (0 unless its first SYN says otherwise). */
  scriptLocalIsn = 0;
  /** The endpoint's live ISN. */
  liveLocalIsn = 0;
  private readonly tsVal = new Map<number, number>();
  private firstScriptTs: number | undefined;
  private firstLiveTs = 0;

  /** Offset to add to a script ACK/SACK number to get the live one. */
  get ackOffset(): number {
    return (this.liveLocalIsn - this.scriptLocalIsn) >>> 0;
  }

  rememberTsVal(script: number, live: number): void {
    this.tsVal.set(script, live);
    if (this.firstScriptTs === undefined) {
      this.firstScriptTs = script;
      this.firstLiveTs = live;
    }
  }

  /** A live TS val in script space (for printing the actual packet). */
  tsValToScript(live: number): number {
    return this.firstScriptTs === undefined ? live : (this.firstScriptTs + (live - this.firstLiveTs)) >>> 0;
  }

  /** The live TS ecr for a script's ecr, or undefined when no outbound TS val matches. */
  tsEcrToLive(script: number, scaled: boolean): number | undefined {
    const exact = this.tsVal.get(script);
    if (exact !== undefined) return exact;
    if (scaled && this.firstScriptTs !== undefined)
      return (script - this.firstScriptTs + this.firstLiveTs) >>> 0;
    return undefined;
  }
}

/** Encodes the options exactly as written (NOPs, EOLs and order kept). */
export function optionOctets(
  options: readonly OptionSpec[],
  ecr: (script: number) => number,
  ackOffset: number,
): Uint8Array {
  const out: number[] = [];
  const u32 = (v: number) => out.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
  for (const o of options) {
    switch (o.kind) {
      case 'nop':
        out.push(1);
        break;
      case 'eol':
        out.push(0);
        break;
      case 'mss':
        out.push(2, 4, o.value >>> 8, o.value & 0xff);
        break;
      case 'wscale':
        out.push(3, 3, o.value);
        break;
      case 'sackOK':
        out.push(4, 2);
        break;
      case 'sack':
        out.push(5, 2 + 8 * o.blocks.length);
        for (const [l, r] of o.blocks) {
          u32(seqAdd(l, ackOffset));
          u32(seqAdd(r, ackOffset));
        }
        break;
      case 'TS':
        out.push(8, 10);
        u32(o.val);
        u32(ecr(o.ecr));
        break;
      case 'unmodelled':
        break;
    }
  }
  return Uint8Array.from(out);
}

/** The structured view of the same options (what tcp-sim reads on arrival). */
export function optionValues(
  options: readonly OptionSpec[],
  ecr: (script: number) => number,
  ackOffset: number,
): TcpOptions {
  const o: {
    mss?: number;
    windowScale?: number;
    sackPermitted?: boolean;
    timestamp?: { value: number; echo: number };
    sack?: Array<{ left: number; right: number }>;
  } = {};
  for (const s of options) {
    if (s.kind === 'eol') break;
    if (s.kind === 'mss') o.mss = s.value;
    else if (s.kind === 'wscale') o.windowScale = s.value;
    else if (s.kind === 'sackOK') o.sackPermitted = true;
    else if (s.kind === 'TS') o.timestamp = { value: s.val, echo: ecr(s.ecr) };
    else if (s.kind === 'sack')
      o.sack = s.blocks.map(([l, r]) => ({ left: seqAdd(l, ackOffset), right: seqAdd(r, ackOffset) }));
  }
  return o;
}

/** An option as it appears in a live packet's option octets. */
export type LiveOption = { readonly kind: 0 | 1 } | { readonly kind: number; readonly data: Uint8Array };

/** Walks the option octets of the TCP header in an IPv4 packet (kinds and data, in order). */
export function liveOptions(packet: Uint8Array): LiveOption[] {
  const ihl = (packet[0]! & 0x0f) * 4;
  const doff = (packet[ihl + 12]! >>> 4) * 4;
  const out: LiveOption[] = [];
  let i = ihl + 20;
  const end = ihl + doff;
  while (i < end) {
    const kind = packet[i]!;
    if (kind === 0 || kind === 1) {
      out.push({ kind });
      i++;
      continue;
    }
    const len = packet[i + 1] ?? 2;
    out.push({ kind, data: packet.subarray(i + 2, i + Math.max(2, len)) });
    i += Math.max(2, len);
  }
  return out;
}

const U32 = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;

/** packetdrill's option text: `mss 1460,nop,wscale 6,sackOK,TS val 100 ecr 0`. */
export function describeLiveOptions(
  opts: readonly LiveOption[],
  tsVal: (v: number) => number,
  sackOffset: (v: number) => number,
): string {
  return opts
    .map((o) => {
      if (o.kind === 0) return 'eol';
      if (o.kind === 1) return 'nop';
      const d = (o as { data: Uint8Array }).data;
      if (o.kind === 2) return `mss ${(d[0]! << 8) | d[1]!}`;
      if (o.kind === 3) return `wscale ${d[0]}`;
      if (o.kind === 4) return 'sackOK';
      if (o.kind === 8) return `TS val ${tsVal(U32(d, 0))} ecr ${U32(d, 4)}`;
      if (o.kind === 5) {
        const blocks: string[] = [];
        for (let j = 0; j + 8 <= d.length; j += 8)
          blocks.push(`${sackOffset(U32(d, j))}:${sackOffset(U32(d, j + 4))}`);
        return `sack ${blocks.join(' ')}`;
      }
      return `kind ${o.kind}`;
    })
    .join(',');
}

export function describeScriptOptions(options: readonly OptionSpec[] | undefined): string {
  if (options === undefined) return ' <...>';
  if (options.length === 0) return '';
  const text = options
    .map((o) => {
      switch (o.kind) {
        case 'nop':
        case 'eol':
        case 'sackOK':
          return o.kind;
        case 'mss':
          return `mss ${o.value}`;
        case 'wscale':
          return `wscale ${o.value}`;
        case 'sack':
          return `sack ${o.blocks.map(([l, r]) => `${l}:${r}`).join(' ')}`;
        case 'TS':
          return `TS val ${o.val} ecr ${o.ecr}`;
        default:
          return o.name;
      }
    })
    .join(',');
  return ` <${text}>`;
}

/** packetdrill's flag letters in tcpdump's order (F S R P . U E W). */
export function flagLetters(bits: number): string {
  let s = '';
  for (const c of ['F', 'S', 'R', 'P', '.', 'U', 'E', 'W']) if (bits & FLAG_BITS[c]!) s += c;
  return s;
}

/** `S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,eol,eol>` for the script's packet. */
export function describeScriptPacket(p: PacketSpec): string {
  const seq = p.seq === undefined ? `...(${p.len})` : `${p.seq}:${p.end}(${p.len})`;
  let s = `${flagLetters(flagBits(p.flags)) || '-'} ${seq}`;
  if (p.flags.includes('.')) s += ` ack ${p.ack ?? 0}`;
  if (p.win !== undefined) s += ` win ${p.win}`;
  return s + describeScriptOptions(p.options);
}

/** The same notation for a live segment, mapped into script space. */
export function describeLivePacket(
  seg: TcpSegment,
  packet: Uint8Array | undefined,
  map: SpaceMap,
  checkWin: boolean,
): string {
  const seq = (seg.seq - map.liveLocalIsn + map.scriptLocalIsn) >>> 0;
  const len = seg.payload.length;
  let s = `${flagLetters(seg.flags) || '-'} ${seq}:${(seq + len) >>> 0}(${len})`;
  if (seg.flags & 0x10) s += ` ack ${seg.ack}`;
  if (checkWin) s += ` win ${seg.window}`;
  if (packet) {
    const opts = liveOptions(packet);
    if (opts.length > 0)
      s += ` <${describeLiveOptions(
        opts,
        (v) => map.tsValToScript(v),
        (v) => v,
      )}>`;
  }
  return s;
}

/** Octets the script's options take (for the IPv4 total length packetdrill checks first). */
export function scriptOptionOctets(options: readonly OptionSpec[]): number {
  let n = 0;
  for (const o of options) {
    if (o.kind === 'nop' || o.kind === 'eol') n += 1;
    else if (o.kind === 'mss') n += 4;
    else if (o.kind === 'wscale') n += 3;
    else if (o.kind === 'sackOK') n += 2;
    else if (o.kind === 'sack') n += 2 + 8 * o.blocks.length;
    else if (o.kind === 'TS') n += 10;
  }
  return n;
}

const OPTION_KIND: Readonly<Record<string, number>> = {
  eol: 0,
  nop: 1,
  mss: 2,
  wscale: 3,
  sackOK: 4,
  sack: 5,
  TS: 8,
};

/** `live packet field NAME: expected: E (0xE) vs actual: A (0xA)` */
export function fieldError(name: string, expected: number, actual: number): string {
  return `live packet field ${name}: expected: ${expected} (0x${expected.toString(16)}) vs actual: ${actual} (0x${actual.toString(16)})`;
}

/**
 * Compares an outbound packet with the script's (headers, then options); returns packetdrill's
 * message for the first difference, or undefined. Timing is checked by the caller.
 */
export function verifyOutbound(
  p: PacketSpec,
  seg: TcpSegment,
  packet: Uint8Array,
  map: SpaceMap,
): string | undefined {
  const live = liveOptions(packet);
  const liveOptionOctets = (packet[20 + 12]! >>> 4) * 4 - 20;
  const scriptOptions = p.options === undefined ? liveOptionOctets : scriptOptionOctets(p.options);
  const totalLength = (packet[2]! << 8) | packet[3]!;
  const check = (name: string, e: number, a: number) => (e !== a ? fieldError(name, e, a) : undefined);
  const want = flagBits(p.flags);
  const bit = (b: number, v: number) => (v & b ? 1 : 0);
  const liveSeq = (seg.seq - map.liveLocalIsn + map.scriptLocalIsn) >>> 0;
  return (
    check('ipv4_total_length', 20 + 20 + scriptOptions + p.len, totalLength) ??
    check('tcp_data_offset', (20 + scriptOptions) / 4, (20 + liveOptionOctets) / 4) ??
    check('tcp_fin', bit(0x01, want), bit(0x01, seg.flags)) ??
    check('tcp_syn', bit(0x02, want), bit(0x02, seg.flags)) ??
    check('tcp_rst', bit(0x04, want), bit(0x04, seg.flags)) ??
    check('tcp_psh', bit(0x08, want), bit(0x08, seg.flags)) ??
    check('tcp_ack', bit(0x10, want), bit(0x10, seg.flags)) ??
    check('tcp_urg', bit(0x20, want), bit(0x20, seg.flags)) ??
    check('tcp_ece', bit(0x40, want), bit(0x40, seg.flags)) ??
    check('tcp_cwr', bit(0x80, want), bit(0x80, seg.flags)) ??
    (p.seq === undefined ? undefined : check('tcp_seq', p.seq, liveSeq)) ??
    check('tcp_ack_seq', p.ack ?? 0, seg.ack) ??
    (p.win === undefined ? undefined : check('tcp_window', p.win, seg.window)) ??
    check('tcp_urg_ptr', p.urg ?? 0, seg.urgentPointer ?? 0) ??
    verifyOptions(p.options, live, map) ??
    (seg.payload.some((b) => b !== 0) ? 'incorrect outbound data payload' : undefined)
  );
}

function verifyOptions(
  script: readonly OptionSpec[] | undefined,
  live: readonly LiveOption[],
  map: SpaceMap,
): string | undefined {
  if (script === undefined) return undefined;
  if (script.length !== live.length) return 'bad outbound TCP options';
  for (let i = 0; i < script.length; i++) {
    const s = script[i]!;
    const a = live[i]!;
    if (OPTION_KIND[s.kind] !== a.kind) return 'bad outbound TCP options';
    if (s.kind === 'TS' || s.kind === 'nop' || s.kind === 'eol') continue; // TS val/ecr: not checked (no --tcp_ts_tick_usecs)
    const expected = optionOctets([s], (e) => e, map.ackOffset).subarray(2);
    const data = (a as { data: Uint8Array }).data;
    const describeA = describeLiveOptions(
      [a],
      (v) => v,
      (v) => (v - map.ackOffset) >>> 0,
    );
    const describeS = describeScriptOptions([s]).slice(2, -1);
    if (expected.length !== data.length)
      return `bad length in outbound TCP option (kind=${a.kind}): expected: ${describeS} actual: ${describeA}`;
    // SACK blocks in outbound packets are live remote sequence numbers, written as they are.
    const scriptData = s.kind === 'sack' ? optionOctets([s], (e) => e, 0).subarray(2) : expected;
    for (let j = 0; j < data.length; j++)
      if (data[j] !== scriptData[j])
        return `bad value in outbound TCP option (kind=${a.kind}): expected: ${describeS} actual: ${describeLiveOptions(
          [a],
          (v) => v,
          (v) => v,
        )}`;
  }
  return undefined;
}
