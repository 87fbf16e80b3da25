/**
 * The sending half of a connection: the send queue (RFC 9293 3.10.2), segmentizing under the peer's
 * window and cwnd (3.7.1, RFC 5681), Nagle (RFC 1122 4.2.3.4), retransmission (RFC 6298, 3.8.1),
 * fast retransmit and recovery (RFC 5681 3.2, RFC 6582), zero-window probing (3.8.6.1) and the user
 * timeout (3.8.3).
 *
 * Theory of operation: the sender decides which octets go out at which sequence number and keeps
 * SND.NXT, SND.MAX, the RTT sample and its timers; forming the segment (ACK field, window, options)
 * is the connection's (`SenderPort.emit`), which reports back through `sent()`. Its timers live in
 * the connection's TimerSet (slots RETRANSMIT, PERSIST, USER).
 */
import type { CwndPhase } from '../trace/events.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLt } from '../wire/seq.js';
import { ACK, FIN, PSH } from '../wire/tcp-segment.js';
import type { CongestionController } from './congestion.js';
import type { EndpointEnvironment } from './environment.js';
import { nagleAllows } from './nagle.js';
import { afterSynLoss, backOff, currentRto, initialRtt, type RttEstimator, sampleRtt } from './rtt.js';
import { SendBuffer } from './send-buffer.js';
import type { TcpState } from './states.js';
import type { Tcb } from './tcb.js';
import { PERSIST, RETRANSMIT, type TimerSet, USER } from './timer-set.js';
import { initialWindowOctets, type TimerName } from './timers.js';

/** What the sender needs from its connection. */
export interface SenderPort {
  readonly id: string;
  readonly env: EndpointEnvironment;
  readonly tcb: Tcb;
  readonly timers: TimerSet;
  readonly state: TcpState;
  /** Payload octets per segment (send MSS less the options every segment carries). */
  readonly payloadMss: number;
  /** Forms and transmits a segment at `seq` (the payload, if any, from the send queue). */
  emit(seq: number, len: number, flags: number, payload: Uint8Array | undefined, cause?: string): void;
  /** Sends our SYN or SYN,ACK (again). */
  sendSyn(retransmission: boolean): void;
  /** The machine's TIMEOUT.USER with its cause. */
  timeout(cause: string): void;
  /** The send queue fell below the high-water mark after write() returned false. */
  drained(): void;
  /** Delivers queued notifications (after a timer's work). */
  flush(): void;
}

export class Sender {
  readonly buffer = new SendBuffer();
  /** Sequence number of the first octet in the send queue (SND.UNA once the SYN is acknowledged). */
  start = 0;
  /** CLOSE queued our FIN; finSeq is its sequence number. */
  finQueued = false;
  finSeq = 0;
  /** The SYN (or SYN,ACK) was retransmitted (RFC 5681 3.1, RFC 6298 5.7). */
  private synRetransmitted = false;
  private rttSample: { endSeq: number; sentAt: number } | undefined;
  /** Retransmissions since SND.UNA last advanced. */
  retries = 0;
  private persistBackoff = 0;
  /** Zero-window probes sent since the peer last answered (RFC 9293 3.8.6.1: answered probes never time out). */
  private probesUnanswered = 0;
  /** A one-octet zero-window probe is beyond SND.UNA (RFC 9293 3.8.6.1). */
  private probeOctetOut = false;
  /** Nagle's algorithm on (RFC 1122 4.2.3.4); setNoDelay() turns it off. */
  nagle: boolean;
  rtt: RttEstimator;
  congestion: CongestionController;
  /** Last cwnd / ssthresh traced (a `tcp.cwnd` event goes out when either changes). */
  private tracedCwnd = Number.NaN;
  private tracedSsthresh = Number.NaN;
  private needDrain = false;

  constructor(
    private readonly port: SenderPort,
    private readonly highWaterMark: number,
  ) {
    const env = port.env;
    this.rtt = initialRtt(env.profile);
    this.congestion = env.congestion(port.tcb.sndMss, initialWindowOctets(env.profile, port.tcb.sndMss));
    this.nagle = env.profile.nagle;
    port.timers.on(RETRANSMIT, () => this.retransmissionTimeout());
    port.timers.on(PERSIST, () => this.persistFired());
    port.timers.on(USER, () =>
      port.timeout(`3.8.3 user timeout: data unacknowledged for ${env.profile.userTimeout} ms`),
    );
  }

  /** Octets written but not yet acknowledged. */
  get length(): number {
    return this.buffer.length;
  }

  /** Queues written octets (3.10.2 SEND). */
  push(data: Uint8Array): void {
    this.buffer.push(data);
  }

