/**
 * A simulated host: an address, its connections (demultiplexed by the 4-tuple), listening sockets
 * with a backlog, ephemeral ports, and the "no connection" rules of RFC 9293 3.10.7.1 (a segment to
 * a closed port draws a RST).
 *
 * A raw host (`raw: true`) runs no TCP: whatever reaches it is recorded in `inbox`, and `send()`
 * puts hand-made segments on the wire. Tests use it as a scripted peer.
 */

import type { CongestionFactory } from '../endpoint/congestion.js';
import { basicSegmentView, Connection, type EndpointEnvironment, TcpError } from '../endpoint/connection.js';
import { resetFor } from '../endpoint/segment-rules.js';
import type { TcpState } from '../endpoint/states.js';
import type { TimerProfile } from '../endpoint/timers.js';
import type { SegmentView, TraceEventInput } from '../trace/events.js';
import type { TraceState } from '../trace/trace.js';
import { parseIpv4Address } from '../wire/ipv4.js';
import { ACK, RST, SYN, type TcpSegment } from '../wire/tcp-segment.js';
import { Emitter } from './emitter.js';
import type { Rng } from './rng.js';
import { PHASE_TIMER, type Scheduler } from './scheduler.js';
import { SimSocket } from './socket.js';

/** What a host needs from the simulation. */
export interface World {
  readonly scheduler: Scheduler;
  readonly profile: TimerProfile;
  readonly congestion: CongestionFactory;
  trace(event: TraceEventInput): void;
  transmit(
    from: SimHost,
    dstAddress: number,
    seg: TcpSegment,
    conn: string,
    view: SegmentView,
    retransmission: boolean,
    /** Flip the TCP checksum after encoding (a scripted peer's bad segment). */
    badChecksum?: boolean,
  ): void;
  hostByAddress(address: string): SimHost | undefined;
  /** MSS toward `remote`: the smaller MTU of the two link directions minus 40. */
  mssToward(local: SimHost, remote: string): number;
  socketCreated(socket: SimSocket): void;
  nextTimerId(): number;
  /** Whether trace events are seen by anyone (views are built only then): the trace itself. */
  readonly tracing: TraceState;
}

export interface HostOptions {
  readonly name: string;
  /** Dotted-quad IPv4 address. */
  readonly address: string;
  /** A raw host runs no TCP (a scripted peer for tests). */
  readonly raw?: boolean;
  /** Overrides ISS selection (e.g. to start near 2^32 and test wrap-around). */
  readonly isn?: (conn: { localPort: number; remoteAddress: string; remotePort: number }) => number;
  /** Receive buffer per connection in octets (default 65535). */
  readonly receiveBuffer?: number;
  /** Send high-water mark per connection in octets (default 65536). */
  readonly sendHighWaterMark?: number;
}

export interface ConnectOptions {
  readonly address: string;
  readonly port: number;
  readonly localPort?: number;
}

export interface ListenOptions {
  /** Connections in SYN-RCVD plus established ones not yet accepted (default 128). */
  readonly backlog?: number;
}

export interface RawArrival {
  readonly time: number;
  readonly from: string;
  readonly segment: TcpSegment;
}

export class SimListener extends Emitter {
  private readonly queue: SimSocket[] = [];
  /** Connections forked from this listener that are not yet established. */
  halfOpen = 0;
  private closedFlag = false;

  constructor(
    readonly host: SimHost,
    readonly port: number,
    readonly backlog: number,
  ) {
    super();
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Established connections waiting for `accept()` (when nobody listens for 'connection'). */
  get pendingAccepts(): number {
    return this.queue.length;
  }

  on(event: 'connection', listener: (socket: SimSocket) => void): this {
    this.addListener(event, listener as (...args: unknown[]) => void);
    while (this.queue.length > 0) this.emitEvent('connection', this.queue.shift());
    return this;
  }

  accept(): SimSocket | undefined {
    return this.queue.shift();
  }

  /** Stops listening; established connections are unaffected. */
  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.host.unlisten(this);
  }

  /** @internal */
  deliverEstablished(socket: SimSocket): void {
    this.halfOpen--;
    if (this.host.observed)
      this.host.trace({ type: 'app.event', host: this.host.name, conn: socket.id, event: 'connection' });
    if (this.listenerCount('connection') > 0) this.emitEvent('connection', socket);
    else this.queue.push(socket);
  }

  /** Room for another connection under the backlog. */
  get hasRoom(): boolean {
    return this.halfOpen + this.queue.length < this.backlog;
  }
}

