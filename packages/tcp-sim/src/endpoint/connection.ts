/**
 * One TCP endpoint: the TCB, the send queue and retransmission, reassembly and the receive window,
 * the timers, and the state machine (tcpMachine, stepped by machine-runner.ts).
 *
 * Theory of operation: inputs are user calls (`user*` methods), arriving segments (`segmentArrives`)
 * and timer expiries. Segment processing (segment-arrives.ts) mutates the TCB in place and sends the
 * machine only state-relevant events; bytes never go through the machine. Machine actions are deferred
 * until the state change is traced, so the trace reads "state changed, then what it caused".
 * Notifications to the application (connect, data, end, close, error, drain) are queued and flushed
 * after each input, so application callbacks never run in the middle of segment processing.
 */
import type {
  AppCall,
  CwndPhase,
  ErrorCode,
  SegmentView,
  TimerStopCause,
  TraceEventInput,
} from '../trace/events.js';
import type { TraceState } from '../trace/trace.js';
import { parseIpv4Address } from '../wire/ipv4.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt } from '../wire/seq.js';
import { ACK, FIN, flagNames, PSH, RST, SYN, type TcpOptions, type TcpSegment } from '../wire/tcp-segment.js';
import type { CongestionController, CongestionFactory } from './congestion.js';
import { ackPolicy } from './delayed-ack.js';
import type { TcpEffects, TcpMachineEvent } from './machine.js';
import { MachineRunner } from './machine-runner.js';
import { nagleAllows } from './nagle.js';
import { ReassemblyQueue } from './reassembly.js';
import { afterSynLoss, backOff, currentRto, initialRtt, type RttEstimator, sampleRtt } from './rtt.js';
import {
  listenSegmentArrives,
  resetFor,
  synchronizedSegmentArrives,
  synSentSegmentArrives,
  type Trimmed,
} from './segment-arrives.js';
import { SendBuffer } from './send-buffer.js';
import type { TcpState } from './states.js';
import { createTcb, type Tcb, type TcbSnapshot } from './tcb.js';
import { delayedAckTimeout, initialWindowOctets, type TimerName, type TimerProfile } from './timers.js';
import { abortSendsReset, closeDecision, sendDecision, userCallError } from './user-calls.js';

/** A Node-style error with a stable `code`. */
export class TcpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'TcpError';
  }
}

export interface TimerHandle {
  readonly id: number;
  readonly name: TimerName;
  readonly deadline: number;
}

/** What the endpoint needs from its world (the simulated host implements it). */
export interface EndpointEnvironment {
  readonly hostName: string;
  readonly profile: TimerProfile;
  readonly congestion: CongestionFactory;
  now(): number;
  /** Hands a segment to IP. */
  transmit(conn: Connection, seg: TcpSegment, retransmission: boolean): void;
  /** Arms a timer in the scheduler's timer phase. */
  setTimer(delay: number, fire: () => void): unknown;
  clearTimer(handle: unknown): void;
  trace(event: TraceEventInput): void;
  /** Picks an ISS (RFC 9293 3.4.1) for this connection. */
  chooseIss(conn: Connection): number;
  /** A fresh timer id, unique within the simulation (for timer.* trace events). */
  nextTimerId(): number;
  /**
   * Whether trace events are seen by anyone (events and views are built only then). The trace
   * itself, read through one plain property: it is asked for nearly every event.
   */
  readonly tracing: TraceState;
  /** Called after every traced state change (the host tracks listeners, accept queues, tables). */
  stateChanged(conn: Connection, from: TcpState, to: TcpState): void;
}

/** The application side of a connection (implemented by SimSocket). */
export interface ConnectionObserver {
  onConnect(): void;
  onData(chunk: Uint8Array): void;
  onEnd(): void;
  onError(error: TcpError): void;
  onClose(hadError: boolean): void;
  onDrain(): void;
}

export interface ConnectionOptions {
  readonly id: string;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The remote address as a number, when the caller has it already. */
  readonly remoteAddressNumber?: number;
  /** Our MSS (link MTU - 40). */
  readonly mss: number;
  /** Receive buffer in octets (<= 65535 without window scaling). */
  readonly receiveBuffer: number;
  /** Send buffer high-water mark: write() returns false above it. */
  readonly sendHighWaterMark: number;
}

type Notification =
  | { kind: 'connect' }
  | { kind: 'data' }
  | { kind: 'end' }
  | { kind: 'error'; error: TcpError }
  | { kind: 'close' }
  | { kind: 'drain' };

/** A timer as the trace names it, with the scheduler's handle (one object per armed timer). */
interface ArmedTimer extends TimerHandle {
  readonly handle: unknown;
}

export class Connection {
  readonly id: string;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The remote address as a 32-bit number (IPv4 header order). */
  readonly remoteAddressNumber: number;
  readonly tcb: Tcb = createTcb();
  observer: ConnectionObserver | undefined;

  private readonly machine: MachineRunner;
  private current: TcpState = 'CLOSED';
  private started = false;
  private rtt: RttEstimator;
  private congestion: CongestionController;
  /** Last cwnd / ssthresh traced (a `tcp.cwnd` event goes out when either changes). */
  private tracedCwnd = Number.NaN;
  private tracedSsthresh = Number.NaN;

  // Send side
  private readonly sendBuffer = new SendBuffer();
  /** Sequence number of the first octet in sendBuffer (SND.UNA once the SYN is acknowledged). */
  private sendStart = 0;
  private finQueued = false;
  private finSeq = 0;
  private synRetransmitted = false;
  private rttSample: { endSeq: number; sentAt: number } | undefined;
  private retries = 0;
  private rtoTimer: ArmedTimer | undefined;
  private persistTimer: ArmedTimer | undefined;
  private persistBackoff = 0;
  /** Zero-window probes sent since the peer last answered (RFC 9293 3.8.6.1: answered probes never time out). */
  private probesUnanswered = 0;
  /** A one-octet zero-window probe is beyond SND.UNA (RFC 9293 3.8.6.1). */
  private probeOctetOut = false;
  /** Nagle's algorithm on (RFC 1122 4.2.3.4); setNoDelay() turns it off. */
  private nagle: boolean;
  private userTimer: ArmedTimer | undefined;
  private finWait2Timer: ArmedTimer | undefined;
  // Keep-alive, RFC 1122 4.2.3.6 (off by default)
  private keepAliveOn: boolean;
  private keepAliveIdle: number;
  private keepAliveTimer: ArmedTimer | undefined;
  private keepAliveProbesOut = 0;
  private lastHeard = 0;
  private readonly sendHighWaterMark: number;
  private needDrain = false;

  // Receive side
  private readonly reassembly = new ReassemblyQueue();
  private rcvChunks: Uint8Array[] = [];
  private rcvUnread = 0;
  private readonly rcvCapacity: number;
  // RFC 7323 / RFC 2018 options, negotiated on the SYNs
  /** The window shift we offer (RFC 7323 2.2). */
  private readonly offeredShift: number;
  /** Snd.Wind.Shift: applied to the peer's SEG.WND (0 unless both SYNs carried window scale). */
  private sndShift = 0;
  /** Rcv.Wind.Shift: applied to the window we advertise. */
  private rcvShift = 0;
  /** Both SYNs carried timestamps (RFC 7323 3.2). */
  private tsOn = false;
  /** TS.Recent (RFC 7323 4.3). */
  private tsRecent = 0;
  /** Both SYNs carried SACK-permitted (RFC 2018 2). */
  private sackOn = false;
  /** Sequence number of the most recent out-of-order arrival (the first SACK block holds it). */
  private lastOutOfOrder: number | undefined;
  private rcvRightEdge = 0;
  private rcvInitialized = false;
  private deliveredOffset = 0;
  private peerFinReached = false;
  private endNotified = false;

  // User side
  private flowing = false;
  private endRequested = false;
  private fullyClosed = false;
  private closeNotified = false;
  private hadError = false;
  private released = false;
  private dispatchFrom: TcpState = 'CLOSED';
  /** Machine actions (by name) and other work to run once the state change is traced. */
  private deferred: Array<keyof TcpEffects | (() => void)> = [];
  private notifications: Notification[] = [];
  private flushing = false;
  /** The queues' backing stores were let go after 'close' (releaseQueues). */
  private queuesReleased = false;
  /** An ACK is owed for the segment being processed (sent once the application has read, below). */
  private ackPending = false;
  /** An ACK is owed but may be delayed (RFC 9293 3.8.6.3). */
  private delayedAckOwed = false;
  /** In-order octets received since our last ACK. */
  private unackedOctets = 0;
  private delackTimer: ArmedTimer | undefined;
  private processing = false;

