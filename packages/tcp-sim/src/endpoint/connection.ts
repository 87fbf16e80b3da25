/**
 * One TCP endpoint: the wiring between the state machine (tcpMachine, stepped by machine-runner.ts),
 * the RFC 9293 3.10.7 step functions (segment-arrives.ts), the sender (sender.ts), the receiver
 * (receiver.ts), the timers (timer-set.ts), keep-alive and the notifications to the application.
 *
 * Theory of operation: inputs are user calls (`open*`, `send`, `close`, `abort`, `receive`), arriving
 * segments (`segmentArrives`) and timer expiries. An arriving segment goes through the step functions
 * in the RFC's order; each returns its decisions and `carryOut` is the one place that acts on them,
 * before the next step runs. Bytes never go through the machine; it gets only state-relevant events.
 * Machine actions are deferred until the state change is traced, so the trace reads "state changed,
 * then what it caused". Notifications are queued and flushed after each input, so application
 * callbacks never run in the middle of segment processing.
 */
import type { AppCall, SegmentView } from '../trace/events.js';
import { parseIpv4Address } from '../wire/ipv4.js';
import { seqAdd, seqDiff } from '../wire/seq.js';
import type { TcpSegment } from '../wire/tcp-segment.js';
import { SegmentArrival } from './arrival.js';
import {
  type ConnectionObserver,
  type ConnectionOptions,
  type EndpointEnvironment,
  TcpError,
} from './environment.js';
import { KeepAlive } from './keep-alive.js';
import type { TcpEffects, TcpMachineEvent } from './machine.js';
import { MachineRunner } from './machine-runner.js';
import { type AppEvent, Notifications } from './notifications.js';
import { SegmentOutput } from './output.js';
import { Reader } from './reader.js';
import { Receiver } from './receiver.js';
import { currentRto } from './rtt.js';
import type { StepContext } from './segment-arrives.js';
import { Sender } from './sender.js';
import type { TcpState } from './states.js';
import { createTcb, type Tcb, type TcbSnapshot } from './tcb.js';
import { NegotiatedOptions } from './tcp-options.js';
import { DELACK, FIN_WAIT_2, RETRANSMIT, TimerSet } from './timer-set.js';
import { delayedAckTimeout, type TimerName, type TimerProfile } from './timers.js';
import { abortSendsReset, closeDecision, sendDecision, userCallError } from './user-calls.js';

export type {
  ConnectionObserver,
  ConnectionOptions,
  EndpointEnvironment,
  TimerHandle,
} from './environment.js';
export { TcpError } from './environment.js';

export class Connection implements StepContext {
  readonly id: string;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The remote address as a 32-bit number (IPv4 header order). */
  readonly remoteAddressNumber: number;
  readonly tcb: Tcb = createTcb();
  observer: ConnectionObserver | undefined;
  readonly timers: TimerSet;

  private readonly sender: Sender;
  private readonly receiver: Receiver;
  private readonly options: NegotiatedOptions;
  private readonly keepAlive: KeepAlive;
  private readonly notes: Notifications;
  private readonly reader: Reader;
  private readonly output: SegmentOutput;
  private readonly arrival: SegmentArrival;
  private readonly machine: MachineRunner;
  private current: TcpState = 'CLOSED';
  private started = false;
  /** The TCB was deleted (CLOSED): nothing more is sent or received. */
  private deleted = false;
  private endRequested = false;
  fullyClosed = false;
  private dispatchFrom: TcpState = 'CLOSED';
  /** Machine actions (by name) and other work to run once the state change is traced. */
  private deferred: Array<keyof TcpEffects | (() => void)> = [];
  /** The queues' backing stores were let go after 'close' (releaseQueues). */
  private queuesReleased = false;

  constructor(
    readonly env: EndpointEnvironment,
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
    this.timers = new TimerSet(env, this.id);
    this.receiver = new Receiver(this.tcb, env.profile, options.receiveBuffer);
    this.options = new NegotiatedOptions(env.profile, this.receiver.capacity);
    this.sender = new Sender(this, options.sendHighWaterMark);
    this.keepAlive = new KeepAlive(this);
    this.notes = new Notifications(this);
    this.reader = new Reader(this, this.receiver, this.notes);
    this.output = new SegmentOutput(
      this,
      env,
      this.tcb,
      this.timers,
      this.sender,
      this.receiver,
      this.options,
    );
    this.arrival = new SegmentArrival(
      this,
      this.tcb,
      this.sender,
      this.receiver,
      this.options,
      this.keepAlive,
      this.output,
    );
    this.timers.on(DELACK, () => {
      if (this.receiver.ackOwed && !this.deleted) this.sendAck('3.8.6.3 delayed ACK timer');
      this.flush();
    });
    this.timers.on(FIN_WAIT_2, () =>
      this.timeout(`FIN-WAIT-2 timeout (${env.profile.finWait2Timeout} ms) after a full close`),
    );
    // The machine's actions run after the traced state change (syncState): queue their names.
    // (Handlers made per connection are plain arrows in argument or assignment position: under tsx,
    // a named function expression costs a defineProperty and a 256-byte property table each, kept
    // for the connection's whole life.)
    this.machine = new MachineRunner(
      (name) => {
        this.deferred.push(name);
      },
      2 * env.profile.msl,
      () =>
        this.timers.timeWaitClock({
          expired: (fire) => {
            this.dispatchFrom = this.current;
            fire();
            this.syncState('3.10.8 timeout: time-wait timer (2MSL) expired');
            this.flush();
          },
          afterStateChange: (work) => {
            this.deferred.push(work);
          },
          // XState cancels 2MSL while the machine's state is already the new one: CLOSED means the
          // connection ended (RST, ABORT); TIME-WAIT again means a retransmitted FIN restarted it.
          stopCause: () => (this.machine.state === 'CLOSED' ? 'closed' : 'restarted'),
        }),
    );
    this.started = true;
  }

