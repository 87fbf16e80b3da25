/**
 * Segment formation: the one place where a connection's outgoing segments are built. The ACK field
 * is RCV.NXT, the window is the receiver's advertised window scaled by Rcv.Wind.Shift (RFC 7323 2.2),
 * the options are the negotiated ones; any segment with ACK pays the ACK we owed. Every segment goes
 * to the host with the reason it was sent, which the trace's `segment.sent` records.
 */
import type { SegmentView } from '../trace/events.js';
import { seqDiff } from '../wire/seq.js';
import { ACK, FIN, flagNames, RST, SYN, type TcpOptions, type TcpSegment } from '../wire/tcp-segment.js';
import type { Connection } from './connection.js';
import type { EndpointEnvironment } from './environment.js';
import type { Receiver } from './receiver.js';
import type { Sender } from './sender.js';
import type { TcpState } from './states.js';
import type { Tcb } from './tcb.js';
import { type NegotiatedOptions, NO_OPTIONS } from './tcp-options.js';
import { DELACK, RETRANSMIT, type TimerSet } from './timer-set.js';

export class SegmentOutput {
  constructor(
    private readonly conn: Connection,
    private readonly env: EndpointEnvironment,
    private readonly tcb: Tcb,
    private readonly timers: TimerSet,
    private readonly sender: Sender,
    private readonly receiver: Receiver,
    private readonly options: NegotiatedOptions,
  ) {}

  /** RCV.WND as advertised (the right edge never moves left). */
  advertisedWindow(): number {
    return this.receiver.advertise(this.options.rcvShift);
  }

  /** <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
  ack(cause?: string): void {
    // SEQ is the highest sequence number sent (the RFC's SND.NXT): after a go-back retransmission
    // our send pointer is behind it, and an older SEQ would fail the peer's SND.WL1 window test.
    this.emit(this.tcb.sndMax, 0, ACK, undefined, cause);
  }

  /** Our SYN (SYN-SENT) or SYN,ACK (SYN-RCVD), with the options we offer or accept. */
  syn(state: TcpState, retransmission: boolean, cause?: string): void {
    const tcb = this.tcb;
    const flags = state === 'SYN-RCVD' ? SYN | ACK : SYN;
    const seg: TcpSegment = {
      srcPort: this.conn.localPort,
      dstPort: this.conn.remotePort,
      seq: tcb.iss,
      ack: flags & ACK ? tcb.rcvNxt : 0,
      flags,
      window: Math.min(65535, this.advertisedWindow()), // RFC 7323 2.2: a SYN's window is never scaled
      options: this.options.synOptions(flags === (SYN | ACK), tcb.rcvMss, this.tsValue()),
      payload: EMPTY,
    };
    this.sender.synSent(retransmission);
    this.env.transmit(this.conn, seg, retransmission, cause);
    if (!this.timers.isArmed(RETRANSMIT)) this.sender.startRetransmissionTimer();
  }

  /** Forms and transmits a segment at `seq`; the sender advances SND.NXT past what it consumes. */
  emit(seq: number, len: number, flags: number, payload: Uint8Array | undefined, cause?: string): void {
    const tcb = this.tcb;
    const seg: TcpSegment = {
      srcPort: this.conn.localPort,
      dstPort: this.conn.remotePort,
      seq,
      ack: flags & ACK ? tcb.rcvNxt : 0,
      flags,
      window: this.advertisedWindow() / (1 << this.options.rcvShift),
      options: this.options.segmentOptions(len, this.tsValue(), this.receiver),
      payload: len > 0 && payload ? payload : EMPTY,
    };
    if (flags & ACK) {
      this.receiver.ackSent();
      this.timers.stop(DELACK);
    }
    const retransmission = this.sender.sent(seq, len + (flags & FIN ? 1 : 0));
    this.env.transmit(this.conn, seg, retransmission, cause);
  }

  /** A segment that is not part of this connection's sequence flow (a reset). */
  raw(seq: number, ack: number, flags: number, cause: string): void {
    this.env.transmit(
      this.conn,
      {
        srcPort: this.conn.localPort,
        dstPort: this.conn.remotePort,
        seq,
        ack,
        flags,
        window: 0,
        options: NO_OPTIONS,
        payload: EMPTY,
      },
      false,
      cause,
    );
  }

  /** 3.10.5 ABORT: <SEQ=SND.NXT><CTL=RST> (RFC), or with ACK = RCV.NXT as Linux sends it. */
  abortReset(cause: string): void {
    const tcb = this.tcb;
    if (this.env.profile.abortRstWithAck) this.raw(tcb.sndNxt, tcb.rcvNxt, RST | ACK, cause);
    else this.raw(tcb.sndNxt, 0, RST, cause);
  }

  /** TSval: the virtual clock in ms (RFC 7323 5.4: a tick between 1 ms and 1 s). */
  private tsValue(): number {
    return Math.floor(this.env.now()) >>> 0;
  }

  /** A view of a segment for the trace, with sequence numbers relative to ISS/IRS as well. */
  view(seg: TcpSegment, state: TcpState): SegmentView {
    const view: {
      -readonly [K in keyof SegmentView]: SegmentView[K];
    } = basicSegmentView(seg);
    if (!(seg.flags & RST) || seg.seq !== 0) view.relSeq = seqDiff(seg.seq, this.tcb.iss) >>> 0;
    if (seg.flags & ACK && (state !== 'SYN-SENT' || seg.flags & SYN)) {
      view.relAck = seqDiff(seg.ack, this.tcb.irs) >>> 0;
    }
    return view;
  }
}

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

/** The trace's view of the options: only those present (RFC 9293 3.2, RFC 7323, RFC 2018). */
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

const EMPTY = new Uint8Array(0);