  constructor(
    private readonly env: EndpointEnvironment,
    options: ConnectionOptions,
  ) {
    this.id = options.id;
    this.localAddress = options.localAddress;
    this.localPort = options.localPort;
    this.remoteAddress = options.remoteAddress;
    this.remotePort = options.remotePort;
    this.remoteAddressNumber = options.remoteAddressNumber ?? parseIpv4Address(options.remoteAddress);
    this.tcb.rcvMss = options.mss;
    this.tcb.sndMss = Math.min(536, options.mss);
    // RFC 7323 2.2: beyond 65535 octets only with window scaling (the shift we offer covers the buffer).
    this.rcvCapacity = Math.min(env.profile.windowScale === false ? 65535 : 2 ** 30, options.receiveBuffer);
    let shift = 0;
    while (this.rcvCapacity >>> shift > 65535) shift++;
    this.offeredShift = env.profile.windowScale === false ? 0 : Math.max(shift, env.profile.windowScale);
    this.sendHighWaterMark = options.sendHighWaterMark;
    this.rtt = initialRtt(env.profile);
    this.congestion = env.congestion(this.tcb.sndMss, initialWindowOctets(env.profile, this.tcb.sndMss));
    this.nagle = env.profile.nagle;
    this.keepAliveOn = env.profile.keepAlive;
    this.keepAliveIdle = env.profile.keepAliveIdle;
    // The machine's actions run after the traced state change (syncState): queue their names.
    // (Handlers made per connection are plain arrows in argument or assignment position: under tsx,
    // a named function expression costs a defineProperty and a 256-byte property table each, kept
    // for the connection's whole life.)
    this.machine = new MachineRunner(
      (name) => {
        this.deferred.push(name);
      },
      2 * env.profile.msl,
      () => this.machineClock(),
    );
    this.onRetransmissionTimer = () => this.retransmissionTimeout();
    this.started = true;
  }

  // ------------------------------------------------------------------------------------------
  // Views

  /** The RFC state name. */
  get state(): TcpState {
    return this.current;
  }

  get passive(): boolean {
    return this.machine.passive;
  }

  get isReleased(): boolean {
    return this.released;
  }

  get timersArmed(): TimerName[] {
    const names: TimerName[] = [];
    if (this.rtoTimer) names.push(this.rtoTimer.name);
    if (this.persistTimer) names.push('PERSIST');
    if (this.delackTimer) names.push('DELACK');
    if (this.keepAliveTimer) names.push('KEEPALIVE');
    if (this.userTimer) names.push('USER');
    if (this.finWait2Timer) names.push('FIN-WAIT-2');
    if (this.current === 'TIME-WAIT') names.push('2MSL');
    return names;
  }

  snapshot(): TcbSnapshot {
    return {
      ...this.tcb,
      srtt: this.rtt.srtt,
      rttvar: this.rtt.rttvar,
      rto: currentRto(this.rtt, this.env.profile),
      cwnd: this.congestion.cwnd,
      ssthresh: this.congestion.ssthresh ?? Number.POSITIVE_INFINITY,
      flight: seqDiff(this.tcb.sndMax, this.tcb.sndUna),
    };
  }

  get profile(): TimerProfile {
    return this.env.profile;
  }

  /** TCP_NODELAY: true turns Nagle's algorithm off. */
  setNoDelay(noDelay: boolean): void {
    this.nagle = !noDelay;
    if (noDelay) this.trySend();
    this.flush();
  }

  /** SO_KEEPALIVE (RFC 1122 4.2.3.6), with an optional idle time before the first probe. */
  setKeepAlive(enable: boolean, idle?: number): void {
    if (idle !== undefined) {
      if (!(Number.isFinite(idle) && idle > 0)) throw new RangeError('keep-alive idle time must be > 0 ms');
      this.keepAliveIdle = idle;
    }
    this.keepAliveOn = enable;
    this.stopTimer('keepAliveTimer');
    if (enable) this.armKeepAlive(this.keepAliveIdle);
  }

  /** Octets buffered for the application but not yet read. */
  get readableLength(): number {
    return this.rcvUnread;
  }

  /** Octets written but not yet acknowledged. */
  get writableLength(): number {
    return this.sendBuffer.length;
  }

  /** Whether the machine accepts this event in the current state. */
  can(event: TcpMachineEvent): boolean {
    return this.machine.can(event);
  }

  // ------------------------------------------------------------------------------------------
  // Machine wiring

  /** Sends the machine an event and traces the resulting state change with the event's cause. */
  dispatch(event: TcpMachineEvent): void {
    this.dispatchFrom = this.current;
    this.machine.send(event);
    this.syncState(event.cause);
  }

  private syncState(cause: string): void {
    const to = this.machine.state;
    const from = this.current;
    if (to !== from) {
      this.current = to;
      if (this.env.tracing.observed)
        this.env.trace({ type: 'tcp.state', host: this.env.hostName, conn: this.id, from, to, cause });
      if (to === 'LISTEN' && from === 'SYN-RCVD') this.deleteTcb(); // the forked TCB goes away
    }
    while (this.deferred.length > 0) {
      const next = this.deferred.shift()!;
      if (typeof next === 'string') this.runEffect(next);
      else next();
    }
    // Deleting the TCB (CLOSED) ran through this queue after the other queues were let go.
    if (this.released && this.queuesReleased) this.deferred = [];
    if (to !== from) {
      if (to === 'FIN-WAIT-2') this.armFinWait2Timeout();
      else if (this.finWait2Timer) this.stopTimer('finWait2Timer');
      this.env.stateChanged(this, from, to);
    }
  }

  /** The machine's actions (RFC 9293 names, see machine.ts), implemented by this connection. */
  private runEffect(name: keyof TcpEffects): void {
    switch (name) {
      case 'sendSyn':
      case 'sendSynAck':
        this.sendSynSegment(false);
        break;
      case 'queueFin':
        this.queueFin();
        break;
      case 'sendReset':
        this.sendAbortReset();
        break;
      case 'signalEstablished':
        this.established();
        break;
      case 'signalReset':
        this.fail(
          this.dispatchFrom === 'SYN-SENT' || (this.dispatchFrom === 'SYN-RCVD' && !this.passive)
            ? new TcpError('ECONNREFUSED', `connection refused by ${this.remoteAddress}:${this.remotePort}`)
            : new TcpError('ECONNRESET', 'connection reset by peer'),
        );
        break;
      case 'signalTimeout':
        this.fail(new TcpError('ETIMEDOUT', 'retransmission limit reached'));
        break;
      case 'turnOffOtherTimers':
        this.stopAllTimers('time-wait');
        this.notifyClose();
        break;
      case 'deleteTcb':
        this.deleteTcb();
        break;
    }
  }

  private machineClock() {
    // The machine's only delayed event is the 2MSL timer: one slot, not a table.
    let armed: { handle: unknown; info: TimerHandle } | undefined;
    const conn = this;
    // Method shorthand, not arrow properties: see the constructor on named function expressions.
    return {
      setTimeout(fn: (...args: unknown[]) => void, ms: number) {
        const info: TimerHandle = { id: conn.env.nextTimerId(), name: '2MSL', deadline: conn.env.now() + ms };
        const handle = conn.env.setTimer(ms, () => {
          if (armed?.handle === handle) armed = undefined;
          conn.traceTimer('timer.fired', info);
          conn.dispatchFrom = conn.current;
          fn();
          conn.syncState('3.10.8 timeout: time-wait timer (2MSL) expired');
          conn.flush();
        });
        armed = { handle, info };
        // XState arms the timer while entering TIME-WAIT; trace it after the state change.
        conn.deferred.push(() => conn.traceTimer('timer.set', info));
        return handle;
      },
      clearTimeout(handle: unknown) {
        if (!armed || armed.handle !== handle) return;
        const { info } = armed;
        armed = undefined;
        conn.env.clearTimer(handle);
        // XState cancels 2MSL while the machine's state is already the new one: CLOSED means the
        // connection ended (RST, ABORT); TIME-WAIT again means a retransmitted FIN restarted it.
        conn.traceTimer('timer.cancelled', info, conn.machine.state === 'CLOSED' ? 'closed' : 'restarted');
      },
    };
  }