/**
 * Connections by 4-tuple: remote address -> local port -> remote port. Three small-integer levels
 * (a combined 32-bit key would exceed V8's small integers and box on every lookup, which runs for
 * every arriving segment).
 */
class ConnectionTable {
  private readonly byRemote = new Map<number, Map<number, Map<number, Connection>>>();
  size = 0;

  get(localPort: number, remote: number, remotePort: number): Connection | undefined {
    return this.byRemote.get(remote)?.get(localPort)?.get(remotePort);
  }

  set(localPort: number, remote: number, remotePort: number, conn: Connection): void {
    let byLocal = this.byRemote.get(remote);
    if (!byLocal) {
      byLocal = new Map();
      this.byRemote.set(remote, byLocal);
    }
    let byPort = byLocal.get(localPort);
    if (!byPort) {
      byPort = new Map();
      byLocal.set(localPort, byPort);
    }
    if (!byPort.has(remotePort)) this.size++;
    byPort.set(remotePort, conn);
  }

  delete(localPort: number, remote: number, remotePort: number, conn: Connection): void {
    const byPort = this.byRemote.get(remote)?.get(localPort);
    if (byPort?.get(remotePort) === conn) {
      byPort.delete(remotePort);
      this.size--;
    }
  }

  *values(): IterableIterator<Connection> {
    for (const byLocal of this.byRemote.values())
      for (const byPort of byLocal.values()) yield* byPort.values();
  }
}

export class SimHost {
  readonly name: string;
  readonly address: string;
  readonly addressNumber: number;
  readonly raw: boolean;
  /** Segments that reached a raw host. */
  readonly inbox: RawArrival[] = [];
  private readonly connections = new ConnectionTable();
  private readonly listeners = new Map<number, SimListener>();
  private readonly passiveOrigin = new Map<Connection, SimListener>();
  private nextEphemeral = 49152;
  private readonly env: EndpointEnvironment;
  private rawListeners: Array<(arrival: RawArrival) => void> = [];

  constructor(
    private readonly world: World,
    options: HostOptions,
    private readonly isnRng: Rng,
  ) {
    this.name = options.name;
    this.address = options.address;
    this.addressNumber = parseIpv4Address(options.address);
    this.raw = options.raw ?? false;
    const receiveBuffer = options.receiveBuffer ?? 65535;
    const sendHighWaterMark = options.sendHighWaterMark ?? 65536;
    this.options = { receiveBuffer, sendHighWaterMark, isn: options.isn };
    const host = this;
    this.env = {
      hostName: this.name,
      profile: world.profile,
      congestion: world.congestion,
      now: () => world.scheduler.now,
      transmit(conn, seg, retransmission) {
        world.transmit(
          host,
          conn.remoteAddressNumber,
          seg,
          conn.id,
          world.tracing.observed ? conn.segmentView(seg) : UNOBSERVED,
          retransmission,
        );
      },
      setTimer: (delay, fire) => world.scheduler.schedule(world.scheduler.now + delay, PHASE_TIMER, fire),
      clearTimer: (handle) => world.scheduler.cancel(handle as Parameters<Scheduler['cancel']>[0]),
      trace: (event) => world.trace(event),
      chooseIss: (conn) =>
        this.options.isn
          ? this.options.isn({
              localPort: conn.localPort,
              remoteAddress: conn.remoteAddress,
              remotePort: conn.remotePort,
            })
          : this.isnRng.nextU32(),
      nextTimerId: () => world.nextTimerId(),
      stateChanged: (conn, from, to) => this.stateChanged(conn, from, to),
      tracing: world.tracing,
    };
  }

  /** Dotted quads already parsed (connect() and replies parse the same few addresses over and over). */
  private readonly parsed = new Map<string, number>();

  private parse(address: string): number {
    let n = this.parsed.get(address);
    if (n === undefined) {
      n = parseIpv4Address(address);
      this.parsed.set(address, n);
    }
    return n;
  }

  private readonly options: {
    receiveBuffer: number;
    sendHighWaterMark: number;
    isn: HostOptions['isn'];
  };

  /** @internal Whether trace events are seen by anyone. */
  get observed(): boolean {
    return this.world.tracing.observed;
  }

  /** @internal */
  trace(event: TraceEventInput): void {
    this.world.trace(event);
  }

  /** Live connections (not yet deleted), as sockets. */
  get liveSockets(): SimSocket[] {
    return [...this.connections.values()].map(socketOf);
  }