  /** write() may go on: the queue is below its high-water mark. */
  belowHighWaterMark(): boolean {
    return this.buffer.length < this.highWaterMark;
  }

  /** write() returned false: tell the application when the queue drains. */
  wantDrain(): void {
    this.needDrain = true;
  }

  /** ISS chosen: data starts after the SYN. */
  startAt(iss: number): void {
    this.start = seqAdd(iss, 1);
  }

  /** Our FIN has been sent and SND.UNA is past it. */
  ourFinIsAcknowledged(): boolean {
    return this.finQueued && seqGt(this.port.tcb.sndUna, this.finSeq);
  }

  /**
   * RFC 5681 3.1: the congestion window starts at IW once the send MSS is known (the handshake is
   * done); "if the SYN or SYN/ACK is lost, the initial window ... MUST be one segment".
   */
  private startCongestionControl(): void {
    const env = this.port.env;
    const smss = this.port.payloadMss;
    const iw = this.synRetransmitted ? smss : initialWindowOctets(env.profile, smss);
    this.congestion = env.congestion(smss, iw);
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
    const env = this.port.env;
    if (env.tracing.observed)
      env.trace({
        type: 'tcp.cwnd',
        host: env.hostName,
        conn: this.port.id,
        cwnd,
        ssthresh,
        flight: seqDiff(this.port.tcb.sndMax, this.port.tcb.sndUna),
        cause,
        phase,
      });
  }