  // ------------------------------------------------------------------------------------------
  // User calls, RFC 9293 3.10.1-3.10.6

  userCall(call: AppCall, length?: number): void {
    if (this.env.tracing.observed)
      this.env.trace(
        length === undefined
          ? { type: 'app.call', host: this.env.hostName, conn: this.id, call }
          : { type: 'app.call', host: this.env.hostName, conn: this.id, call, length },
      );
  }

  /** 3.10.1 OPEN, active. */
  openActive(): void {
    this.selectIss();
    this.dispatch({ type: 'ACTIVE_OPEN', cause: '3.10.1 OPEN (active): send SYN' });
    this.flush();
  }

  /** 3.10.1 OPEN, passive (a TCB forked from a listening socket for one SYN). */
  openPassive(): void {
    this.dispatch({ type: 'PASSIVE_OPEN', cause: '3.10.1 OPEN (passive)' });
  }

  /** 3.10.2 SEND. Returns false when the send queue is above its high-water mark. */
  send(data: Uint8Array): boolean {
    const decision = sendDecision(this.current);
    const code = userCallError(decision);
    if (code || this.endRequested) {
      this.fail(new TcpError('EPIPE', 'write after end'));
      this.flush();
      return false;
    }
    // SEND never changes the state (the machine declares it as a self-transition where legal, and
    // sendDecision is the same table), so the hot path does not go through the actor.
    this.sendBuffer.push(data);
    if (decision === 'segmentize') this.trySend();
    this.flush();
    const below = this.sendBuffer.length < this.sendHighWaterMark;
    if (!below) this.needDrain = true;
    return below;
  }

  /** 3.10.4 CLOSE (half-close: our FIN after the queued data). */
  close(): void {
    if (this.endRequested) return;
    this.endRequested = true;
    const decision = closeDecision(this.current);
    if (decision === 'queue-fin')
      this.dispatch({ type: 'CLOSE', cause: `3.10.4 CLOSE in ${this.current}: queue FIN` });
    else if (decision === 'delete-tcb') this.dispatch({ type: 'CLOSE', cause: '3.10.4 CLOSE in LISTEN' });
    this.flush();
  }

  /**
   * Full close: CLOSE plus "no more receiving". RFC 1122 4.2.2.13: if data is still unread, or new
   * data arrives afterwards, send a RST instead to show that data was lost.
   */
  closeFully(): void {
    this.fullyClosed = true;
    this.armFinWait2Timeout();
    if (this.rcvUnread > 0 && this.current !== 'CLOSED') {
      this.abort('RFC 1122 4.2.2.13: CLOSE with unread data sends RST');
      return;
    }
    this.close();
  }

  /** 3.10.5 ABORT. */
  abort(cause = '3.10.5 ABORT'): void {
    if (this.current === 'CLOSED') {
      this.notifyClose();
      this.flush();
      return;
    }
    if (!abortSendsReset(this.current)) {
      this.stopRetransmissionTimer('closed');
    }
    this.dispatch({ type: 'ABORT', cause });
    this.notifyClose();
    this.flush();
  }

  /** 3.10.3 RECEIVE, pull style: up to `max` octets from the receive buffer, or undefined if empty. */
  receive(max = Number.POSITIVE_INFINITY): Uint8Array | undefined {
    if (this.rcvUnread === 0) {
      this.maybeNotifyEnd();
      this.flush();
      return undefined;
    }
    const first = this.rcvChunks[0]!;
    let out: Uint8Array;
    if (first.length <= max) {
      out = this.rcvChunks.shift()!;
    } else {
      out = first.subarray(0, max);
      this.rcvChunks[0] = first.subarray(max);
    }
    this.consumeReceived(out.length);
    this.maybeNotifyEnd();
    this.flush();
    return out;
  }

  pause(): void {
    this.flowing = false;
  }

  resume(): void {
    this.flowing = true;
    this.notifications.push(NOTE_DATA);
    this.flush();
  }

  // ------------------------------------------------------------------------------------------
  // Segment arrival, RFC 9293 3.10.7

  segmentArrives(seg: TcpSegment): void {
    if (this.released) return;
    if (this.tsOn) this.noteTimestamp(seg);
    this.lastHeard = this.env.now();
    this.keepAliveProbesOut = 0;
    this.processing = true;
    switch (this.current) {
      case 'LISTEN':
        listenSegmentArrives(this, seg);
        break;
      case 'SYN-SENT':
        synSentSegmentArrives(this, seg);
        break;
      case 'CLOSED':
        break;
      default:
        synchronizedSegmentArrives(this, seg);
    }
    // The application reads what arrived first, so the ACK we owe carries the reopened window
    // (one ACK instead of an ACK plus a window update).
    this.flush();
    this.processing = false;
    if (this.ackPending && !this.released) {
      if (!this.trySend()) this.sendAck();
    } else if (this.delayedAckOwed && !this.released) {
      // RFC 9293 3.8.6.3: data going out now carries the ACK; otherwise wait for some.
      if (!this.trySend() && this.delayedAckOwed) this.armDelayedAck();
    }
    this.ackPending = false;
    this.flush();
  }

  /** RFC 9293 3.10.7.4: "send an acknowledgment", sent at the end of this segment's processing. */
  scheduleAck(): void {
    this.ackPending = true;
  }

  /** An ACK for in-order data: at once or delayed, per RFC 5681 4.2 (see delayed-ack.ts). */
  private acknowledgeText(octets: number, outOfOrder: boolean): void {
    this.unackedOctets += octets;
    const policy = ackPolicy({
      enabled: this.env.profile.delayedAckMax > 0,
      outOfOrder,
      unackedOctets: this.unackedOctets,
      mss: this.payloadMss,
    });
    if (policy === 'now') this.ackPending = true;
    else this.delayedAckOwed = true;
  }

  /**
   * The two timers armed per segment get one handler each for the connection's life (the delayed-ACK
   * one made on first use: many connections never delay an ACK).
   */
  private readonly onRetransmissionTimer: () => void;
  private onDelayedAckTimer: (() => void) | undefined;

  private armDelayedAck(): void {
    if (this.delackTimer) return;
    const delay = delayedAckTimeout(this.env.profile, this.rtt.srtt);
    this.onDelayedAckTimer ??= () => {
      this.delackTimer = undefined;
      if (this.delayedAckOwed && !this.released) this.sendAck('3.8.6.3 delayed ACK timer');
      this.flush();
    };
    this.delackTimer = this.arm('DELACK', delay, this.onDelayedAckTimer);
  }

  /** The peer answered (any acceptable ACK): zero-window probes and keep-alives count from zero. */
  ackHeard(window: number): void {
    this.probesUnanswered = 0;
    // RFC 9293 3.8.6.1: "TCP implementations MUST NOT close the connection while the receiver keeps
    // advertising a zero window": answered probes do not count toward the retry limit.
    if (window === 0) this.retries = 0;
  }

  /** Called after the eighth step: push out data the peer's window now allows. */
  afterSegment(): void {
    this.trySend();
  }

  discard(_reason: 'unacceptable'): void {
    // The segment is dropped by the RFC rules; the trace already shows it as delivered to us.
  }

  selectIss(): void {
    const iss = this.env.chooseIss(this) >>> 0;
    const tcb = this.tcb;
    tcb.iss = iss;
    tcb.sndUna = iss;
    tcb.sndNxt = seqAdd(iss, 1);
    tcb.sndMax = tcb.sndNxt;
    this.sendStart = seqAdd(iss, 1);
  }

