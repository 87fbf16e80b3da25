/**
 * A libpcap file writer (the classic format: 24-byte global header, 16-byte record headers, microsecond
 * timestamps, little-endian), link type LINKTYPE_RAW (101): each record is a bare IPv4 packet, as the
 * simulator sends it. Timestamps are the virtual time at which the packet was sent (time 0 = the epoch
 * unless `epochMs` says otherwise).
 */
import type { TraceEvent } from '../trace/events.js';

export const LINKTYPE_RAW = 101;

export interface PcapPacket {
  /** Virtual time in ms. */
  readonly time: number;
  /** The whole IPv4 packet. */
  readonly bytes: Uint8Array;
}

export interface PcapOptions {
  /** Added to every timestamp, in ms (default 0). */
  readonly epochMs?: number;
  /** Snap length written in the header (default 65535). */
  readonly snaplen?: number;
}

function packetsFromTrace(events: readonly TraceEvent[]): PcapPacket[] {
  const packets: PcapPacket[] = [];
  for (const e of events) {
    if (e.type !== 'segment.sent') continue;
    if (e.bytes === '') throw new TypeError('encodePcap: the trace was recorded with traceBytes: false');
    const bytes = new Uint8Array(e.bytes.length >>> 1);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(e.bytes.slice(2 * i, 2 * i + 2), 16);
    packets.push({ time: e.time, bytes });
  }
  return packets;
}

/** Encodes packets (or the `segment.sent` events of a trace) as a pcap file. */
export function encodePcap(
  input: readonly TraceEvent[] | readonly PcapPacket[],
  options: PcapOptions = {},
): Uint8Array {
  const packets: readonly PcapPacket[] =
    input.length > 0 && 'type' in (input[0] as object)
      ? packetsFromTrace(input as readonly TraceEvent[])
      : (input as readonly PcapPacket[]);
  const snaplen = options.snaplen ?? 65535;
  let size = 24;
  for (const p of packets) size += 16 + Math.min(p.bytes.length, snaplen);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, 0xa1b2c3d4, true); // magic, microsecond resolution
  view.setUint16(4, 2, true);
  view.setUint16(6, 4, true);
  view.setInt32(8, 0, true); // thiszone
  view.setUint32(12, 0, true); // sigfigs
  view.setUint32(16, snaplen, true);
  view.setUint32(20, LINKTYPE_RAW, true);
  let at = 24;
  const epoch = options.epochMs ?? 0;
  for (const p of packets) {
    const micros = Math.round((p.time + epoch) * 1000);
    const seconds = Math.floor(micros / 1_000_000);
    const captured = Math.min(p.bytes.length, snaplen);
    view.setUint32(at, seconds, true);
    view.setUint32(at + 4, micros - seconds * 1_000_000, true);
    view.setUint32(at + 8, captured, true);
    view.setUint32(at + 12, p.bytes.length, true);
    out.set(p.bytes.subarray(0, captured), at + 16);
    at += 16 + captured;
  }
  return out;
}