  /** SND.UNA advances to `ack` (already validated): drop acknowledged data, sample RTT, rearm. */
  acknowledge(ack: number): void {
    const tcb = this.port.tcb;
    const env = this.port.env;
    if (!seqGt(ack, tcb.sndUna)) return;
    const wasSynUnacked = tcb.sndUna === tcb.iss;
    let dataStart = tcb.sndUna;
    if (wasSynUnacked) dataStart = seqAdd(dataStart, 1);
    const finOut = this.finQueued && seqGt(ack, this.finSeq);
    const dataEnd = finOut ? this.finSeq : ack;
    const ackedData = Math.max(0, seqDiff(dataEnd, dataStart));
    this.buffer.consume(ackedData);
    this.start = seqAdd(this.start, ackedData);
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
      this.rtt = sampleRtt(this.rtt, env.now() - this.rttSample.sentAt, env.profile);
      this.rttSample = undefined;
    }
    if (wasSynUnacked && this.synRetransmitted) this.rtt = afterSynLoss(this.rtt, env.profile);
    // RFC 6298 5.2: all outstanding data acknowledged: turn off the timer; 5.3: otherwise restart it.
    const timers = this.port.timers;
    timers.stop(RETRANSMIT);
    timers.stop(USER);
    if (tcb.sndUna !== tcb.sndMax) {
      this.startRetransmissionTimer();
      this.armUserTimeout();
    }
    if (retransmitHole) this.retransmitHead();
    if (this.needDrain && this.buffer.length < this.highWaterMark) {
      this.needDrain = false;
      this.port.drained();
    }
  }

  /** RFC 5681 2 (DUPLICATE ACKNOWLEDGMENT) was checked by the caller; 3.2: fast retransmit on the third. */
  duplicateAck(): void {
    const tcb = this.port.tcb;
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
    const tcb = this.port.tcb;
    const outstanding = seqDiff(tcb.sndMax, tcb.sndUna);
    if (outstanding <= 0) return;
    this.rttSample = undefined; // Karn's rule (RFC 6298 3)
    const dataEnd = seqAdd(this.start, this.buffer.length);
    const avail = Math.max(0, seqDiff(dataEnd, tcb.sndUna));
    const len = Math.min(avail, this.port.payloadMss, outstanding);
    if (len > 0) {
      const fin = this.finQueued && len === avail && seqGt(tcb.sndMax, this.finSeq);
      this.transmit(tcb.sndUna, len, ACK | PSH | (fin ? FIN : 0));
    } else if (this.finQueued && tcb.sndUna === this.finSeq) {
      this.transmit(tcb.sndUna, 0, ACK | FIN);
    }
  }

  /** The peer answered an acceptable ACK: zero-window probes count from zero. */
  ackHeard(window: number): void {
    this.probesUnanswered = 0;
    // RFC 9293 3.8.6.1: "TCP implementations MUST NOT close the connection while the receiver keeps
    // advertising a zero window": answered probes do not count toward the retry limit.
    if (window === 0) this.retries = 0;
  }

  /** SND.WND, SND.WL1, SND.WL2 := window, seq, ack (the fifth step decided it). */
  updateWindow(window: number, seq: number, ack: number): void {
    const tcb = this.port.tcb;
    tcb.sndWnd = window;
    tcb.sndWl1 = seq;
    tcb.sndWl2 = ack;
    if (window > 0) {
      this.port.timers.stop(PERSIST);
      this.persistBackoff = 0;
      if (this.probeOctetOut) {
        // The window opened without taking the probe octet: send from SND.UNA again, at once.
        this.probeOctetOut = false;
        if (seqLt(ack, tcb.sndNxt) && ack === tcb.sndUna) tcb.sndNxt = tcb.sndUna;
      }
    }
  }

  /** 3.10.4 CLOSE: the FIN goes after all queued data. */
  queueFin(): void {
    this.finQueued = true;
    this.finSeq = seqAdd(this.start, this.buffer.length);
    this.trySend();
  }

  /**
   * Sends whatever the usable window allows: data cut at the send MSS (RFC 9293 3.7.1), then our FIN
   * after the last octet. Returns true if anything was sent (so an ACK was piggybacked).
   */
  trySend(): boolean {
    const tcb = this.port.tcb;
    if (tcb.sndUna === tcb.iss) return false; // SYN not yet acknowledged: data waits (3.10.2)
    const s = this.port.state;
    if (
      s !== 'ESTABLISHED' &&
      s !== 'CLOSE-WAIT' &&
      s !== 'FIN-WAIT-1' &&
      s !== 'CLOSING' &&
      s !== 'LAST-ACK'
    ) {
      return false;
    }
    const mss = this.port.payloadMss;
    let sent = false;
    for (;;) {
      const dataEnd = seqAdd(this.start, this.buffer.length);
      const unsent = Math.max(0, seqDiff(dataEnd, tcb.sndNxt));
      const flight = seqDiff(tcb.sndNxt, tcb.sndUna);
      const usable = Math.min(this.peerWindowRoom(), this.congestion.cwnd - flight);
      if (unsent > 0) {
        if (usable <= 0) {
          // RFC 9293 3.8.6.1: data waits on a closed window: probe it so a lost window update cannot deadlock.
          if (flight === 0) this.startPersistTimer();
          break;
        }
        const len = Math.min(unsent, mss, usable);
        const fin = this.finQueued && len === unsent;
        // RFC 1122 4.2.3.4: a small segment waits while data is unacknowledged (Nagle). Data held
        // behind a retransmission (SND.NXT < SND.MAX) is not new and goes as the window allows.
        const fresh = !seqLt(tcb.sndNxt, tcb.sndMax);
        if (fresh && !nagleAllows({ enabled: this.nagle, len, mss, flight, fin })) break;
        this.transmit(tcb.sndNxt, len, ACK | PSH | (fin ? FIN : 0));
        sent = true;
        continue;
      }
      if (this.finQueued && tcb.sndNxt === this.finSeq) {
        this.transmit(tcb.sndNxt, 0, ACK | FIN);
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
    const tcb = this.port.tcb;
    return seqDiff(seqAdd(tcb.sndWl2, tcb.sndWnd), tcb.sndNxt);
  }

  /** Emits `len` octets of the send queue from `seq` (or a bare control segment). */
  private transmit(seq: number, len: number, flags: number, cause?: string): void {
    const payload = len > 0 ? this.buffer.copy(seqDiff(seq, this.start), len) : undefined;
    this.port.emit(seq, len, flags, payload, cause);
  }

  /**
   * A segment consuming `consumes` sequence numbers from `seq` is going out: advance SND.NXT and
   * SND.MAX, start an RTT sample and the timers. Returns whether it is a retransmission.
   */
  sent(seq: number, consumes: number): boolean {
    if (consumes === 0) return false;
    const tcb = this.port.tcb;
    const retransmission = seqLt(seq, tcb.sndMax);
    const end = seqAdd(seq, consumes);
    if (seqGt(end, tcb.sndNxt)) tcb.sndNxt = end;
    if (seqGt(end, tcb.sndMax)) tcb.sndMax = end;
    if (!retransmission && !this.rttSample) this.rttSample = { endSeq: end, sentAt: this.port.env.now() };
    if (!this.port.timers.isArmed(RETRANSMIT)) this.startRetransmissionTimer();
    if (!this.port.timers.isArmed(USER)) this.armUserTimeout();
    return retransmission;
  }

  /** Our SYN (or SYN,ACK) went out: time it (unless retransmitted) and start the retransmission timer. */
  synSent(retransmission: boolean): void {
    const tcb = this.port.tcb;
    if (!retransmission && !this.rttSample)
      this.rttSample = { endSeq: seqAdd(tcb.iss, 1), sentAt: this.port.env.now() };
  }

  startRetransmissionTimer(): void {
    const tcb = this.port.tcb;
    const name: TimerName = tcb.sndUna === tcb.iss ? 'SYN' : 'RTO';
    this.port.timers.arm(RETRANSMIT, name, currentRto(this.rtt, this.port.env.profile));
  }

  private startPersistTimer(): void {
    const timers = this.port.timers;
    if (timers.isArmed(PERSIST) || timers.isArmed(RETRANSMIT)) return;
    const profile = this.port.env.profile;
    const delay = Math.min(profile.rtoMax, currentRto(this.rtt, profile) * 2 ** this.persistBackoff);
    timers.arm(PERSIST, 'PERSIST', delay);
  }

  /** RFC 9293 3.8.6.1: the persist timer expired: probe the zero window. */
  private persistFired(): void {
    const port = this.port;
    const profile = port.env.profile;
    this.persistBackoff++;
    if (this.probesUnanswered >= profile.probeRetries) {
      port.timeout(`3.8.6.1: ${this.probesUnanswered} zero-window probes unanswered`);
      return;
    }
    this.probesUnanswered++;
    const tcb = port.tcb;
    const dataEnd = seqAdd(this.start, this.buffer.length);
    const unsent = Math.max(0, seqDiff(dataEnd, tcb.sndNxt));
    if (profile.zeroWindowProbe === 'one-octet' && unsent > 0) {
      // RFC 9293 3.8.6.1: "the transmitting host SHOULD send the first octet of new data"; it is
      // then retransmitted by the retransmission timer (with backoff) until the window opens.
      const fin = this.finQueued && unsent === 1;
      this.probeOctetOut = true;
      this.transmit(tcb.sndNxt, 1, ACK | PSH | (fin ? FIN : 0), '3.8.6.1 zero-window probe');
    } else {
      // As Linux does, the probe is an ACK with SEG.SEQ = SND.UNA - 1: unacceptable to the
      // receiver, which must answer with its current window.
      port.emit(seqAdd(tcb.sndUna, -1), 0, ACK, undefined, '3.8.6.1 zero-window probe');
      this.startPersistTimer();
    }
    port.flush();
  }

  /** RFC 6298 5.4-5.6 and RFC 9293 3.8.1: the retransmission timer expired. */
  private retransmissionTimeout(): void {
    const port = this.port;
    const tcb = port.tcb;
    const profile = port.env.profile;
    const synPhase = tcb.sndUna === tcb.iss;
    const limit = synPhase ? profile.synRetries : profile.dataRetries;
    // RFC 5482 / Linux: with a user timeout set, it alone decides when data retransmission gives up.
    const userTimeoutRules = !synPhase && profile.userTimeout > 0;
    if (!userTimeoutRules && this.retries >= limit) {
      port.timeout(`3.10.8 user timeout: ${limit} retransmissions unanswered`);
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
      port.sendSyn(true); // the SYN keeps its original sequence number, ISS
    } else {
      // 5.4: retransmit the earliest segment not acknowledged (go back to SND.UNA).
      tcb.sndNxt = tcb.sndUna;
      const dataEnd = seqAdd(this.start, this.buffer.length);
      const unsent = Math.max(0, seqDiff(dataEnd, tcb.sndNxt));
      // Never beyond what was sent before or what the peer's window allows now.
      const allowed = Math.max(
        seqDiff(tcb.sndMax, tcb.sndUna),
        Math.min(this.peerWindowRoom(), this.congestion.cwnd),
      );
      const len = Math.min(unsent, port.payloadMss, allowed);
      if (len > 0) {
        const fin = this.finQueued && len === unsent;
        this.transmit(tcb.sndNxt, len, ACK | PSH | (fin ? FIN : 0));
      } else if (unsent > 0) {
        this.startPersistTimer();
      } else if (this.finQueued) {
        this.transmit(tcb.sndNxt, 0, ACK | FIN); // the FIN keeps its original sequence number
      }
    }
    if (!port.timers.isArmed(RETRANSMIT)) this.startRetransmissionTimer(); // 5.6
    port.flush();
  }

  /** RFC 9293 3.8.3 / RFC 5482: data unacknowledged for profile.userTimeout aborts the connection. */
  private armUserTimeout(): void {
    const timeout = this.port.env.profile.userTimeout;
    const tcb = this.port.tcb;
    if (timeout <= 0 || this.port.timers.isArmed(USER) || tcb.sndUna === tcb.iss) return;
    this.port.timers.arm(USER, 'USER', timeout);
  }

  /** After 'close': let the send queue's backing store go if it is empty. */
  release(): void {
    this.buffer.releaseIfEmpty();
  }
}