  /** RFC 9293 3.7.1: the send MSS is the peer's MSS option (536 if absent), never above ours. */
  takePeerOptions(seg: TcpSegment): void {
    this.tcb.sndMss = Math.min(seg.options.mss ?? 536, this.tcb.rcvMss);
    const p = this.env.profile;
    // RFC 7323 2.2 / 3.2, RFC 2018 2: an option is in use only when both SYNs carry it.
    if (p.windowScale !== false && seg.options.windowScale !== undefined) {
      this.sndShift = Math.min(14, seg.options.windowScale); // 2.3: a shift above 14 is taken as 14
      this.rcvShift = this.offeredShift;
    } else {
      this.sndShift = 0;
      this.rcvShift = 0;
    }
    this.sackOn = p.sack && seg.options.sackPermitted === true;
    this.tsOn = p.timestamps && seg.options.timestamp !== undefined;
    if (this.tsOn) this.tsRecent = seg.options.timestamp!.value;
  }

  /** SEG.WND as the octets it stands for: scaled except on SYNs (RFC 7323 2.2). */
  peerWindow(seg: TcpSegment): number {
    // (1 << shift), not 2 ** shift: the same number for a shift of at most 14, without a call to pow.
    return seg.flags & SYN ? seg.window : seg.window * (1 << this.sndShift);
  }

  /** RFC 7323 4.3: remember TS.Recent from a segment at or before RCV.NXT. */
  noteTimestamp(seg: TcpSegment): void {
    const ts = seg.options.timestamp;
    if (this.tsOn && ts && seqLe(seg.seq, this.tcb.rcvNxt)) this.tsRecent = ts.value;
  }

  /** Payload octets per segment: the send MSS less the timestamp option (RFC 7323 / RFC 6691). */
  get payloadMss(): number {
    return this.tcb.sndMss - (this.tsOn ? 12 : 0);
  }

  /** Options for a non-SYN segment: timestamps, and SACK blocks on segments without data (RFC 2018 4). */
  private segmentOptions(len: number): TcpOptions {
    if (!this.tsOn && !this.sackOn) return NO_OPTIONS;
    const options: {
      timestamp?: { value: number; echo: number };
      sack?: Array<{ left: number; right: number }>;
    } = {};
    if (this.tsOn) options.timestamp = { value: this.tsValue(), echo: this.tsRecent };
    if (this.sackOn && len === 0 && this.reassembly.bytes > 0) {
      const blocks = this.reassembly.sackBlocks(this.tcb.rcvNxt, this.lastOutOfOrder, this.tsOn ? 3 : 4);
      if (blocks.length > 0) options.sack = blocks;
    }
    return options;
  }

  /** TSval: the virtual clock in ms (RFC 7323 5.4: a tick between 1 ms and 1 s). */
  private tsValue(): number {
    return Math.floor(this.env.now()) >>> 0;
  }

  /** Options on our SYN (all we offer) or SYN,ACK (only what the peer's SYN offered). */
  private synOptions(synAck: boolean): TcpOptions {
    const p = this.env.profile;
    const options: {
      mss: number;
      windowScale?: number;
      sackPermitted?: boolean;
      timestamp?: { value: number; echo: number };
    } = { mss: this.tcb.rcvMss };
    if (
      synAck ? this.rcvShift > 0 || (this.sndShift > 0 && p.windowScale !== false) : p.windowScale !== false
    )
      options.windowScale = this.offeredShift;
    if (synAck ? this.sackOn : p.sack) options.sackPermitted = true;
    if (synAck ? this.tsOn : p.timestamps)
      options.timestamp = { value: this.tsValue(), echo: synAck ? this.tsRecent : 0 };
    return options;
  }

  /**
   * RFC 5681 3.1: the congestion window starts at IW once the send MSS is known (the handshake is
   * done); "if the SYN or SYN/ACK is lost, the initial window ... MUST be one segment".
   */
  private startCongestionControl(): void {
    const smss = this.payloadMss;
    const iw = this.synRetransmitted ? smss : initialWindowOctets(this.env.profile, smss);
    this.congestion = this.env.congestion(smss, iw);
    this.traceCwnd('initial', 'RFC 5681 3.1: initial window');
  }

  /**
   * Traces cwnd, ssthresh and the octets in flight when cwnd or ssthresh changed, and at every
   * recovery event (fast retransmit, partial or full ACK, timeout) even when the numbers did not move:
   * those are what a reader of the trace looks for.
   */
  private traceCwnd(phase: CwndPhase, cause: string): void {
    const cwnd = this.congestion.cwnd;
    const ssthresh = this.congestion.ssthresh;
    if (!Number.isFinite(cwnd) || ssthresh === undefined) return; // no congestion control
    const growth = phase === 'slow-start' || phase === 'congestion-avoidance' || phase === 'fast-recovery';
    if (growth && cwnd === this.tracedCwnd && ssthresh === this.tracedSsthresh) return;
    this.tracedCwnd = cwnd;
    this.tracedSsthresh = ssthresh;
    if (this.env.tracing.observed)
      this.env.trace({
        type: 'tcp.cwnd',
        host: this.env.hostName,
        conn: this.id,
        cwnd,
        ssthresh,
        flight: seqDiff(this.tcb.sndMax, this.tcb.sndUna),
        cause,
        phase,
      });
  }

  /** SND.UNA advances to `ack` (already validated): drop acknowledged data, sample RTT, rearm. */
  acknowledge(ack: number): void {
    const tcb = this.tcb;
    if (!seqGt(ack, tcb.sndUna)) return;
    const wasSynUnacked = tcb.sndUna === tcb.iss;
    let dataStart = tcb.sndUna;
    if (wasSynUnacked) dataStart = seqAdd(dataStart, 1);
    const finOut = this.finQueued && seqGt(ack, this.finSeq);
    const dataEnd = finOut ? this.finSeq : ack;
    const ackedData = Math.max(0, seqDiff(dataEnd, dataStart));
    this.sendBuffer.consume(ackedData);
    this.sendStart = seqAdd(this.sendStart, ackedData);
    const acked = seqDiff(ack, tcb.sndUna);
    const flight = seqDiff(tcb.sndMax, tcb.sndUna);
    tcb.sndUna = ack;
    if (seqLt(tcb.sndNxt, ack)) tcb.sndNxt = ack; // after a go-back, the peer may ack beyond SND.NXT
    this.retries = 0;
    let retransmitHole = false;
    if (wasSynUnacked) {
      this.startCongestionControl();
    } else {
      const wasRecovering = this.congestion.inRecovery === true;
      // RFC 5681 3.1: the ACK grows cwnd by slow start's rule when cwnd < ssthresh *before* it.
      const slowStart = this.congestion.cwnd < (this.congestion.ssthresh ?? 0);
      retransmitHole = this.congestion.onAck(acked, { ack, flight, sndMax: tcb.sndMax }) === 'retransmit';
      if (retransmitHole)
        this.traceCwnd('partial-ack', 'RFC 6582 3.2 step 4: partial ACK, retransmit the next hole');
      else if (wasRecovering)
        this.traceCwnd('recovery-exit', 'RFC 6582 3.2 step 3: full ACK, leave fast recovery');
      else if (slowStart) this.traceCwnd('slow-start', 'RFC 5681 3.1: slow start');
      else this.traceCwnd('congestion-avoidance', 'RFC 5681 3.1: congestion avoidance');
    }
    if (this.rttSample && seqGe(ack, this.rttSample.endSeq)) {
      // RFC 6298 2.2/2.3 (Karn: the sample is cleared whenever a retransmission happens).
      this.rtt = sampleRtt(this.rtt, this.env.now() - this.rttSample.sentAt, this.env.profile);
      this.rttSample = undefined;
    }
    if (wasSynUnacked && this.synRetransmitted) this.rtt = afterSynLoss(this.rtt, this.env.profile);
    // RFC 6298 5.2: all outstanding data acknowledged: turn off the timer; 5.3: otherwise restart it.
    this.stopRetransmissionTimer();
    this.stopTimer('userTimer');
    if (tcb.sndUna !== tcb.sndMax) {
      this.startRetransmissionTimer();
      this.armUserTimeout();
    }
    if (retransmitHole) this.retransmitHead();
    if (this.needDrain && this.sendBuffer.length < this.sendHighWaterMark) {
      this.needDrain = false;
      this.notifications.push(NOTE_DRAIN);
    }
  }

