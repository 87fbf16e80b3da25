/**
 * One direction of a simulated link and the scripted faults that act on it.
 *
 * A packet handed to a link meets, in order: a partition, the scripted faults, the MTU (no
 * fragmentation: DF is set, the packet is dropped), random loss, random duplication, then per copy
 * serialisation at the link bandwidth (copies queue behind each other), propagation delay plus
 * uniform jitter, random corruption (one bit flipped past the IPv4 header, so the receiver's TCP
 * checksum fails) and random reordering (the copy is held back by one extra delay + jitter). All
 * randomness comes from the link direction's own seeded stream.
 */
import { seqDiff } from '../wire/seq.js';
import { flagBits, type TcpFlag, type TcpSegment } from '../wire/tcp-segment.js';
import type { Rng } from './rng.js';

export interface LinkConfig {
  /** One-way propagation delay in ms. */
  readonly delay?: number;
  /** Extra delay, uniform in [0, jitter] ms, per packet. */
  readonly jitter?: number;
  /** Bits per second; serialisation delay = size * 8 / bandwidth. Unlimited when absent. */
  readonly bandwidth?: number | undefined;
  /** Probabilities in [0, 1]. */
  readonly loss?: number;
  readonly duplicate?: number;
  readonly reorder?: number;
  readonly corrupt?: number;
  /** Largest IPv4 packet in octets (default 1500). */
  readonly mtu?: number;
}

export interface ResolvedLinkConfig {
  readonly delay: number;
  readonly jitter: number;
  readonly bandwidth: number | undefined;
  readonly loss: number;
  readonly duplicate: number;
  readonly reorder: number;
  readonly corrupt: number;
  readonly mtu: number;
}

export const DEFAULT_LINK: ResolvedLinkConfig = {
  delay: 10,
  jitter: 0,
  bandwidth: undefined,
  loss: 0,
  duplicate: 0,
  reorder: 0,
  corrupt: 0,
  mtu: 1500,
};

export function resolveLinkConfig(config: LinkConfig): ResolvedLinkConfig {
  const r: ResolvedLinkConfig = {
    delay: config.delay ?? DEFAULT_LINK.delay,
    jitter: config.jitter ?? 0,
    bandwidth: config.bandwidth,
    loss: config.loss ?? 0,
    duplicate: config.duplicate ?? 0,
    reorder: config.reorder ?? 0,
    corrupt: config.corrupt ?? 0,
    mtu: config.mtu ?? DEFAULT_LINK.mtu,
  };
  for (const key of ['delay', 'jitter'] as const) {
    if (!(r[key] >= 0) || !Number.isFinite(r[key]))
      throw new RangeError(`link ${key} must be a finite number >= 0`);
  }
  for (const key of ['loss', 'duplicate', 'reorder', 'corrupt'] as const) {
    if (!(r[key] >= 0 && r[key] <= 1)) throw new RangeError(`link ${key} must be a probability in [0, 1]`);
  }
  if (r.bandwidth !== undefined && !(r.bandwidth > 0))
    throw new RangeError('link bandwidth must be > 0 bit/s');
  if (!(Number.isInteger(r.mtu) && r.mtu >= 68 && r.mtu <= 65535))
    throw new RangeError('link mtu must be an integer in [68, 65535]');
  return r;
}

export class LinkDirection {
  /** Time the transmitter is busy until (serialisation queue). */
  busyUntil = 0;
  /** Segments offered to this direction so far. */
  sent = 0;
  partitioned = false;

  constructor(
    public config: ResolvedLinkConfig,
    readonly rng: Rng,
  ) {}
}

export type FaultAction = 'drop' | 'duplicate' | 'corrupt' | { readonly delay: number };

