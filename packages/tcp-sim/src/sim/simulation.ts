/**
 * The simulated world: one scheduler (virtual time), one seed, hosts, links per direction, scripted
 * faults, partitions, and the trace.
 *
 * Theory of operation: a host hands a segment to `transmit`, which encodes it as real bytes (IPv4 +
 * TCP with checksums), traces `segment.sent`, runs it through the link direction (partition, faults,
 * MTU, loss, duplication, bandwidth, delay, jitter, corruption, reordering) and schedules each
 * surviving copy's arrival in the arrival phase. On arrival the receiving host verifies both
 * checksums by decoding the bytes it got; only then does the segment reach TCP.
 */
import { type CongestionFactory, newReno } from '../endpoint/congestion.js';
import { type ProfileSpec, resolveProfile, type TimerProfile } from '../endpoint/timers.js';
import type { DropReason, SegmentView, TraceEventInput } from '../trace/events.js';
import { Trace } from '../trace/trace.js';
import {
  formatIpv4Address,
  IPV4_HEADER_LENGTH,
  ipv4Destination,
  ipv4HeaderError,
  ipv4HeaderLength,
  ipv4Protocol,
  ipv4Source,
  ipv4TotalLength,
  PROTOCOL_TCP,
} from '../wire/ipv4.js';
import {
  type OptionLayout,
  parseTcpSegment,
  SYN,
  type TcpSegment,
  tcpIpv4PacketLength,
  writeTcpIpv4Packet,
} from '../wire/tcp-segment.js';
import { type HostOptions, SimHost, type World } from './host.js';
import {
  DEFAULT_LINK,
  Fault,
  type FaultSpec,
  type LinkConfig,
  LinkDirection,
  resolveLinkConfig,
} from './link.js';
import { PacketSlab } from './packet-slab.js';
import { Rng } from './rng.js';
import { PHASE_APP, PHASE_ARRIVAL, Scheduler, type StopReason } from './scheduler.js';
import type { SimSocket } from './socket.js';

export interface SimulationOptions {
  /** The one seed all randomness derives from. */
  readonly seed: number | string;
  /** Timer numbers: 'rfc' (default), 'linux', or overrides of the rfc profile. */
  readonly profile?: ProfileSpec;
  /** Link used between hosts without an explicit `setLink` (default: 10 ms, lossless, MTU 1500). */
  readonly defaultLink?: LinkConfig;
  /** Congestion control (default: RFC 5681 + NewReno; `noCongestionControl` turns it off). */
  readonly congestion?: CongestionFactory;
  /** Record each packet's bytes as hex in `segment.sent` (default true; off for benchmarks). */
  readonly traceBytes?: boolean;
  /**
   * 'keep' (default): `trace.events` and `packets` hold the whole run. 'stream': events go only to
   * `trace.subscribe` listeners and nothing is kept, so memory stays flat however long the run.
   */
  readonly trace?: 'keep' | 'stream';
}

export interface RunOptions {
  /** Stop once virtual time would pass this (absolute ms). */
  readonly until?: number;
  /** Stop after this many events (default 1,000,000). */
  readonly maxEvents?: number;
}

export interface RunResult {
  /** 'idle': nothing left to do; 'until': reached the time bound; 'maxEvents': hit the event bound. */
  readonly reason: StopReason;
  readonly events: number;
  readonly time: number;
}

export interface Packet {
  readonly time: number;
  readonly bytes: Uint8Array;
}

type HostRef = SimHost | string;

export class Simulation {
  readonly trace: Trace;
  readonly profile: TimerProfile;
  private readonly scheduler = new Scheduler();
  private readonly rng: Rng;
  private readonly hostList: SimHost[] = [];
  private readonly byAddress = new Map<string, SimHost>();
  private readonly byName = new Map<string, SimHost>();
  private readonly byNumber = new Map<number, SimHost>();
  private readonly links = new Map<string, LinkDirection>();
  private readonly linksByHost = new Map<SimHost, Map<SimHost, LinkDirection>>();
  private readonly faults: Fault[] = [];
  /** The ISN of each flow (source, port > destination, port): the SEQ of its last SYN, for `match.seq`. */
  private readonly isns = new Map<string, number>();
  private readonly sockets: SimSocket[] = [];
  private readonly defaultLink;
  private readonly congestion: CongestionFactory;
  private readonly traceBytes: boolean;
  private readonly optionLayout: OptionLayout;
  private segmentCounter = 0;
  private timerCounter = 0;
  private ipId = 0;
  private readonly packetMemory = new PacketSlab();
  private readonly world: World;
  /** Packets as sent, for pcap export without hex round trips. */
  readonly packets: Packet[] = [];

