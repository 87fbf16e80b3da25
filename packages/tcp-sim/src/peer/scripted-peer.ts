/**
 * A packetdrill-style scripted raw peer: one real TCP endpoint under test (host `tcp`, 10.0.0.1)
 * and one raw host (`peer`, 10.0.0.2) that injects exact segments and expects exact segments back.
 *
 * Theory of operation: sequence numbers are relative by default, as in packetdrill. Injected
 * segments number SEQ from the peer's ISS and ACK from the endpoint's ISS; expected segments
 * number SEQ from the endpoint's ISS and ACK from the peer's ISS. The endpoint's ISS is learned
 * from the first SYN it sends (or set with `endpointIss`). Time is virtual: `expect` runs the
 * simulation until the next segment from the endpoint reaches the peer, and checks its arrival
 * time against `after` +- `tolerance` (ms since the last inject or expect). A mismatch throws a
 * `ScriptError` that names the expected and the actual segment, or, in collecting mode, is recorded
 * and the script goes on. An injection may wait for its instant (`at`, `after`): time runs up to
 * it first. The peer's segments are traced with SEQ/ACK relative to both ISSs, as a TCB's are.
 *
 * Flags use packetdrill's letters: S (SYN), F (FIN), R (RST), P (PSH), . (ACK); '' or '-' for none.
 */
import type { ProfileSpec } from '../endpoint/timers.js';
import type { SimHost, SimListener } from '../sim/host.js';
import type { LinkConfig } from '../sim/link.js';
import { createSimulation, type Simulation } from '../sim/simulation.js';
import type { SimSocket } from '../sim/socket.js';
import { seqAdd, seqDiff } from '../wire/seq.js';
import { ACK, FIN, PSH, RST, SYN, type TcpOptions, type TcpSegment } from '../wire/tcp-segment.js';

export const ENDPOINT_ADDRESS = '10.0.0.1';
export const PEER_ADDRESS = '10.0.0.2';

export interface ScriptedPeerOptions {
  readonly seed?: number;
  readonly profile?: ProfileSpec;
  /** One-way delay of the link between the two (default 0: answers arrive at the instant they leave). */
  readonly delay?: number;
  /** Link overrides (loss, MTU, ...). */
  readonly link?: LinkConfig;
  /** The peer's ISS (default 0). */
  readonly peerIss?: number;
  /** The endpoint's ISS (default: chosen by the simulation and learned from its SYN). */
  readonly endpointIss?: number;
  /** The endpoint's receive buffer (its RCV.WND), default 65535. */
  readonly receiveBuffer?: number;
  /** The peer's port (default 8080). */
  readonly peerPort?: number;
  /**
   * 'throw' (default): the first `expect` that does not hold throws a ScriptError. 'collect': every
   * difference is recorded in `differences` and the script runs on; `assertNoDifferences()` ends it.
   */
  readonly onMismatch?: MismatchMode;
}

export type MismatchMode = 'throw' | 'collect';

/** One `expect` that did not hold, as a collecting peer records it. */
export interface ScriptDifference {
  /** 1-based number of the `expect` / `expectNothing` call in the script. */
  readonly step: number;
  /** Virtual time at which it was checked. */
  readonly time: number;
  /** What the script wanted, in packetdrill-like notation. */
  readonly expected: string;
  /** What came instead, or undefined when nothing came. */
  readonly got: string | undefined;
  /** The fields that differ: 'flags', 'seq', 'ack', 'win', 'len', 'option mss', 'time', 'nothing', 'unexpected'. */
  readonly fields: readonly string[];
}