export interface FaultMatch {
  /** All of these flags are set on the segment (others may be set too). */
  readonly flags?: readonly TcpFlag[];
  /** 0-based position of the segment among all segments sent in the fault's direction (or overall). */
  readonly index?: number;
  /** 1-based occurrence among the segments that match the other criteria ("the 2nd SYN"). */
  readonly nth?: number;
  /** The payload contains this text (UTF-8) or these octets. */
  readonly payloadIncludes?: string | Uint8Array;
  /**
   * SEG.SEQ relative to the sender's ISN (as Wireshark numbers it): one number, or a range with
   * `from` included and `to` excluded. The ISN is the SEQ of the last SYN seen on that 4-tuple; a
   * segment of a flow whose SYN the link never carried does not match.
   */
  readonly seq?: number | { readonly from?: number; readonly to?: number };
  /** Virtual send time in ms: `from` included, `to` excluded ("every segment from t=100 ms"). */
  readonly time?: { readonly from?: number; readonly to?: number };
}

export interface FaultSpec {
  /** Host names; without it the fault applies in both directions. */
  readonly direction?: { readonly from: string; readonly to: string };
  readonly match: FaultMatch;
  readonly action: FaultAction;
  /** How many times the fault fires (default 1; Infinity for always). */
  readonly times?: number;
}

export class Fault {
  private remaining: number;
  private matched = 0;
  private readonly flags: number;
  private readonly needle: Uint8Array | undefined;

  constructor(readonly spec: FaultSpec) {
    this.remaining = spec.times ?? 1;
    if (!(this.remaining >= 0)) throw new RangeError('fault times must be >= 0');
    if (typeof spec.action === 'object' && !(spec.action.delay >= 0))
      throw new RangeError('fault delay must be >= 0');
    this.flags = flagBits(spec.match.flags ?? []);
    const p = spec.match.payloadIncludes;
    this.needle = p === undefined ? undefined : typeof p === 'string' ? new TextEncoder().encode(p) : p;
    const seq = spec.match.seq;
    this.seqRange =
      seq === undefined ? undefined : typeof seq === 'number' ? { from: seq, to: seq + 1 } : seq;
    if (this.seqRange) checkRange(this.seqRange, 'fault seq');
    if (spec.match.time) checkRange(spec.match.time, 'fault time');
  }

  private readonly seqRange: { readonly from?: number; readonly to?: number } | undefined;

  /** Whether this fault selects segments by SEQ (the simulation then works out SEQ - ISN). */
  get needsRelativeSeq(): boolean {
    return this.seqRange !== undefined;
  }

  /**
   * Whether the fault fires for this segment; counts occurrences for `nth`. `now` is the send time;
   * `isn` the sender's ISN on this 4-tuple, when known (only asked for when `needsRelativeSeq`).
   */
  matches(
    from: string,
    to: string,
    directionIndex: number,
    globalIndex: number,
    seg: TcpSegment,
    now = 0,
    isn?: number,
  ): boolean {
    if (this.remaining <= 0) return false;
    const dir = this.spec.direction;
    if (dir && (dir.from !== from || dir.to !== to)) return false;
    const m = this.spec.match;
    if (m.index !== undefined && m.index !== (dir ? directionIndex : globalIndex)) return false;
    if ((seg.flags & this.flags) !== this.flags) return false;
    if (this.needle && !includes(seg.payload, this.needle)) return false;
    if (m.time && !inRange(now, m.time)) return false;
    if (this.seqRange) {
      if (isn === undefined) return false;
      // Relative SEQ as an unsigned offset from the ISN (the SYN itself is 0).
      if (!inRange(seqDiff(seg.seq, isn) >>> 0, this.seqRange)) return false;
    }
    this.matched++;
    if (m.nth !== undefined && m.nth !== this.matched) return false;
    this.remaining--;
    return true;
  }
}

function inRange(x: number, range: { readonly from?: number; readonly to?: number }): boolean {
  return (range.from === undefined || x >= range.from) && (range.to === undefined || x < range.to);
}

function checkRange(range: { readonly from?: number; readonly to?: number }, what: string): void {
  for (const end of [range.from, range.to]) {
    if (end !== undefined && !(Number.isFinite(end) && end >= 0))
      throw new RangeError(`${what} bounds must be finite numbers >= 0`);
  }
  if (range.from !== undefined && range.to !== undefined && !(range.from < range.to))
    throw new RangeError(`${what}: 'from' must be below 'to'`);
}

function includes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return true;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