  constructor(options: SimulationOptions) {
    this.rng = new Rng(options.seed);
    this.profile = resolveProfile(options.profile);
    this.defaultLink = resolveLinkConfig(options.defaultLink ?? DEFAULT_LINK);
    this.congestion = options.congestion ?? newReno;
    this.traceBytes = options.traceBytes ?? true;
    this.optionLayout = this.profile.optionLayout ?? 'compact';
    this.trace = new Trace(() => this.scheduler.now, options.trace !== 'stream');
    this.world = {
      scheduler: this.scheduler,
      profile: this.profile,
      congestion: this.congestion,
      trace: (event) => this.trace.emit(event),
      transmit: (from, dst, seg, conn, view, retransmission, badChecksum, source) =>
        this.transmit(from, dst, seg, conn, view, retransmission, badChecksum, source),
      hostByAddress: (address) => this.byAddress.get(address),
      mssToward: (local, remote) => {
        const peer = this.byAddress.get(remote);
        if (!peer) return this.defaultLink.mtu - 40;
        const mtu = Math.min(this.direction(local, peer).config.mtu, this.direction(peer, local).config.mtu);
        return mtu - 40;
      },
      socketCreated: (socket) => this.sockets.push(socket),
      nextTimerId: () => ++this.timerCounter,
      tracing: this.trace,
    };
  }

  /** Virtual time in ms. */
  get now(): number {
    return this.scheduler.now;
  }

  get hosts(): readonly SimHost[] {
    return this.hostList;
  }

  /** Every connection created so far (closed ones report state CLOSED). */
  get connections(): readonly SimSocket[] {
    return this.sockets;
  }

  /** Segments put on the wire so far (every `segment.sent`, also when the trace is streamed). */
  get segmentsSent(): number {
    return this.segmentCounter;
  }

  /** Virtual time of the next pending event, or undefined when idle. */
  get nextEventTime(): number | undefined {
    return this.scheduler.peekTime();
  }

  /** Number of pending scheduler events. */
  get pendingEvents(): number {
    return this.scheduler.pending;
  }

  addHost(options: HostOptions): SimHost {
    if (this.byName.has(options.name)) throw new RangeError(`host name in use: ${options.name}`);
    if (this.byAddress.has(options.address)) throw new RangeError(`address in use: ${options.address}`);
    const host = new SimHost(this.world, options, this.rng.fork(`isn:${options.name}`));
    this.hostList.push(host);
    this.byAddress.set(options.address, host);
    this.byNumber.set(host.addressNumber, host);
    this.byName.set(options.name, host);
    return host;
  }

  /** Sets the link between two hosts: one config for both directions, or one per direction. */
  setLink(a: HostRef, b: HostRef, config: LinkConfig | { forward: LinkConfig; backward: LinkConfig }): void {
    const ha = this.host(a);
    const hb = this.host(b);
    const both = 'forward' in config ? config : { forward: config, backward: config };
    this.direction(ha, hb).config = resolveLinkConfig(both.forward);
    this.direction(hb, ha).config = resolveLinkConfig(both.backward);
  }

  /** Cuts (true) or heals (false) both directions between two hosts. */
  setPartition(a: HostRef, b: HostRef, partitioned: boolean): void {
    const ha = this.host(a);
    const hb = this.host(b);
    this.direction(ha, hb).partitioned = partitioned;
    this.direction(hb, ha).partitioned = partitioned;
  }

  /** Adds a scripted fault ("drop the first SYN", "delay the 3rd segment 2 s"). */
  addFault(spec: FaultSpec): void {
    if (spec.direction) {
      this.host(spec.direction.from);
      this.host(spec.direction.to);
    }
    this.faults.push(new Fault(spec));
  }

  /** Runs `fn` after `delayMs` of virtual time, in the application phase. */
  schedule(delayMs: number, fn: () => void): void {
    if (!(delayMs >= 0)) throw new RangeError('delay must be >= 0');
    this.scheduler.schedule(this.scheduler.now + delayMs, PHASE_APP, fn);
  }

  /** Runs `fn` at absolute virtual time `timeMs`, in the application phase. */
  at(timeMs: number, fn: () => void): void {
    this.scheduler.schedule(timeMs, PHASE_APP, fn);
  }

  /** Runs one event; false when there was none. */
  step(): boolean {
    return this.scheduler.step();
  }

  /** Runs everything up to now + ms; the clock ends at now + ms. */
  advance(ms: number): RunResult {
    return this.run({ until: this.scheduler.now + ms });
  }