export interface InjectSpec {
  /** packetdrill flags: 'S', 'S.', '.', 'P.', 'F.', 'R', 'R.', 'SF', ... */
  readonly flags: string;
  /** SEG.SEQ, relative to the peer's ISS unless `absolute` (default: the peer's next sequence number). */
  readonly seq?: number;
  /** SEG.ACK, relative to the endpoint's ISS unless `absolute` (default: the endpoint's next). */
  readonly ack?: number;
  readonly absolute?: boolean;
  /** SEG.WND (default 65535). */
  readonly win?: number;
  readonly options?: TcpOptions;
  /** Payload octets, or a length (filled with 'x'). */
  readonly payload?: Uint8Array | string | number;
  /** Send with a wrong TCP checksum. */
  readonly badChecksum?: boolean;
  /** Destination port (default: the endpoint's port in the script). */
  readonly dstPort?: number;
  /**
   * When to send: `at` is absolute virtual time, `after` is ms after the previous inject/expect
   * (packetdrill's `+0.1`). Virtual time runs up to that instant first (segments arriving meanwhile
   * stay queued for `expect`); a time already past is a ScriptError. Default: now.
   */
  readonly at?: number;
  readonly after?: number;
}

export interface ExpectSpec {
  readonly flags: string;
  /** SEG.SEQ relative to the endpoint's ISS (unless `absolute`). */
  readonly seq?: number;
  /** SEG.ACK relative to the peer's ISS (unless `absolute`). */
  readonly ack?: number;
  readonly absolute?: boolean;
  readonly win?: number;
  /** Payload length. */
  readonly len?: number;
  readonly options?: TcpOptions;
  /** Arrival time in ms after the last inject/expect (default: any time within `within`). */
  readonly after?: number;
  /** Allowed deviation from `after` (default 0: exact virtual time). */
  readonly tolerance?: number;
  /** Longest wait for the segment (default: after + tolerance, or 10 minutes of virtual time). */
  readonly within?: number;
}

/** A script step that did not happen as written. */
export class ScriptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScriptError';
  }
}

/** packetdrill flag letters to bits. */
export function parseFlags(text: string): number {
  let bits = 0;
  for (const ch of text) {
    if (ch === 'S') bits |= SYN;
    else if (ch === 'F') bits |= FIN;
    else if (ch === 'R') bits |= RST;
    else if (ch === 'P') bits |= PSH;
    else if (ch === '.') bits |= ACK;
    else if (ch !== '-') throw new ScriptError(`unknown flag letter '${ch}' in '${text}'`);
  }
  return bits;
}

export function formatFlags(bits: number): string {
  let s = '';
  if (bits & SYN) s += 'S';
  if (bits & FIN) s += 'F';
  if (bits & RST) s += 'R';
  if (bits & PSH) s += 'P';
  if (bits & ACK) s += '.';
  return s === '' ? '-' : s;
}

/** What `expect` returns: in collecting mode nothing may have arrived. */
export type Expected<M extends MismatchMode> = M extends 'collect' ? TcpSegment | undefined : TcpSegment;

export class ScriptedPeer<M extends MismatchMode = 'throw'> {
  readonly sim: Simulation;
  /** The host running the TCP under test. */
  readonly tcp: SimHost;
  /** The raw scripted host. */
  readonly raw: SimHost;
  readonly peerIss: number;
  readonly peerPort: number;
  /** The endpoint's socket under test (set by connect(), or by accept() after a handshake). */
  socket: SimSocket | undefined;
  listener: SimListener | undefined;
  private endpointIssValue: number | undefined;
  private endpointPort = 0;
  /** Index into raw.inbox of the next segment `expect` looks at. */
  private cursor = 0;
  private mark: number;
  /** The peer's next sequence number (relative), advanced by what it injects. */
  private peerNext = 1;
  /** The endpoint's next sequence number as seen by the peer (relative). */
  private endpointNext = 1;
  private readonly mode: MismatchMode;
  private readonly found: ScriptDifference[] = [];
  private steps = 0;

