/**
 * SEGMENT ARRIVES carried out: runs the RFC 9293 3.10.7 step functions (segment-arrives.ts) in the
 * RFC's order and acts on their decisions in one place (`carryOut`), each step's decisions before the
 * next step decides. After the steps, the ACK owed goes out: piggybacked on data if any can be sent,
 * at once when the rules say so, else after the delayed-ACK timer.
 */
import { seqAdd } from '../wire/seq.js';
import type { TcpSegment } from '../wire/tcp-segment.js';
import type { KeepAlive } from './keep-alive.js';
import type { TcpMachineEvent } from './machine.js';
import type { SegmentOutput } from './output.js';
import type { Receiver } from './receiver.js';
import {
  checkAck,
  checkAckOfSyn,
  checkRst,
  checkSequence,
  checkSyn,
  type Decision,
  listenStep,
  processFin,
  processText,
  type StepContext,
  synSentStep,
} from './segment-arrives.js';
import { resetFor, type Trimmed } from './segment-rules.js';
import type { Sender } from './sender.js';
import type { Tcb } from './tcb.js';
import type { NegotiatedOptions } from './tcp-options.js';

/** What carrying out decisions needs from the connection besides its parts. */
export interface ArrivalPort extends StepContext {
  /** The TCB was deleted. */
  readonly released: boolean;
  /** The application closed fully (RFC 1122 4.2.2.13: new data is answered with RST). */
  readonly fullyClosed: boolean;
  /** Payload octets per segment. */
  readonly payloadMss: number;
  dispatch(event: TcpMachineEvent): void;
  abort(cause: string): void;
  selectIss(): void;
  /** In-order octets for the application. */
  deliver(chunk: Uint8Array): void;
  /** The peer's FIN was reached: 'end' once everything is read. */
  endOfStream(): void;
  armDelayedAck(): void;
  flush(): void;
}

export class SegmentArrival {
  /** A segment is being processed (a window update then rides on the ACK it is owed). */
  processing = false;

  constructor(
    private readonly conn: ArrivalPort,
    private readonly tcb: Tcb,
    private readonly sender: Sender,
    private readonly receiver: Receiver,
    private readonly options: NegotiatedOptions,
    private readonly keepAlive: KeepAlive,
    private readonly output: SegmentOutput,
  ) {}

  arrives(seg: TcpSegment): void {
    const conn = this.conn;
    if (conn.released) return;
    if (this.options.tsOn) this.options.noteTimestamp(seg, this.tcb.rcvNxt);
    this.keepAlive.heard();
    this.processing = true;
    switch (conn.state) {
      case 'LISTEN':
        this.carryOut(listenStep(conn, seg), seg);
        break;
      case 'SYN-SENT':
        this.carryOut(synSentStep(conn, seg), seg);
        break;
      case 'CLOSED':
        break;
      default:
        this.synchronized(seg);
    }
    // The application reads what arrived first, so the ACK we owe carries the reopened window
    // (one ACK instead of an ACK plus a window update).
    conn.flush();
    this.processing = false;
    const r = this.receiver;
    if (r.ackNow && !conn.released) {
      if (!this.sender.trySend()) this.output.ack();
    } else if (r.ackOwed && !conn.released) {
      // RFC 9293 3.8.6.3: data going out now carries the ACK; otherwise wait for some.
      if (!this.sender.trySend() && r.ackOwed) conn.armDelayedAck();
    }
    r.ackNow = false;
    conn.flush();
  }

  /** 3.10.7.4, steps one to eight, each carried out before the next decides. */
  private synchronized(seg: TcpSegment): void {
    const conn = this.conn;
    const first = checkSequence(conn, seg);
    this.carryOut(first.decisions, seg);
    const trimmed = first.trimmed;
    if (!first.proceed || !trimmed) return;
    const rst = checkRst(conn, seg);
    this.carryOut(rst.decisions, seg);
    if (!rst.proceed) return;
    const syn = checkSyn(conn, seg);
    this.carryOut(syn.decisions, seg);
    if (!syn.proceed) return;
    if (!this.ackSteps(seg, trimmed)) return;
    if (this.carryOut(processText(conn, trimmed), seg)) this.carryOut(processFin(conn), seg);
    this.sender.trySend();
  }