  /** Runs until idle, `until`, or `maxEvents`; says why it stopped. */
  run(options: RunOptions = {}): RunResult {
    const r = this.scheduler.run(options.until ?? Number.POSITIVE_INFINITY, options.maxEvents ?? 1_000_000);
    return { reason: r.reason, events: r.events, time: this.scheduler.now };
  }

  private host(ref: HostRef): SimHost {
    const h = typeof ref === 'string' ? (this.byName.get(ref) ?? this.byAddress.get(ref)) : ref;
    if (!h || !this.hostList.includes(h))
      throw new RangeError(`unknown host: ${typeof ref === 'string' ? ref : ref.name}`);
    return h;
  }

  private direction(from: SimHost, to: SimHost): LinkDirection {
    // By host objects first (every transmit looks here), by name for the rng fork's stable label.
    let byTo = this.linksByHost.get(from);
    if (!byTo) {
      byTo = new Map();
      this.linksByHost.set(from, byTo);
    }
    const cached = byTo.get(to);
    if (cached) return cached;
    const k = `${from.name}>${to.name}`;
    let d = this.links.get(k);
    if (!d) {
      d = new LinkDirection(this.defaultLink, this.rng.fork(`link:${k}`));
      this.links.set(k, d);
    }
    byTo.set(to, d);
    return d;
  }

  private transmit(
    from: SimHost,
    dst: number,
    seg: TcpSegment,
    conn: string,
    view: SegmentView,
    retransmission: boolean,
    badChecksum = false,
    source = from.addressNumber,
  ): void {
    const segmentId = this.segmentCounter++;
    // Raw hosts send their own exact options (optionBytes); TCP hosts lay them out as the profile's stack does.
    const layout = this.optionLayout;
    const bytes = this.packetMemory.take(tcpIpv4PacketLength(seg, layout));
    writeTcpIpv4Packet(bytes, seg, source, dst, this.ipId, layout);
    if (seg.flags & SYN) this.isns.set(flowKey(source, seg.srcPort, dst, seg.dstPort), seg.seq);
    // The TCP checksum field sits at octet 16 of the TCP header.
    if (badChecksum) bytes[IPV4_HEADER_LENGTH + 16]! ^= 0xff;
    this.ipId = (this.ipId + 1) & 0xffff;
    const to = this.byNumber.get(dst);
    if (this.trace.keep) this.packets.push({ time: this.scheduler.now, bytes });
    if (this.trace.observed)
      this.trace.emit({
        type: 'segment.sent',
        segmentId,
        from: from.name,
        to: to?.name ?? formatIpv4Address(dst),
        conn,
        seg: view,
        retransmission,
        bytes: this.traceBytes ? toHex(bytes) : '',
      });
    if (!to) return void this.dropped(segmentId, from, dst, undefined, conn, 'no-route');
    const link = this.direction(from, to);
    const directionIndex = link.sent++;
    if (link.partitioned) return void this.dropped(segmentId, from, dst, to, conn, 'partition');
    let extraDelay = 0;
    let forceDuplicate = false;
    let forceCorrupt = false;
    for (const fault of this.faults) {
      const isn = fault.needsRelativeSeq
        ? this.isns.get(flowKey(source, seg.srcPort, dst, seg.dstPort))
        : undefined;
      if (!fault.matches(from.name, to.name, directionIndex, segmentId, seg, this.now, isn)) continue;
      const action = fault.spec.action;
      if (action === 'drop') return void this.dropped(segmentId, from, dst, to, conn, 'fault');
      if (action === 'duplicate') forceDuplicate = true;
      else if (action === 'corrupt') forceCorrupt = true;
      else extraDelay += action.delay;
    }
    const config = link.config;
    if (bytes.length > config.mtu) return void this.dropped(segmentId, from, dst, to, conn, 'mtu');
    if (link.rng.chance(config.loss)) return void this.dropped(segmentId, from, dst, to, conn, 'loss');
    const copies = forceDuplicate || link.rng.chance(config.duplicate) ? 2 : 1;
    if (copies === 2) this.trace.emit({ type: 'segment.duplicated', segmentId, copy: 1 });
    if (extraDelay > 0) this.trace.emit({ type: 'segment.delayed', segmentId, copy: 0, delay: extraDelay });
    for (let copy = 0; copy < copies; copy++) {
      const now = this.scheduler.now;
      let departure = Math.max(now, link.busyUntil);
      if (config.bandwidth !== undefined) departure += (bytes.length * 8 * 1000) / config.bandwidth;
      link.busyUntil = departure;
      let arrival =
        departure + config.delay + (config.jitter > 0 ? link.rng.next() * config.jitter : 0) + extraDelay;
      let packet = bytes;
      if ((copy === 0 && forceCorrupt) || link.rng.chance(config.corrupt)) {
        packet = bytes.slice();
        const offset = IPV4_HEADER_LENGTH + link.rng.int(bytes.length - IPV4_HEADER_LENGTH);
        packet[offset]! ^= 1 << link.rng.int(8);
        this.trace.emit({ type: 'segment.corrupted', segmentId, copy, offset });
      }
      if (link.rng.chance(config.reorder)) {
        const hold = config.delay + config.jitter + 1;
        arrival += hold;
        this.trace.emit({ type: 'segment.reordered', segmentId, copy, extraDelay: hold });
      }
      this.scheduleArrival(arrival, from, to, packet, segmentId, copy, conn);
    }
  }