  /** RFC 5681 2 (DUPLICATE ACKNOWLEDGMENT) was checked by the caller; 3.2: fast retransmit on the third. */
  duplicateAck(): void {
    const tcb = this.tcb;
    const verdict = this.congestion.onDuplicateAck({
      flight: seqDiff(tcb.sndMax, tcb.sndUna),
      sndMax: tcb.sndMax,
      sndUna: tcb.sndUna,
    });
    if (verdict === 'fast-retransmit') {
      this.traceCwnd(
        'fast-retransmit',
        'RFC 5681 3.2: third duplicate ACK, fast retransmit, enter fast recovery',
      );
      this.retransmitHead();
    } else {
      this.traceCwnd('fast-recovery', 'RFC 5681 3.2 step 4: duplicate ACK in fast recovery inflates cwnd');
    }
  }

  /** Sends the segment at SND.UNA again (fast retransmit, RFC 5681 3.2; partial ACK, RFC 6582). */
  private retransmitHead(): void {
    const tcb = this.tcb;
    const outstanding = seqDiff(tcb.sndMax, tcb.sndUna);
    if (outstanding <= 0) return;
    this.rttSample = undefined; // Karn's rule (RFC 6298 3)
    const dataEnd = seqAdd(this.sendStart, this.sendBuffer.length);
    const avail = Math.max(0, seqDiff(dataEnd, tcb.sndUna));
    const len = Math.min(avail, this.payloadMss, outstanding);
    if (len > 0) {
      const fin = this.finQueued && len === avail && seqGt(tcb.sndMax, this.finSeq);
      this.emit(tcb.sndUna, len, ACK | PSH | (fin ? FIN : 0));
    } else if (this.finQueued && tcb.sndUna === this.finSeq) {
      this.emit(tcb.sndUna, 0, ACK | FIN);
    }
  }

  updateSendWindow(window: number, seq: number, ack: number): void {
    const tcb = this.tcb;
    tcb.sndWnd = window;
    tcb.sndWl1 = seq;
    tcb.sndWl2 = ack;
    if (window > 0) {
      this.stopPersistTimer();
      this.persistBackoff = 0;
      if (this.probeOctetOut) {
        // The window opened without taking the probe octet: send from SND.UNA again, at once.
        this.probeOctetOut = false;
        if (seqLt(ack, tcb.sndNxt) && ack === tcb.sndUna) tcb.sndNxt = tcb.sndUna;
      }
    }
  }

  /** Our FIN has been sent and SND.UNA is past it. */
  ourFinIsAcknowledged(): boolean {
    return this.finQueued && seqGt(this.tcb.sndUna, this.finSeq);
  }

  /**
   * Seventh step: queue the kept octets (in order: to the application; beyond a hole: to the
   * reassembly queue), note a FIN, advance RCV.NXT and acknowledge. Returns true when the FIN is reached.
   */
  receiveText(seg: TcpSegment, trimmed: Trimmed): boolean {
    const tcb = this.tcb;
    if (this.fullyClosed && trimmed.end > trimmed.start) {
      // RFC 1122 4.2.2.13: new data after a full CLOSE: send RST to show data was lost.
      this.abort('RFC 1122 4.2.2.13: data arrived after CLOSE, send RST');
      return false;
    }
    // The receiver's own copy (as a kernel copies into the socket buffer): the arriving payload is a
    // view into the sender's packet, which a duplicate copy still in flight and the trace's packet
    // list share, and applications may change what they are given (a WebSocket parser unmasks in
    // place). Copied once here, it covers both the in-order and the reassembled path.
    const data = seg.payload.slice(trimmed.start, trimmed.end);
    if (trimmed.fin) this.reassembly.setFin(seqAdd(trimmed.seq, data.length));
    if (trimmed.seq !== tcb.rcvNxt && data.length > 0) this.lastOutOfOrder = trimmed.seq;
    const inOrder = trimmed.seq === tcb.rcvNxt && this.reassembly.bytes === 0;
    const rcvNxtBefore = tcb.rcvNxt;
    if (inOrder) {
      // Fast path: exactly the next octets, nothing held out of order.
      if (data.length > 0) this.deliver(data);
      tcb.rcvNxt = seqAdd(tcb.rcvNxt, data.length);
      if (this.reassembly.hasFin) {
        const out = this.reassembly.take(tcb.rcvNxt);
        tcb.rcvNxt = out.rcvNxt;
        if (out.fin) this.peerFinReached = true;
      }
    } else {
      if (data.length > 0) this.reassembly.insert(trimmed.seq, data, tcb.rcvNxt);
      const out = this.reassembly.take(tcb.rcvNxt);
      for (const chunk of out.chunks) this.deliver(chunk);
      tcb.rcvNxt = out.rcvNxt;
      if (out.fin) this.peerFinReached = true;
    }
    if (this.peerFinReached) {
      this.notifications.push(NOTE_END);
      return true; // the eighth step sends the ACK (of data and FIN together)
    }
    // "Send an acknowledgment of the form <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>", piggybacked if
    // possible, delayed when allowed (RFC 9293 3.8.6.3; out of order or filling a hole: at once).
    this.acknowledgeText(seqDiff(tcb.rcvNxt, rcvNxtBefore), !inOrder);
    return false;
  }

  private deliver(chunk: Uint8Array): void {
    this.rcvChunks.push(chunk);
    this.rcvUnread += chunk.length;
    if (this.env.tracing.observed)
      this.env.trace({
        type: 'app.data',
        host: this.env.hostName,
        conn: this.id,
        length: chunk.length,
        offset: this.deliveredOffset,
      });
    this.deliveredOffset += chunk.length;
    this.notifications.push(NOTE_DATA);
  }

  private consumeReceived(n: number): void {
    this.rcvUnread -= n;
    // RFC 9293 3.8.6.2.2 (receiver SWS avoidance): announce a larger window only when it grew by
    // at least min(RCV.BUFF/2, Eff.snd.MSS), or when it was closed.
    const before = this.advertisedWindowNoUpdate();
    const possible = seqAdd(this.tcb.rcvNxt, this.rcvCapacity - this.rcvUnread);
    const growth = seqDiff(possible, this.rcvRightEdge);
    if (growth <= 0) return;
    if (before === 0 || growth >= Math.min(this.rcvCapacity / 2, this.tcb.rcvMss)) {
      if (this.processing) {
        // The ACK owed for this segment carries the window update; a window that was closed is
        // announced at once (RFC 9293 3.8.6.2.2), otherwise the delayed-ACK policy decides.
        if (before === 0) this.ackPending = true;
        return;
      }
      if (
        this.current !== 'CLOSED' &&
        this.current !== 'LISTEN' &&
        this.current !== 'SYN-SENT' &&
        !this.peerFinReached
      ) {
        this.sendAck('3.8.6.2.2 window update');
      }
    }
  }

  /** Called once IRS is known: the receive window opens at RCV.NXT with the whole buffer. */
  initReceiveWindow(): void {
    this.rcvInitialized = true;
    this.rcvRightEdge = seqAdd(this.tcb.rcvNxt, this.rcvCapacity);
    this.tcb.rcvWnd = Math.min(this.rcvCapacity, 65535);
  }

  /** RCV.WND as advertised: the right edge never moves left (RFC 9293 3.8.6.2.2 "SHOULD NOT shrink"). */
  advertisedWindow(): number {
    if (!this.rcvInitialized) return this.rcvCapacity;
    const possible = seqAdd(this.tcb.rcvNxt, Math.max(0, this.rcvCapacity - this.rcvUnread));
    const growth = seqDiff(possible, this.rcvRightEdge);
    const before = this.advertisedWindowNoUpdate();
    // Grow the edge only in SWS-avoiding steps (or from a closed window).
    if (growth > 0 && (before === 0 || growth >= Math.min(this.rcvCapacity / 2, this.tcb.rcvMss))) {
      this.rcvRightEdge = possible;
    }
    const wnd = Math.max(0, seqDiff(this.rcvRightEdge, this.tcb.rcvNxt));
    // What the window field can carry: 16 bits, scaled by Rcv.Wind.Shift (low bits rounded off).
    const shift = this.rcvShift;
    const scale = 1 << shift; // = 2 ** shift (see peerWindow)
    this.tcb.rcvWnd = Math.min(65535 * scale, wnd - (wnd % scale));
    return this.tcb.rcvWnd;
  }

  private advertisedWindowNoUpdate(): number {
    return Math.max(0, seqDiff(this.rcvRightEdge, this.tcb.rcvNxt));
  }