  /** The fifth step: the ACK bit and SYN-RCVD, then the ACK field. False when processing stops. */
  private ackSteps(seg: TcpSegment, trimmed: Trimmed): boolean {
    const ofSyn = checkAckOfSyn(this.conn, seg);
    this.carryOut(ofSyn.decisions, seg);
    if (!ofSyn.proceed) return false;
    const ack = checkAck(this.conn, seg, trimmed);
    this.carryOut(ack.decisions, seg);
    return ack.proceed;
  }

  /**
   * The one place where the step functions' decisions are acted on, in order. Returns true when
   * accepted text reached the peer's FIN (the eighth step follows).
   */
  private carryOut(decisions: readonly Decision[], seg: TcpSegment): boolean {
    let finReached = false;
    for (const d of decisions) {
      switch (d.type) {
        case 'event':
          this.conn.dispatch(d.event);
          break;
        case 'ack':
        case 'challenge-ack':
          this.output.ack(d.cause);
          break;
        case 'ack-at-end':
          this.receiver.ackNow = true;
          break;
        case 'reset': {
          const reply = resetFor(seg);
          if (reply) this.output.raw(reply.seq, reply.ack, reply.flags, d.cause);
          break;
        }
        case 'resend-syn-ack':
          this.output.syn(this.conn.state, true, d.cause);
          break;
        case 'take-syn':
          this.takeSyn(seg, d.selectIss);
          break;
        case 'acknowledge':
          this.sender.acknowledge(d.ack);
          break;
        case 'duplicate-ack':
          this.sender.duplicateAck();
          break;
        case 'ack-heard':
          this.sender.ackHeard(d.window);
          break;
        case 'update-window':
          this.sender.updateWindow(d.window, d.seq, d.ack);
          break;
        case 'process-ack':
          this.ackSteps(seg, d.trimmed);
          break;
        case 'accept-text':
          finReached = this.acceptText(seg, d.trimmed);
          break;
        case 'discard':
          // Dropped by the RFC rules; the trace already shows the segment as delivered to us.
          break;
      }
    }
    return finReached;
  }

  /** The peer's SYN: IRS, RCV.NXT, the receive window and the options (3.10.7.2 / 3.10.7.3). */
  private takeSyn(seg: TcpSegment, selectIss: boolean): void {
    const tcb = this.tcb;
    tcb.irs = seg.seq;
    tcb.rcvNxt = seqAdd(seg.seq, 1);
    this.receiver.open();
    if (selectIss) this.conn.selectIss();
    // RFC 9293 3.7.1: the send MSS is the peer's MSS option (536 if absent), never above ours.
    tcb.sndMss = Math.min(seg.options.mss ?? 536, tcb.rcvMss);
    this.options.takePeerOptions(seg);
  }

  /** Seventh step, carried out: keep the text, tell the application, owe an ACK. */
  private acceptText(seg: TcpSegment, trimmed: Trimmed): boolean {
    if (this.conn.fullyClosed && trimmed.end > trimmed.start) {
      // RFC 1122 4.2.2.13: new data after a full CLOSE: send RST to show data was lost.
      this.conn.abort('RFC 1122 4.2.2.13: data arrived after CLOSE, send RST');
      return false;
    }
    const r = this.receiver;
    const { delivered, inOrder, advanced } = r.accept(seg, trimmed);
    for (const chunk of delivered) this.conn.deliver(chunk);
    if (r.finReached) {
      this.conn.endOfStream();
      return true; // the eighth step sends the ACK (of data and FIN together)
    }
    // "Send an acknowledgment of the form <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>", piggybacked if
    // possible, delayed when allowed (RFC 9293 3.8.6.3; out of order or filling a hole: at once).
    r.owe(advanced, !inOrder, this.conn.payloadMss);
    return false;
  }
}