  constructor(options: ScriptedPeerOptions = {}) {
    this.sim = createSimulation({ seed: options.seed ?? 1, profile: options.profile ?? 'rfc' });
    const iss = options.endpointIss;
    this.tcp = this.sim.addHost({
      name: 'tcp',
      address: ENDPOINT_ADDRESS,
      ...(iss !== undefined ? { isn: () => iss } : {}),
      ...(options.receiveBuffer !== undefined ? { receiveBuffer: options.receiveBuffer } : {}),
    });
    this.raw = this.sim.addHost({ name: 'peer', address: PEER_ADDRESS, raw: true });
    this.sim.setLink(this.tcp, this.raw, { delay: options.delay ?? 0, ...options.link });
    this.peerIss = (options.peerIss ?? 0) >>> 0;
    this.peerPort = options.peerPort ?? 8080;
    this.endpointIssValue = iss;
    this.mark = this.sim.now;
    this.mode = options.onMismatch ?? 'throw';
    // The endpoint's ISS is known from its first SYN's arrival, even before an expect reads it.
    this.raw.onSegment(({ segment }) => {
      if (this.endpointIssValue === undefined && segment.flags & SYN) this.endpointIssValue = segment.seq;
    });
  }

  /** Every difference a collecting peer recorded so far (always empty in 'throw' mode). */
  get differences(): readonly ScriptDifference[] {
    return this.found;
  }

  /** Throws one ScriptError listing every recorded difference, if there is any. */
  assertNoDifferences(): void {
    if (this.found.length === 0) return;
    const lines = this.found.map(
      (d) =>
        `  step ${d.step} at ${d.time} ms: expected ${d.expected}, got ${d.got ?? 'nothing'} (${d.fields.join(', ')})`,
    );
    throw new ScriptError(`${this.found.length} difference(s):\n${lines.join('\n')}`);
  }

  /** Throws, or records and carries on, as the mode says. */
  private mismatch(difference: Omit<ScriptDifference, 'step'>, message: string): void {
    if (this.mode === 'throw') throw new ScriptError(message);
    this.found.push({ step: this.steps, ...difference });
  }

  /** The endpoint's ISS (learned from its SYN or SYN,ACK). */
  get endpointIss(): number {
    if (this.endpointIssValue === undefined)
      throw new ScriptError('the endpoint has not sent a SYN yet: relative numbers are undefined');
    return this.endpointIssValue;
  }

  /** The endpoint listens on `port`; the next SYN the peer injects opens a connection there. */
  listen(port = 80): this {
    this.endpointPort = port;
    this.listener = this.tcp.listen(port);
    this.listener.on('connection', (s) => {
      s.on('error', () => {});
      this.socket = s;
    });
    return this;
  }

  /** The endpoint connects (active OPEN) to the peer; its SYN is the first segment to expect. */
  connect(port = this.peerPort): this {
    this.endpointPort = 0;
    const s = this.tcp.connect({ address: PEER_ADDRESS, port });
    s.on('error', () => {});
    this.socket = s;
    this.endpointPort = s.localPort;
    return this;
  }

  /** Targets a port with no listener (the CLOSED state of RFC 9293 3.10.7.1). */
  closedPort(port = 81): this {
    this.endpointPort = port;
    return this;
  }

  /** The socket under test; throws if none yet. */
  get sock(): SimSocket {
    if (!this.socket) throw new ScriptError('no socket under test yet');
    return this.socket;
  }

  /** Builds the absolute segment an InjectSpec describes (without sending it). */
  segmentFor(spec: InjectSpec): TcpSegment {
    const flags = parseFlags(spec.flags);
    const payload =
      spec.payload === undefined
        ? new Uint8Array(0)
        : typeof spec.payload === 'number'
          ? new Uint8Array(spec.payload).fill(0x78)
          : typeof spec.payload === 'string'
            ? new TextEncoder().encode(spec.payload)
            : spec.payload;
    const relSeq = spec.seq ?? (flags & SYN ? 0 : this.peerNext);
    const seq = spec.absolute ? spec.seq! >>> 0 : seqAdd(this.peerIss, relSeq);
    let ack = 0;
    if (flags & ACK) {
      const relAck = spec.ack ?? this.endpointNext;
      ack = spec.absolute ? (spec.ack ?? 0) >>> 0 : seqAdd(this.endpointIss, relAck);
    }
    return {
      srcPort: this.peerPort,
      dstPort: spec.dstPort ?? this.endpointPort,
      seq,
      ack,
      flags,
      window: spec.win ?? 65535,
      options: spec.options ?? {},
      payload,
    };
  }