  // ------------------------------------------------------------------------------------------
  // Views (the StepContext the step functions read, and the socket's getters)

  /** The RFC state name. */
  get state(): TcpState {
    return this.current;
  }

  get passive(): boolean {
    return this.machine.passive;
  }

  /** The TCB was deleted (CLOSED). */
  get released(): boolean {
    return this.deleted;
  }

  get profile(): TimerProfile {
    return this.env.profile;
  }

  get rcvWnd(): number {
    return this.advertisedWindow();
  }

  get finSeq(): number | undefined {
    return this.sender.finQueued ? this.sender.finSeq : undefined;
  }

  /** SEG.WND as the octets it stands for: scaled except on SYNs (RFC 7323 2.2). */
  peerWindow(seg: TcpSegment): number {
    return this.options.peerWindow(seg);
  }

  /** Payload octets per segment: the send MSS less the timestamp option (RFC 7323 / RFC 6691). */
  get payloadMss(): number {
    return this.tcb.sndMss - this.options.overhead;
  }

  get timersArmed(): TimerName[] {
    const names = this.timers.names();
    if (this.current === 'TIME-WAIT') names.push('2MSL');
    return names;
  }

  snapshot(): TcbSnapshot {
    const s = this.sender;
    return {
      ...this.tcb,
      srtt: s.rtt.srtt,
      rttvar: s.rtt.rttvar,
      rto: currentRto(s.rtt, this.env.profile),
      cwnd: s.congestion.cwnd,
      ssthresh: s.congestion.ssthresh ?? Number.POSITIVE_INFINITY,
      flight: seqDiff(this.tcb.sndMax, this.tcb.sndUna),
    };
  }

  /** Octets buffered for the application but not yet read. */
  get readableLength(): number {
    return this.receiver.unread;
  }

  /** Octets written but not yet acknowledged. */
  get writableLength(): number {
    return this.sender.length;
  }

  /** Whether the machine accepts this event in the current state. */
  can(event: TcpMachineEvent): boolean {
    return this.machine.can(event);
  }

  /** TCP_NODELAY: true turns Nagle's algorithm off. */
  setNoDelay(noDelay: boolean): void {
    this.sender.nagle = !noDelay;
    if (noDelay) this.sender.trySend();
    this.flush();
  }

  /** SO_KEEPALIVE (RFC 1122 4.2.3.6), with an optional idle time before the first probe. */
  setKeepAlive(enable: boolean, idle?: number): void {
    if (idle !== undefined && !(Number.isFinite(idle) && idle > 0))
      throw new RangeError('keep-alive idle time must be > 0 ms');
    this.keepAlive.set(enable, idle);
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
    if (this.deleted && this.queuesReleased) this.deferred = [];
    if (to !== from) {
      if (to === 'FIN-WAIT-2') this.armFinWait2Timeout();
      else this.timers.stop(FIN_WAIT_2);
      this.env.stateChanged(this, from, to);
    }
  }

  /** The machine's actions (RFC 9293 names, see machine.ts), implemented by this connection. */
  private runEffect(name: keyof TcpEffects): void {
    switch (name) {
      case 'sendSyn':
      case 'sendSynAck':
        this.sendSyn(false);
        break;
      case 'queueFin':
        this.sender.queueFin();
        break;
      case 'sendReset':
        this.output.abortReset('3.10.5 ABORT');
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
        this.timers.stopAll('time-wait');
        this.notes.close();
        break;
      case 'deleteTcb':
        this.deleteTcb();
        break;
    }
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
    this.sender.push(data);
    if (decision === 'segmentize') this.sender.trySend();
    this.flush();
    const below = this.sender.belowHighWaterMark();
    if (!below) this.sender.wantDrain();
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
    if (this.receiver.unread > 0 && this.current !== 'CLOSED') {
      this.abort('RFC 1122 4.2.2.13: CLOSE with unread data sends RST');
      return;
    }
    this.close();
  }

  /** 3.10.5 ABORT. */
  abort(cause = '3.10.5 ABORT'): void {
    if (this.current === 'CLOSED') {
      this.notes.close();
      this.flush();
      return;
    }
    if (!abortSendsReset(this.current)) this.timers.stop(RETRANSMIT, 'closed');
    this.dispatch({ type: 'ABORT', cause });
    this.notes.close();
    this.flush();
  }