  // ------------------------------------------------------------------------------------------
  // Output

  /** <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
  sendAck(_cause?: string): void {
    // SEQ is the highest sequence number sent (the RFC's SND.NXT): after a go-back retransmission
    // our send pointer is behind it, and an older SEQ would fail the peer's SND.WL1 window test.
    this.emit(this.tcb.sndMax, 0, ACK, undefined, _cause);
  }

  /** RFC 5961 3.2 / 4.2 challenge ACK: the same segment as an ACK, sent for a suspicious RST or SYN. */
  sendChallengeAck(cause: string): void {
    this.sendAck(cause);
  }

  /** 3.10.7: "send a reset" derived from the offending segment. */
  sendResetFor(seg: TcpSegment, cause: string): void {
    const reply = resetFor(seg);
    if (!reply) return;
    this.transmitRaw(reply.seq, reply.ack, reply.flags, cause);
  }

  retransmitSynAck(): void {
    this.sendSynSegment(true);
  }

  private sendSynSegment(retransmission: boolean): void {
    const tcb = this.tcb;
    const flags = this.current === 'SYN-RCVD' ? SYN | ACK : SYN;
    const seg: TcpSegment = {
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq: tcb.iss,
      ack: flags & ACK ? tcb.rcvNxt : 0,
      flags,
      window: Math.min(65535, this.advertisedWindow()), // RFC 7323 2.2: a SYN's window is never scaled
      options: this.synOptions(flags === (SYN | ACK)),
      payload: EMPTY,
    };
    if (!retransmission && !this.rttSample)
      this.rttSample = { endSeq: seqAdd(tcb.iss, 1), sentAt: this.env.now() };
    this.env.transmit(this, seg, retransmission);
    if (!this.rtoTimer) this.startRetransmissionTimer();
  }

  private queueFin(): void {
    this.finQueued = true;
    this.finSeq = seqAdd(this.sendStart, this.sendBuffer.length);
    this.trySend();
  }

  /**
   * Sends whatever the usable window allows: data cut at the send MSS (RFC 9293 3.7.1), then our FIN
   * after the last octet. Returns true if anything was sent (so an ACK was piggybacked).
   */
  trySend(): boolean {
    const tcb = this.tcb;
    if (tcb.sndUna === tcb.iss) return false; // SYN not yet acknowledged: data waits (3.10.2)
    const s = this.current;
    if (
      s !== 'ESTABLISHED' &&
      s !== 'CLOSE-WAIT' &&
      s !== 'FIN-WAIT-1' &&
      s !== 'CLOSING' &&
      s !== 'LAST-ACK'
    ) {
      return false;
    }
    let sent = false;
    for (;;) {
      const dataEnd = seqAdd(this.sendStart, this.sendBuffer.length);
      const unsent = Math.max(0, seqDiff(dataEnd, tcb.sndNxt));
      const flight = seqDiff(tcb.sndNxt, tcb.sndUna);
      const usable = Math.min(this.peerWindowRoom(), this.congestion.cwnd - flight);
      if (unsent > 0) {
        if (usable <= 0) {
          // RFC 9293 3.8.6.1: data waits on a closed window: probe it so a lost window update cannot deadlock.
          if (flight === 0) this.startPersistTimer();
          break;
        }
        const len = Math.min(unsent, this.payloadMss, usable);
        const fin = this.finQueued && len === unsent;
        // RFC 1122 4.2.3.4: a small segment waits while data is unacknowledged (Nagle). Data held
        // behind a retransmission (SND.NXT < SND.MAX) is not new and goes as the window allows.
        const fresh = !seqLt(tcb.sndNxt, tcb.sndMax);
        if (fresh && !nagleAllows({ enabled: this.nagle, len, mss: this.payloadMss, flight, fin })) break;
        this.emit(tcb.sndNxt, len, ACK | PSH | (fin ? FIN : 0));
        sent = true;
        continue;
      }
      if (this.finQueued && tcb.sndNxt === this.finSeq) {
        this.emit(tcb.sndNxt, 0, ACK | FIN);
        sent = true;
      }
      break;
    }
    return sent;
  }

  /**
   * Octets the peer's window still admits after SND.NXT. SEG.WND is an offset from the SEG.ACK that
   * carried it (RFC 9293 3.8.6), so the right edge is SND.WL2 + SND.WND: after an ACK that advanced
   * SND.UNA without passing the WL1/WL2 update test, SND.UNA + SND.WND would overshoot the window.
   */
  private peerWindowRoom(): number {
    const tcb = this.tcb;
    return seqDiff(seqAdd(tcb.sndWl2, tcb.sndWnd), tcb.sndNxt);
  }

  /** Forms and transmits a segment from the send queue at `seq`, advancing SND.NXT past it. */
  private emit(seq: number, len: number, flags: number, payload?: Uint8Array, _cause?: string): void {
    const tcb = this.tcb;
    const data = len > 0 ? (payload ?? this.sendBuffer.copy(seqDiff(seq, this.sendStart), len)) : EMPTY;
    const seg: TcpSegment = {
      srcPort: this.localPort,
      dstPort: this.remotePort,
      seq,
      ack: flags & ACK ? tcb.rcvNxt : 0,
      flags,
      window: this.advertisedWindow() / (1 << this.rcvShift),
      options: this.segmentOptions(len),
      payload: data,
    };
    if (flags & ACK) {
      this.ackPending = false;
      this.delayedAckOwed = false;
      this.unackedOctets = 0;
      if (this.delackTimer) this.stopTimer('delackTimer');
    }
    const consumes = len + (flags & FIN ? 1 : 0);
    const retransmission = consumes > 0 && seqLt(seq, tcb.sndMax);
    if (consumes > 0) {
      const end = seqAdd(seq, consumes);
      if (seqGt(end, tcb.sndNxt)) tcb.sndNxt = end;
      if (seqGt(end, tcb.sndMax)) tcb.sndMax = end;
      if (!retransmission && !this.rttSample) this.rttSample = { endSeq: end, sentAt: this.env.now() };
      if (!this.rtoTimer) this.startRetransmissionTimer();
      if (!this.userTimer) this.armUserTimeout();
    }
    this.env.transmit(this, seg, retransmission);
  }

  /** A segment that is not part of this connection's sequence flow (a reset reply). */
  private transmitRaw(seq: number, ack: number, flags: number, _cause: string): void {
    this.env.transmit(
      this,
      {
        srcPort: this.localPort,
        dstPort: this.remotePort,
        seq,
        ack,
        flags,
        window: 0,
        options: NO_OPTIONS,
        payload: EMPTY,
      },
      false,
    );
  }

  /** A view of a segment for the trace, with sequence numbers relative to ISS/IRS as well. */
  segmentView(seg: TcpSegment): SegmentView {
    const view: {
      -readonly [K in keyof SegmentView]: SegmentView[K];
    } = basicSegmentView(seg);
    if (!(seg.flags & RST) || seg.seq !== 0) view.relSeq = seqDiff(seg.seq, this.tcb.iss) >>> 0;
    if (seg.flags & ACK && (this.current !== 'SYN-SENT' || seg.flags & SYN)) {
      view.relAck = seqDiff(seg.ack, this.tcb.irs) >>> 0;
    }
    return view;
  }

  // ------------------------------------------------------------------------------------------
  // Timers

  private startRetransmissionTimer(): void {
    const name: TimerName = this.tcb.sndUna === this.tcb.iss ? 'SYN' : 'RTO';
    this.rtoTimer = this.arm(name, currentRto(this.rtt, this.env.profile), this.onRetransmissionTimer);
  }

  private stopRetransmissionTimer(cause?: TimerStopCause): void {
    if (this.rtoTimer) this.disarm(this.rtoTimer, cause);
    this.rtoTimer = undefined;
  }