  /** Puts a segment on the wire now, or at `spec.at` / `spec.after`. */
  inject(spec: InjectSpec): TcpSegment {
    if (spec.at !== undefined && spec.after !== undefined)
      throw new ScriptError("inject takes 'at' or 'after', not both");
    const when = spec.at ?? (spec.after === undefined ? undefined : this.mark + spec.after);
    if (when !== undefined) {
      if (!(when >= this.sim.now))
        throw new ScriptError(`inject at ${when} ms: virtual time is already ${this.sim.now} ms`);
      // Everything due before the instant runs; the injection itself goes first at it.
      this.sim.run({ until: when });
    }
    const seg = this.segmentFor(spec);
    this.raw.send(ENDPOINT_ADDRESS, seg, {
      ...(spec.badChecksum ? { badChecksum: true } : {}),
      relative: {
        iss: this.peerIss,
        ...(this.endpointIssValue === undefined ? {} : { irs: this.endpointIssValue }),
      },
    });
    if (!spec.badChecksum) {
      const end = seqAdd(seg.seq, seg.payload.length + (seg.flags & SYN ? 1 : 0) + (seg.flags & FIN ? 1 : 0));
      const rel = seqDiff(end, this.peerIss);
      if (rel > this.peerNext && !(seg.flags & RST)) this.peerNext = rel;
    }
    this.mark = this.sim.now;
    return seg;
  }

  /**
   * Runs the simulation until the endpoint's next segment reaches the peer, and checks it. In
   * collecting mode a difference is recorded instead of thrown, and undefined means nothing came.
   */
  expect(spec: ExpectSpec): Expected<M> {
    return this.check(spec) as Expected<M>;
  }

  private check(spec: ExpectSpec): TcpSegment | undefined {
    this.steps++;
    const tolerance = spec.tolerance ?? 0;
    const within = spec.within ?? (spec.after !== undefined ? spec.after + tolerance : 600_000);
    const start = this.mark;
    const arrival = this.nextArrival(start + within);
    const want = describeExpect(spec);
    if (!arrival) {
      this.mismatch(
        { time: this.sim.now, expected: want, got: undefined, fields: ['nothing'] },
        `expected ${want} within ${within} ms, got nothing`,
      );
      this.sim.run({ until: start + within });
      this.mark = this.sim.now;
      return undefined;
    }
    const { time, segment } = arrival;
    if (this.endpointIssValue === undefined && segment.flags & SYN) this.endpointIssValue = segment.seq;
    const got = this.describe(segment, time - start);
    const problems: string[] = [];
    const flags = parseFlags(spec.flags);
    if ((segment.flags & ~PSH) !== (flags & ~PSH) || (spec.flags.includes('P') && !(segment.flags & PSH)))
      problems.push('flags');
    if (spec.seq !== undefined) {
      const seq = spec.absolute ? spec.seq >>> 0 : seqAdd(this.endpointIss, spec.seq);
      if (segment.seq !== seq) problems.push('seq');
    }
    if (spec.ack !== undefined) {
      const ack = spec.absolute ? spec.ack >>> 0 : seqAdd(this.peerIss, spec.ack);
      if (segment.ack !== ack) problems.push('ack');
    }
    if (spec.win !== undefined && segment.window !== spec.win) problems.push('win');
    if (spec.len !== undefined && segment.payload.length !== spec.len) problems.push('len');
    if (spec.options) {
      for (const [k, v] of Object.entries(spec.options)) {
        if (JSON.stringify(segment.options[k as keyof TcpOptions]) !== JSON.stringify(v))
          problems.push(`option ${k}`);
      }
    }
    if (spec.after !== undefined && Math.abs(time - start - spec.after) > tolerance) problems.push('time');
    if (problems.length > 0)
      this.mismatch(
        { time, expected: want, got, fields: problems },
        `expected ${want}, got ${got} (${problems.join(', ')} differ)`,
      );
    if (!(segment.flags & RST)) {
      const end = seqAdd(
        segment.seq,
        segment.payload.length + (segment.flags & SYN ? 1 : 0) + (segment.flags & FIN ? 1 : 0),
      );
      const rel = seqDiff(end, this.endpointIss);
      if (rel > this.endpointNext) this.endpointNext = rel;
    }
    this.mark = time;
    return segment;
  }