  /** 3.10.3 RECEIVE, pull style: up to `max` octets from the receive buffer, or undefined if empty. */
  receive(max = Number.POSITIVE_INFINITY): Uint8Array | undefined {
    const out = this.reader.receive(max);
    this.flush();
    return out;
  }

  pause(): void {
    this.reader.flowing = false;
  }

  resume(): void {
    this.reader.flowing = true;
    this.notes.data();
    this.flush();
  }

  // ------------------------------------------------------------------------------------------
  // Segment arrival, RFC 9293 3.10.7: the steps decide, carryOut acts

  segmentArrives(seg: TcpSegment): void {
    this.arrival.arrives(seg);
  }

  /** Makes the ISS (RFC 9293 3.4.1): SND.UNA = ISS, SND.NXT = ISS + 1. */
  selectIss(): void {
    const iss = this.env.chooseIss(this) >>> 0;
    const tcb = this.tcb;
    tcb.iss = iss;
    tcb.sndUna = iss;
    tcb.sndNxt = seqAdd(iss, 1);
    tcb.sndMax = tcb.sndNxt;
    this.sender.startAt(iss);
  }

  endOfStream(): void {
    this.notes.end();
  }

  deliver(chunk: Uint8Array): void {
    this.reader.deliver(chunk);
  }

  armDelayedAck(): void {
    if (this.timers.isArmed(DELACK)) return;
    this.timers.arm(DELACK, 'DELACK', delayedAckTimeout(this.env.profile, this.sender.rtt.srtt));
  }

  /** RCV.WND as advertised (the right edge never moves left). */
  advertisedWindow(): number {
    return this.output.advertisedWindow();
  }

  /** <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
  sendAck(cause?: string): void {
    this.output.ack(cause);
  }

  sendSyn(retransmission: boolean): void {
    this.output.syn(this.current, retransmission);
  }

  emit(seq: number, len: number, flags: number, payload: Uint8Array | undefined, cause?: string): void {
    this.output.emit(seq, len, flags, payload, cause);
  }

  transmitRaw(seq: number, ack: number, flags: number, cause: string): void {
    this.output.raw(seq, ack, flags, cause);
  }

  /** A view of a segment for the trace, with sequence numbers relative to ISS/IRS as well. */
  segmentView(seg: TcpSegment): SegmentView {
    return this.output.view(seg, this.current);
  }

  // ------------------------------------------------------------------------------------------
  // Ports: what the sender, keep-alive and notifications ask of the connection

  /** TIMEOUT.USER with its cause (a timer gave up). */
  timeout(cause: string): void {
    this.dispatch({ type: 'TIMEOUT.USER', cause });
    this.flush();
  }

  drained(): void {
    this.notes.drain();
  }

  get unacknowledged(): number {
    return this.sender.length;
  }

  get unread(): number {
    return this.receiver.unread;
  }

  get finReached(): boolean {
    return this.receiver.finReached;
  }

  get over(): boolean {
    return this.deleted || this.current === 'TIME-WAIT';
  }

  pumpData(): void {
    this.reader.pump();
  }

  get processing(): boolean {
    return this.arrival.processing;
  }

  traceEvent(event: AppEvent): void {
    if (this.env.tracing.observed)
      this.env.trace({ type: 'app.event', host: this.env.hostName, conn: this.id, event });
  }

  // ------------------------------------------------------------------------------------------
  // Lifecycle

  /** FIN-WAIT-2 after a full close (the application can no longer read): Linux's tcp_fin_timeout. */
  private armFinWait2Timeout(): void {
    const timeout = this.env.profile.finWait2Timeout;
    if (timeout <= 0 || this.timers.isArmed(FIN_WAIT_2) || !this.fullyClosed || this.current !== 'FIN-WAIT-2')
      return;
    this.timers.arm(FIN_WAIT_2, 'FIN-WAIT-2', timeout);
  }

  private established(): void {
    this.notes.connect();
    this.keepAlive.start();
    if (this.endRequested && !this.sender.finQueued) {
      // A CLOSE deferred from SYN-SENT (see user-calls.ts closeDecision).
      this.deferred.push(() =>
        this.dispatch({ type: 'CLOSE', cause: '3.10.4 CLOSE queued before ESTABLISHED' }),
      );
    }
    this.sender.trySend();
  }

  private fail(error: TcpError): void {
    if (this.env.tracing.observed)
      this.env.trace({
        type: 'error',
        host: this.env.hostName,
        conn: this.id,
        code: error.code,
        message: error.message,
      });
    this.notes.error(error);
    if (error.code !== 'EPIPE') this.notes.close();
  }

  private deleteTcb(): void {
    if (!this.started || this.deleted) return;
    this.deleted = true;
    this.timers.stopAll('closed');
    this.notes.close();
  }

  /** Delivers queued notifications to the observer, in order, outside of segment processing. */
  flush(): void {
    if (!this.notes.flush()) return;
    if (this.notes.closeNotified && !this.queuesReleased && this.notes.pending === 0) this.releaseQueues();
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
    this.notes.release();
    this.receiver.release();
    this.sender.release();
  }
}

export { basicSegmentView, optionsView } from './output.js';