  private startPersistTimer(): void {
    if (this.persistTimer || this.rtoTimer) return;
    const delay = Math.min(
      this.env.profile.rtoMax,
      currentRto(this.rtt, this.env.profile) * 2 ** this.persistBackoff,
    );
    this.persistTimer = this.arm('PERSIST', delay, () => {
      this.persistTimer = undefined;
      this.persistBackoff++;
      if (this.probesUnanswered >= this.env.profile.probeRetries) {
        this.dispatch({
          type: 'TIMEOUT.USER',
          cause: `3.8.6.1: ${this.probesUnanswered} zero-window probes unanswered`,
        });
        this.flush();
        return;
      }
      this.probesUnanswered++;
      const tcb = this.tcb;
      const dataEnd = seqAdd(this.sendStart, this.sendBuffer.length);
      const unsent = Math.max(0, seqDiff(dataEnd, tcb.sndNxt));
      if (this.env.profile.zeroWindowProbe === 'one-octet' && unsent > 0) {
        // RFC 9293 3.8.6.1: "the transmitting host SHOULD send the first octet of new data"; it is
        // then retransmitted by the retransmission timer (with backoff) until the window opens.
        const fin = this.finQueued && unsent === 1;
        this.probeOctetOut = true;
        this.emit(tcb.sndNxt, 1, ACK | PSH | (fin ? FIN : 0));
      } else {
        // As Linux does, the probe is an ACK with SEG.SEQ = SND.UNA - 1: unacceptable to the
        // receiver, which must answer with its current window.
        this.emit(seqAdd(tcb.sndUna, -1), 0, ACK);
        this.startPersistTimer();
      }
      this.flush();
    });
  }

  private stopPersistTimer(cause?: TimerStopCause): void {
    if (this.persistTimer) this.disarm(this.persistTimer, cause);
    this.persistTimer = undefined;
  }

  /** RFC 6298 5.4-5.6 and RFC 9293 3.8.1: the retransmission timer expired. */
  private retransmissionTimeout(): void {
    this.rtoTimer = undefined;
    const tcb = this.tcb;
    const synPhase = tcb.sndUna === tcb.iss;
    const limit = synPhase ? this.env.profile.synRetries : this.env.profile.dataRetries;
    // RFC 5482 / Linux: with a user timeout set, it alone decides when data retransmission gives up.
    const userTimeoutRules = !synPhase && this.env.profile.userTimeout > 0;
    if (!userTimeoutRules && this.retries >= limit) {
      this.dispatch({
        type: 'TIMEOUT.USER',
        cause: `3.10.8 user timeout: ${limit} retransmissions unanswered`,
      });
      this.flush();
      return;
    }
    this.retries++;
    this.rtt = backOff(this.rtt); // 5.5
    this.rttSample = undefined; // Karn's rule (RFC 6298 3)
    this.congestion.onRetransmissionTimeout({
      flight: seqDiff(tcb.sndMax, tcb.sndUna),
      sndMax: tcb.sndMax,
      sndUna: tcb.sndUna,
    });
    if (!synPhase)
      this.traceCwnd('timeout', 'RFC 5681 3.1: retransmission timeout, cwnd = 1 SMSS (loss window)');
    if (synPhase) {
      this.synRetransmitted = true;
      this.sendSynSegment(true); // the SYN keeps its original sequence number, ISS
    } else {
      // 5.4: retransmit the earliest segment not acknowledged (go back to SND.UNA).
      tcb.sndNxt = tcb.sndUna;
      const dataEnd = seqAdd(this.sendStart, this.sendBuffer.length);
      const unsent = Math.max(0, seqDiff(dataEnd, tcb.sndNxt));
      // Never beyond what was sent before or what the peer's window allows now.
      const allowed = Math.max(
        seqDiff(tcb.sndMax, tcb.sndUna),
        Math.min(this.peerWindowRoom(), this.congestion.cwnd),
      );
      const len = Math.min(unsent, this.payloadMss, allowed);
      if (len > 0) {
        const fin = this.finQueued && len === unsent;
        this.emit(tcb.sndNxt, len, ACK | PSH | (fin ? FIN : 0));
      } else if (unsent > 0) {
        this.startPersistTimer();
      } else if (this.finQueued) {
        this.emit(tcb.sndNxt, 0, ACK | FIN); // the FIN keeps its original sequence number
      }
    }
    if (!this.rtoTimer) this.startRetransmissionTimer(); // 5.6
    this.flush();
  }

  /** RFC 9293 3.8.3 / RFC 5482: data unacknowledged for profile.userTimeout aborts the connection. */
  private armUserTimeout(): void {
    const timeout = this.env.profile.userTimeout;
    if (timeout <= 0 || this.userTimer || this.tcb.sndUna === this.tcb.iss) return;
    this.userTimer = this.arm('USER', timeout, () => {
      this.userTimer = undefined;
      this.dispatch({
        type: 'TIMEOUT.USER',
        cause: `3.8.3 user timeout: data unacknowledged for ${timeout} ms`,
      });
      this.flush();
    });
  }

  /** FIN-WAIT-2 after a full close (the application can no longer read): Linux's tcp_fin_timeout. */
  private armFinWait2Timeout(): void {
    const timeout = this.env.profile.finWait2Timeout;
    if (timeout <= 0 || this.finWait2Timer || !this.fullyClosed || this.current !== 'FIN-WAIT-2') return;
    this.finWait2Timer = this.arm('FIN-WAIT-2', timeout, () => {
      this.finWait2Timer = undefined;
      this.dispatch({ type: 'TIMEOUT.USER', cause: `FIN-WAIT-2 timeout (${timeout} ms) after a full close` });
      this.flush();
    });
  }

  /**
   * Keep-alive, RFC 1122 4.2.3.6 / RFC 9293 3.8.4: after `idle` ms without hearing from the peer, and
   * with nothing outstanding, send <SEQ=SND.NXT-1><ACK=RCV.NXT><CTL=ACK>, which the peer must answer;
   * after keepAliveProbes unanswered probes the connection is reset (as Linux) and fails with ETIMEDOUT.
   */
  private armKeepAlive(delay: number): void {
    if (!this.keepAliveOn || this.keepAliveTimer || this.released) return;
    this.keepAliveTimer = this.arm('KEEPALIVE', delay, () => {
      this.keepAliveTimer = undefined;
      this.keepAliveFired();
      this.flush();
    });
  }

  private keepAliveFired(): void {
    const s = this.current;
    if (!this.keepAliveOn || this.released) return;
    if (s !== 'ESTABLISHED' && s !== 'CLOSE-WAIT') {
      if (s === 'SYN-SENT' || s === 'SYN-RCVD') this.armKeepAlive(this.keepAliveIdle);
      return;
    }
    const p = this.env.profile;
    const silent = this.env.now() - this.lastHeard;
    const tcb = this.tcb;
    if (this.keepAliveProbesOut === 0 && silent < this.keepAliveIdle) {
      this.armKeepAlive(this.keepAliveIdle - silent);
      return;
    }
    if (tcb.sndMax !== tcb.sndUna || this.sendBuffer.length > 0) {
      this.armKeepAlive(this.keepAliveIdle); // data outstanding: the retransmission timer watches the peer
      return;
    }
    if (this.keepAliveProbesOut >= p.keepAliveProbes) {
      this.transmitRaw(tcb.sndMax, tcb.rcvNxt, p.abortRstWithAck ? RST | ACK : RST, 'keep-alive timeout');
      this.dispatch({
        type: 'TIMEOUT.USER',
        cause: `RFC 1122 4.2.3.6: ${this.keepAliveProbesOut} keep-alive probes unanswered`,
      });
      return;
    }
    this.keepAliveProbesOut++;
    this.emit(seqAdd(tcb.sndMax, -1), 0, ACK);
    this.armKeepAlive(p.keepAliveInterval);
  }

  /** 3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST> (RFC), or with ACK = RCV.NXT as Linux sends it. */
  private sendAbortReset(): void {
    const tcb = this.tcb;
    if (this.env.profile.abortRstWithAck) this.transmitRaw(tcb.sndNxt, tcb.rcvNxt, RST | ACK, '3.10.5 ABORT');
    else this.transmitRaw(tcb.sndNxt, 0, RST, '3.10.5 ABORT');
  }