  /** Runs `ms` of virtual time and checks that the endpoint sent the peer nothing. */
  expectNothing(ms: number): void {
    this.steps++;
    const arrival = this.nextArrival(this.sim.now + ms);
    if (arrival) {
      const got = this.describe(arrival.segment, arrival.time - this.mark);
      this.mismatch(
        { time: arrival.time, expected: `nothing for ${ms} ms`, got, fields: ['unexpected'] },
        `expected nothing for ${ms} ms, got ${got}`,
      );
    }
    this.sim.run({ until: this.sim.now + ms });
    this.mark = this.sim.now;
  }

  /** Every segment that reached the peer from now until `ms` later (for tables that collect answers). */
  collect(ms: number): TcpSegment[] {
    const out: TcpSegment[] = [];
    const end = this.sim.now + ms;
    for (;;) {
      const a = this.nextArrival(end);
      if (!a) break;
      out.push(a.segment);
    }
    this.sim.run({ until: end });
    this.mark = this.sim.now;
    return out;
  }

  /** Advances virtual time (segments that arrive meanwhile stay queued for `expect`). */
  advance(ms: number): void {
    this.sim.run({ until: this.sim.now + ms });
    this.mark = this.sim.now;
  }

  /** A segment in packetdrill notation, relative to the ISSs: 'S. 0:0(0) ack 1 win 65535 @+5ms'. */
  describe(seg: TcpSegment, at?: number): string {
    const base = this.endpointIssValue ?? seg.seq;
    const seq = seqDiff(seg.seq, base) >>> 0;
    const len = seg.payload.length;
    let s = `${formatFlags(seg.flags)} ${seq}:${(seq + len) >>> 0}(${len})`;
    if (seg.flags & ACK) s += ` ack ${seqDiff(seg.ack, this.peerIss) >>> 0}`;
    s += ` win ${seg.window}`;
    if (at !== undefined) s += ` @+${at}ms`;
    return s;
  }

  private nextArrival(deadline: number): { time: number; segment: TcpSegment } | undefined {
    const inbox = this.raw.inbox;
    while (this.cursor >= inbox.length) {
      // One event at a time, never past the deadline (what happens later stays in the future).
      const next = this.sim.nextEventTime;
      if (next === undefined || next > deadline) break;
      this.sim.step();
    }
    const a = inbox[this.cursor];
    if (!a || a.time > deadline) return undefined;
    this.cursor++;
    return { time: a.time, segment: a.segment };
  }
}

function describeExpect(spec: ExpectSpec): string {
  let s = spec.flags;
  if (spec.seq !== undefined) s += ` seq ${spec.seq}`;
  if (spec.len !== undefined) s += `(${spec.len})`;
  if (spec.ack !== undefined) s += ` ack ${spec.ack}`;
  if (spec.win !== undefined) s += ` win ${spec.win}`;
  if (spec.after !== undefined) s += ` @+${spec.after}ms${spec.tolerance ? `±${spec.tolerance}` : ''}`;
  return s;
}

export function createScriptedPeer(
  options: ScriptedPeerOptions & { onMismatch: 'collect' },
): ScriptedPeer<'collect'>;
export function createScriptedPeer(options?: ScriptedPeerOptions): ScriptedPeer;
export function createScriptedPeer(options?: ScriptedPeerOptions): ScriptedPeer<MismatchMode> {
  return new ScriptedPeer(options);
}