  /**
   * (Its own method so that the arrival closure captures only these values: a closure made inside
   * transmit() would have V8 allocate transmit's whole context and a loop context per segment.)
   */
  private scheduleArrival(
    time: number,
    from: SimHost,
    to: SimHost,
    packet: Uint8Array,
    segmentId: number,
    copy: number,
    conn: string,
  ): void {
    this.scheduler.schedule(time, PHASE_ARRIVAL, () => this.arrive(from, to, packet, segmentId, copy, conn));
  }

  /** Traces a segment lost on its way out (a method, not a closure made for every segment). */
  private dropped(
    segmentId: number,
    from: SimHost,
    dst: number,
    to: SimHost | undefined,
    conn: string,
    reason: DropReason,
  ): void {
    this.trace.emit({
      type: 'segment.dropped',
      segmentId,
      copy: 0,
      from: from.name,
      to: to?.name ?? formatIpv4Address(dst),
      conn,
      reason,
    });
  }

  private arrive(
    from: SimHost,
    to: SimHost,
    packet: Uint8Array,
    segmentId: number,
    copy: number,
    conn: string,
  ): void {
    // The packet is checked and read in place (wire/ view level): no decoded IPv4 value per segment.
    const ipError = ipv4HeaderError(packet);
    // The fields every arrival event shares (nobody reads them when the trace is unobserved).
    const base = this.trace.observed ? { segmentId, copy, from: from.name, to: to.name, conn } : UNSEEN;
    if (ipError)
      return void this.trace.emit({
        type: 'segment.dropped',
        ...base,
        reason: ipError === 'bad-header-checksum' ? 'checksum' : 'malformed',
      });
    if (ipv4Protocol(packet) !== PROTOCOL_TCP)
      return void this.trace.emit({ type: 'segment.dropped', ...base, reason: 'malformed' });
    const srcNumber = ipv4Source(packet);
    const dstNumber = ipv4Destination(packet);
    // RFC 9293 3.1: the receiver verifies the checksum over the pseudo-header; a bad one is discarded.
    const segment = parseTcpSegment(
      packet,
      ipv4HeaderLength(packet),
      ipv4TotalLength(packet),
      true,
      srcNumber,
      dstNumber,
    );
    if (typeof segment === 'string') {
      return void this.trace.emit({
        type: 'segment.dropped',
        ...base,
        reason: segment === 'bad-checksum' ? 'checksum' : 'malformed',
      });
    }
    // Fast path: a segment for an existing connection (the common case) goes straight to its TCP.
    const existing = to.connectionFor(segment, srcNumber);
    if (existing) {
      if (this.trace.observed) this.trace.emit({ type: 'segment.delivered', ...base, conn: existing.id });
      existing.segmentArrives(segment);
      return;
    }
    const src = from.addressNumber === srcNumber ? from.address : formatIpv4Address(srcNumber);
    const verdict = to.receive(segment, src, from.name, srcNumber, packet);
    if (!verdict.accepted) {
      this.trace.emit({
        type: 'segment.dropped',
        ...base,
        conn: verdict.conn,
        reason: verdict.reason ?? 'no-listener',
      });
      if (verdict.reason === 'no-listener') to.sendReset(segment, src, from.name);
      return;
    }
    if (this.trace.observed) this.trace.emit({ type: 'segment.delivered', ...base, conn: verdict.conn });
    to.process(segment, src, from.name, srcNumber);
  }
}

function flowKey(src: number, srcPort: number, dst: number, dstPort: number): string {
  return `${src}:${srcPort}>${dst}:${dstPort}`;
}

const UNSEEN = Object.freeze({ segmentId: -1, copy: 0, from: '', to: '', conn: '' });

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]!];
  return s;
}

export function fromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function createSimulation(options: SimulationOptions): Simulation {
  return new Simulation(options);
}

export type { TraceEventInput };