  private stopTimer(
    which: 'delackTimer' | 'keepAliveTimer' | 'userTimer' | 'finWait2Timer',
    cause?: TimerStopCause,
  ): void {
    // A switch, not this[which]: keyed access by a varying name is slow on the per-segment path.
    switch (which) {
      case 'delackTimer':
        if (this.delackTimer) this.disarm(this.delackTimer, cause);
        this.delackTimer = undefined;
        break;
      case 'keepAliveTimer':
        if (this.keepAliveTimer) this.disarm(this.keepAliveTimer, cause);
        this.keepAliveTimer = undefined;
        break;
      case 'userTimer':
        if (this.userTimer) this.disarm(this.userTimer, cause);
        this.userTimer = undefined;
        break;
      case 'finWait2Timer':
        if (this.finWait2Timer) this.disarm(this.finWait2Timer, cause);
        this.finWait2Timer = undefined;
        break;
    }
  }

  private stopAllTimers(cause: TimerStopCause): void {
    this.stopRetransmissionTimer(cause);
    this.stopPersistTimer(cause);
    this.stopTimer('delackTimer', cause);
    this.stopTimer('keepAliveTimer', cause);
    this.stopTimer('userTimer', cause);
    this.stopTimer('finWait2Timer', cause);
  }

  private arm(name: TimerName, delay: number, fire: () => void): ArmedTimer {
    const id = this.env.nextTimerId();
    const deadline = this.env.now() + delay;
    // Whether anyone reads the trace does not change while a run lasts; without readers the
    // scheduler gets the handler itself (no wrapper per timer on the hot path).
    const timer: ArmedTimer = {
      id,
      name,
      deadline,
      handle: this.env.setTimer(
        delay,
        this.env.tracing.observed
          ? () => {
              this.traceTimer('timer.fired', timer);
              fire();
            }
          : fire,
      ),
    };
    this.traceTimer('timer.set', timer);
    return timer;
  }

  /** `cause`: why, when the timer did not simply become unneeded (the trace's stopCause). */
  private disarm(timer: ArmedTimer, cause?: TimerStopCause): void {
    this.env.clearTimer(timer.handle);
    this.traceTimer('timer.cancelled', timer, cause);
  }

  private traceTimer(
    type: 'timer.set' | 'timer.fired' | 'timer.cancelled',
    info: TimerHandle,
    stopCause?: TimerStopCause,
  ): void {
    if (!this.env.tracing.observed) return;
    const host = this.env.hostName;
    const { name: timer, id: timerId, deadline } = info;
    if (type !== 'timer.cancelled') {
      this.env.trace({ type, host, conn: this.id, timer, timerId, deadline });
      return;
    }
    this.env.trace({
      type,
      host,
      conn: this.id,
      timer,
      timerId,
      deadline,
      ...(stopCause === undefined ? {} : { stopCause }),
    });
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle and notifications

  private established(): void {
    this.notifications.push(NOTE_CONNECT);
    this.lastHeard = this.env.now();
    this.armKeepAlive(this.keepAliveIdle);
    if (this.endRequested && !this.finQueued) {
      // A CLOSE deferred from SYN-SENT (see user-calls.ts closeDecision).
      this.deferred.push(() =>
        this.dispatch({ type: 'CLOSE', cause: '3.10.4 CLOSE queued before ESTABLISHED' }),
      );
    }
    this.trySend();
  }

  private fail(error: TcpError): void {
    this.hadError = true;
    if (this.env.tracing.observed)
      this.env.trace({
        type: 'error',
        host: this.env.hostName,
        conn: this.id,
        code: error.code,
        message: error.message,
      });
    this.notifications.push({ kind: 'error', error });
    if (error.code !== 'EPIPE') this.notifyClose();
  }

  private notifyClose(): void {
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.notifications.push(NOTE_CLOSE);
  }

  private deleteTcb(): void {
    if (!this.started || this.released) return;
    this.released = true;
    this.stopAllTimers('closed');
    this.notifyClose();
  }

  private maybeNotifyEnd(): void {
    if (this.peerFinReached && !this.endNotified && this.rcvUnread === 0) this.notifications.push(NOTE_END);
  }

  /** Delivers queued notifications to the observer, in order, outside of segment processing. */
  flush(): void {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.notifications.length > 0) {
        const note = this.notifications.shift()!;
        const observer = this.observer;
        switch (note.kind) {
          case 'connect':
            if (this.env.tracing.observed)
              this.env.trace({ type: 'app.event', host: this.env.hostName, conn: this.id, event: 'connect' });
            observer?.onConnect();
            break;
          case 'data':
            while (this.flowing && this.rcvChunks.length > 0) {
              const chunk = this.rcvChunks.shift()!;
              this.consumeReceived(chunk.length);
              observer?.onData(chunk);
            }
            this.maybeNotifyEnd();
            break;
          case 'end':
            if (!this.endNotified && this.rcvUnread === 0) {
              this.endNotified = true;
              if (this.env.tracing.observed)
                this.env.trace({ type: 'app.event', host: this.env.hostName, conn: this.id, event: 'end' });
              observer?.onEnd();
              if (this.released || this.current === 'TIME-WAIT') this.notifyClose();
            }
            break;
          case 'error':
            observer?.onError(note.error);
            break;
          case 'close':
            if (this.peerFinReached && !this.endNotified && !this.hadError && this.rcvUnread > 0) {
              // Wait for the application to read the rest; 'close' follows 'end' (as in Node).
              this.closeNotified = false;
              break;
            }
            if (this.env.tracing.observed)
              this.env.trace({ type: 'app.event', host: this.env.hostName, conn: this.id, event: 'close' });
            observer?.onClose(this.hadError);
            break;
          case 'drain':
            if (this.env.tracing.observed)
              this.env.trace({ type: 'app.event', host: this.env.hostName, conn: this.id, event: 'drain' });
            observer?.onDrain();
            break;
        }
      }
    } finally {
      this.flushing = false;
    }
    if (this.closeNotified && !this.queuesReleased && this.notifications.length === 0) this.releaseQueues();
  }

  /**
   * Once the application has been told 'close', the queues are emptied for good (almost: a peer
   * may still send a FIN or a RST into TIME-WAIT) and their backing stores are let go: a V8 array
   * keeps its grown backing store after shift() has emptied it. A closed connection lives on in
   * TIME-WAIT and in `Simulation.connections`; with thousands of them, those stores are heap the
   * garbage collector copies and marks for nothing.
   */
  private releaseQueues(): void {
    this.queuesReleased = true;
    // A fresh empty array costs less than `length = 0` (a call into the runtime).
    if (this.deferred.length === 0) this.deferred = [];
    this.notifications = [];
    if (this.rcvChunks.length === 0) this.rcvChunks = [];
    this.sendBuffer.releaseIfEmpty();
  }
}

/** The trace's view of the options: only those present (RFC 9293 3.2, RFC 7323, RFC 2018). */
/** A segment as the trace shows it, without the relative numbers only a TCB can give. */
export function basicSegmentView(seg: TcpSegment): SegmentView {
  return {
    srcPort: seg.srcPort,
    dstPort: seg.dstPort,
    seq: seg.seq,
    ack: seg.ack,
    flags: flagNames(seg.flags),
    window: seg.window,
    len: seg.payload.length,
    options: optionsView(seg.options),
  };
}

export function optionsView(o: TcpOptions): SegmentView['options'] {
  if (o === NO_OPTIONS) return {};
  const v: {
    mss?: number;
    windowScale?: number;
    sackPermitted?: boolean;
    timestamp?: { value: number; echo: number };
    sack?: Array<{ left: number; right: number }>;
  } = {};
  if (o.mss !== undefined) v.mss = o.mss;
  if (o.windowScale !== undefined) v.windowScale = o.windowScale;
  if (o.sackPermitted) v.sackPermitted = true;
  if (o.timestamp) v.timestamp = { value: o.timestamp.value, echo: o.timestamp.echo };
  if (o.sack) v.sack = o.sack.map((b) => ({ left: b.left, right: b.right }));
  return v;
}

// Notifications without a payload are shared constants (one per kind), not allocated per event.
const NOTE_CONNECT: Notification = Object.freeze({ kind: 'connect' });
const NOTE_DATA: Notification = Object.freeze({ kind: 'data' });
const NOTE_END: Notification = Object.freeze({ kind: 'end' });
const NOTE_CLOSE: Notification = Object.freeze({ kind: 'close' });
const NOTE_DRAIN: Notification = Object.freeze({ kind: 'drain' });

const EMPTY = new Uint8Array(0);
const NO_OPTIONS = Object.freeze({});