  /** Opens a listening socket (RFC 9293 3.10.1 passive OPEN). */
  listen(port: number, options: ListenOptions = {}): SimListener {
    this.assertTcp();
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`bad port ${port}`);
    if (this.listeners.has(port))
      throw new TcpError('EADDRINUSE', `${this.name}:${port} is already listening`);
    const backlog = options.backlog ?? 128;
    if (!(Number.isInteger(backlog) && backlog >= 1)) throw new RangeError('backlog must be an integer >= 1');
    const listener = new SimListener(this, port, backlog);
    this.listeners.set(port, listener);
    this.world.trace({ type: 'app.call', host: this.name, conn: `${this.name}:${port}`, call: 'listen' });
    return listener;
  }

  /** @internal */
  unlisten(listener: SimListener): void {
    if (this.listeners.get(listener.port) === listener) this.listeners.delete(listener.port);
    this.world.trace({
      type: 'app.call',
      host: this.name,
      conn: `${this.name}:${listener.port}`,
      call: 'close',
    });
  }

  /** Opens a connection (RFC 9293 3.10.1 active OPEN). */
  connect(options: ConnectOptions): SimSocket {
    this.assertTcp();
    const remote = this.world.hostByAddress(options.address);
    const remoteName = remote?.name ?? options.address;
    const localPort = options.localPort ?? this.allocateEphemeral(options.address, options.port);
    if (this.connections.get(localPort, this.parse(options.address), options.port)) {
      throw new TcpError(
        'EADDRINUSE',
        `${this.name}:${localPort} is already connected to ${options.address}:${options.port}`,
      );
    }
    const conn = this.createConnection(
      `${this.name}:${localPort}>${remoteName}:${options.port}`,
      localPort,
      options.address,
      options.port,
    );
    const socket = socketOf(conn);
    conn.userCall('connect');
    conn.openActive();
    return socket;
  }

  /**
   * Raw hosts: puts a hand-made segment on the wire to `to` (an address); `badChecksum` sends it with
   * a wrong TCP checksum (the receiver must discard it, RFC 9293 3.1).
   */
  send(to: string, seg: TcpSegment, options: { readonly badChecksum?: boolean } = {}): void {
    const remote = this.world.hostByAddress(to);
    const conn = `${this.name}:${seg.srcPort}>${remote?.name ?? to}:${seg.dstPort}`;
    this.world.transmit(
      this,
      parseIpv4Address(to),
      seg,
      conn,
      basicSegmentView(seg),
      false,
      options.badChecksum,
    );
  }

  /** Raw hosts: called for every arriving segment. */
  onSegment(listener: (arrival: RawArrival) => void): () => void {
    this.rawListeners.push(listener);
    return () => {
      this.rawListeners = this.rawListeners.filter((l) => l !== listener);
    };
  }

  /** @internal The live connection an arriving segment belongs to (RFC 9293 3.10.7: by 4-tuple), if any. */
  connectionFor(seg: TcpSegment, srcNumber: number): Connection | undefined {
    if (this.raw) return undefined;
    return this.connections.get(seg.dstPort, srcNumber, seg.srcPort);
  }

  /** Demultiplexes an arriving, checksum-verified segment. Returns the connection id it went to. */
  receive(
    seg: TcpSegment,
    srcAddress: string,
    fromHost: string,
    srcNumber = parseIpv4Address(srcAddress),
  ): { conn: string; accepted: boolean; reason?: 'no-listener' | 'backlog' } {
    if (this.raw) {
      const arrival: RawArrival = { time: this.world.scheduler.now, from: srcAddress, segment: seg };
      this.inbox.push(arrival);
      for (const l of [...this.rawListeners]) l(arrival);
      return { conn: `${fromHost}:${seg.srcPort}>${this.name}:${seg.dstPort}`, accepted: true };
    }
    const existing = this.connections.get(seg.dstPort, srcNumber, seg.srcPort);
    if (existing) return { conn: existing.id, accepted: true };
    const id = `${fromHost}:${seg.srcPort}>${this.name}:${seg.dstPort}`;
    const listener = this.listeners.get(seg.dstPort);
    if (listener && (seg.flags & (SYN | ACK | RST)) === SYN && !listener.hasRoom) {
      return { conn: id, accepted: false, reason: 'backlog' }; // as Linux: a full queue drops the SYN
    }
    if (!listener) return { conn: id, accepted: false, reason: 'no-listener' };
    return { conn: id, accepted: true };
  }

  /** Processes a segment `receive` accepted (after the delivery was traced). */
  process(
    seg: TcpSegment,
    srcAddress: string,
    fromHost: string,
    srcNumber = parseIpv4Address(srcAddress),
  ): void {
    if (this.raw) return;
    const existing = this.connections.get(seg.dstPort, srcNumber, seg.srcPort);
    if (existing) {
      existing.segmentArrives(seg);
      return;
    }
    const listener = this.listeners.get(seg.dstPort)!;
    if ((seg.flags & (SYN | ACK | RST)) !== SYN) {
      // 3.10.7.2 first/second: RST ignored; any ACK draws <SEQ=SEG.ACK><CTL=RST>.
      if (seg.flags & ACK && !(seg.flags & RST)) this.sendReset(seg, srcAddress, fromHost);
      return;
    }
    const conn = this.createConnection(
      `${fromHost}:${seg.srcPort}>${this.name}:${seg.dstPort}`,
      seg.dstPort,
      srcAddress,
      seg.srcPort,
    );
    this.passiveOrigin.set(conn, listener);
    listener.halfOpen++;
    socketOf(conn).acceptOn(listener);
    conn.openPassive();
    conn.segmentArrives(seg);
  }

  /** 3.10.7.1: a segment for a connection that does not exist draws a reset. */
  sendReset(seg: TcpSegment, srcAddress: string, fromHost: string): void {
    const reply = resetFor(seg);
    if (!reply) return;
    const rst: TcpSegment = {
      srcPort: seg.dstPort,
      dstPort: seg.srcPort,
      seq: reply.seq,
      ack: reply.ack,
      flags: reply.flags,
      window: 0,
      options: {},
      payload: new Uint8Array(0),
    };
    this.world.transmit(
      this,
      parseIpv4Address(srcAddress),
      rst,
      `${fromHost}:${seg.srcPort}>${this.name}:${seg.dstPort}`,
      basicSegmentView(rst),
      false,
    );
  }

  private createConnection(
    id: string,
    localPort: number,
    remoteAddress: string,
    remotePort: number,
  ): Connection {
    const conn = new Connection(this.env, {
      id,
      localAddress: this.address,
      localPort,
      remoteAddress,
      remotePort,
      remoteAddressNumber: this.parse(remoteAddress),
      mss: this.world.mssToward(this, remoteAddress),
      receiveBuffer: this.options.receiveBuffer,
      sendHighWaterMark: this.options.sendHighWaterMark,
    });
    this.connections.set(localPort, conn.remoteAddressNumber, remotePort, conn);
    // The socket registers itself as the connection's observer (see socketOf).
    this.world.socketCreated(new SimSocket(conn, this.name));
    return conn;
  }

  private stateChanged(conn: Connection, from: TcpState, to: TcpState): void {
    const origin = this.passiveOrigin.get(conn);
    if (origin && from === 'SYN-RCVD' && to !== 'ESTABLISHED') {
      origin.halfOpen--;
      this.passiveOrigin.delete(conn);
    } else if (origin && to === 'ESTABLISHED') {
      this.passiveOrigin.delete(conn);
    }
    if (to === 'CLOSED' || conn.released) {
      this.connections.delete(conn.localPort, conn.remoteAddressNumber, conn.remotePort, conn);
    }
  }

  private allocateEphemeral(address: string, port: number): number {
    const remote = this.parse(address);
    // Ephemeral ports 49152-65535 (RFC 6335 6), handed out in order, skipping tuples in use.
    for (let i = 0; i < 16384; i++) {
      const candidate = this.nextEphemeral;
      this.nextEphemeral = candidate === 65535 ? 49152 : candidate + 1;
      if (!this.connections.get(candidate, remote, port)) return candidate;
    }
    throw new TcpError('EADDRNOTAVAIL', 'no ephemeral port left');
  }

  private assertTcp(): void {
    if (this.raw) throw new TypeError(`${this.name} is a raw host: use send() and inbox`);
  }
}

/** The socket of a host's connection: its observer, set when the socket was made (createConnection). */
function socketOf(conn: Connection): SimSocket {
  return conn.observer as SimSocket;
}

/** Stands in for a segment view nobody will read (trace streamed without listeners). */
const UNOBSERVED: SegmentView = Object.freeze({
  srcPort: 0,
  dstPort: 0,
  seq: 0,
  ack: 0,
  flags: [],
  window: 0,
  len: 0,
  options: {},
});
