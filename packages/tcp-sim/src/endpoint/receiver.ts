/**
 * The receiving half of a connection: reassembly, the receive buffer the application reads from,
 * the receive window we advertise (RFC 9293 3.8.6.2.2) and the ACK we owe (RFC 9293 3.8.6.3, RFC 5681
 * 4.2).
 *
 * Theory of operation: `accept()` takes the trimmed text of one arriving segment (the seventh step of
 * RFC 9293 3.10.7.4): in-order octets go to the receive buffer, octets beyond a hole to the reassembly
 * queue, and RCV.NXT advances over whatever is now contiguous. What the application reads (`consume`)
 * reopens the window; the receiver says when that deserves a window update, the connection sends it.
 * The ACK owed is two flags: `ackNow` (send at the end of this segment's processing) and `ackOwed`
 * (may be delayed); any segment we send with ACK clears both (`ackSent`).
 */
import { seqAdd, seqDiff } from '../wire/seq.js';
import type { TcpSegment } from '../wire/tcp-segment.js';
import { ackPolicy } from './delayed-ack.js';
import { ReassemblyQueue } from './reassembly.js';
import type { Trimmed } from './segment-rules.js';
import type { Tcb } from './tcb.js';
import type { TimerProfile } from './timers.js';

export class Receiver {
  readonly reassembly = new ReassemblyQueue();
  /** Octets in order, not yet read by the application. */
  chunks: Uint8Array[] = [];
  /** Their total length. */
  unread = 0;
  /** RCV.BUFF: the receive buffer's size. */
  readonly capacity: number;
  /** The right edge of the window we advertised: RCV.NXT + RCV.WND never moves left of it. */
  private rightEdge = 0;
  private initialized = false;
  /** Octets handed to the application so far (the trace's app.data offset). */
  deliveredOffset = 0;
  /** The peer's FIN has been reached in sequence. */
  finReached = false;
  /** Sequence number of the most recent out-of-order arrival (the first SACK block holds it). */
  private lastOutOfOrder: number | undefined;
  /** An ACK is owed for the segment being processed (sent at the end of its processing). */
  ackNow = false;
  /** An ACK is owed but may be delayed (RFC 9293 3.8.6.3). */
  ackOwed = false;
  /** In-order octets received since our last ACK. */
  private unackedOctets = 0;

  constructor(
    private readonly tcb: Tcb,
    private readonly profile: TimerProfile,
    receiveBuffer: number,
  ) {
    // RFC 7323 2.2: beyond 65535 octets only with window scaling (the shift we offer covers the buffer).
    this.capacity = Math.min(profile.windowScale === false ? 65535 : 2 ** 30, receiveBuffer);
  }

  /** Called once IRS is known: the receive window opens at RCV.NXT with the whole buffer. */
  open(): void {
    this.initialized = true;
    this.rightEdge = seqAdd(this.tcb.rcvNxt, this.capacity);
    this.tcb.rcvWnd = Math.min(this.capacity, 65535);
  }

  /**
   * Seventh step: keep the trimmed octets (in order: to the receive buffer; beyond a hole: to the
   * reassembly queue), note a FIN and advance RCV.NXT. Returns the octets now in order, for the
   * trace and the application, and whether the FIN was reached.
   */
  accept(seg: TcpSegment, trimmed: Trimmed): { delivered: Uint8Array[]; inOrder: boolean; advanced: number } {
    const tcb = this.tcb;
    // The receiver's own copy (as a kernel copies into the socket buffer): the arriving payload is a
    // view into the sender's packet, which a duplicate copy still in flight and the trace's packet
    // list share, and applications may change what they are given (a WebSocket parser unmasks in
    // place). Copied once here, it covers both the in-order and the reassembled path.
    const data = seg.payload.slice(trimmed.start, trimmed.end);
    if (trimmed.fin) this.reassembly.setFin(seqAdd(trimmed.seq, data.length));
    if (trimmed.seq !== tcb.rcvNxt && data.length > 0) this.lastOutOfOrder = trimmed.seq;
    const inOrder = trimmed.seq === tcb.rcvNxt && this.reassembly.bytes === 0;
    const rcvNxtBefore = tcb.rcvNxt;
    let delivered: Uint8Array[];
    if (inOrder) {
      // Fast path: exactly the next octets, nothing held out of order.
      delivered = data.length > 0 ? [data] : NOTHING;
      tcb.rcvNxt = seqAdd(tcb.rcvNxt, data.length);
      if (this.reassembly.hasFin) {
        const out = this.reassembly.take(tcb.rcvNxt);
        tcb.rcvNxt = out.rcvNxt;
        if (out.fin) this.finReached = true;
      }
    } else {
      if (data.length > 0) this.reassembly.insert(trimmed.seq, data, tcb.rcvNxt);
      const out = this.reassembly.take(tcb.rcvNxt);
      delivered = out.chunks;
      tcb.rcvNxt = out.rcvNxt;
      if (out.fin) this.finReached = true;
    }
    return { delivered, inOrder, advanced: seqDiff(tcb.rcvNxt, rcvNxtBefore) };
  }

  /** Puts in-order octets in the receive buffer. */
  buffer(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.unread += chunk.length;
    this.deliveredOffset += chunk.length;
  }

  /** Takes up to `max` octets from the receive buffer (3.10.3 RECEIVE), or undefined if empty. */
  take(max: number): Uint8Array | undefined {
    if (this.unread === 0) return undefined;
    const first = this.chunks[0]!;
    if (first.length <= max) return this.chunks.shift()!;
    this.chunks[0] = first.subarray(max);
    return first.subarray(0, max);
  }

  /** An ACK for in-order data: at once or delayed, per RFC 5681 4.2 (see delayed-ack.ts). */
  owe(octets: number, outOfOrder: boolean, mss: number): void {
    this.unackedOctets += octets;
    const policy = ackPolicy({
      enabled: this.profile.delayedAckMax > 0,
      outOfOrder,
      unackedOctets: this.unackedOctets,
      mss,
    });
    if (policy === 'now') this.ackNow = true;
    else this.ackOwed = true;
  }

  /** A segment carrying our ACK went out: nothing is owed any more. */
  ackSent(): void {
    this.ackNow = false;
    this.ackOwed = false;
    this.unackedOctets = 0;
  }

  /**
   * The application read `n` octets. RFC 9293 3.8.6.2.2 (receiver SWS avoidance): announce a larger
   * window only when it grew by at least min(RCV.BUFF/2, Eff.snd.MSS), or when it was closed.
   * Returns 'closed' when a closed window reopens, 'grown' for another SWS-worthy growth, else undefined.
   */
  consume(n: number): 'closed' | 'grown' | undefined {
    this.unread -= n;
    const before = this.windowNow();
    const possible = seqAdd(this.tcb.rcvNxt, this.capacity - this.unread);
    const growth = seqDiff(possible, this.rightEdge);
    if (growth <= 0) return undefined;
    if (before === 0) return 'closed';
    if (growth >= Math.min(this.capacity / 2, this.tcb.rcvMss)) return 'grown';
    return undefined;
  }

  /**
   * RCV.WND as advertised, for a shift of Rcv.Wind.Shift: the right edge never moves left (RFC 9293
   * 3.8.6.2.2 "SHOULD NOT shrink").
   */
  advertise(shift: number): number {
    if (!this.initialized) return this.capacity;
    const possible = seqAdd(this.tcb.rcvNxt, Math.max(0, this.capacity - this.unread));
    const growth = seqDiff(possible, this.rightEdge);
    const before = this.windowNow();
    // Grow the edge only in SWS-avoiding steps (or from a closed window).
    if (growth > 0 && (before === 0 || growth >= Math.min(this.capacity / 2, this.tcb.rcvMss))) {
      this.rightEdge = possible;
    }
    const wnd = Math.max(0, seqDiff(this.rightEdge, this.tcb.rcvNxt));
    // What the window field can carry: 16 bits, scaled by Rcv.Wind.Shift (low bits rounded off).
    const scale = 1 << shift; // = 2 ** shift
    this.tcb.rcvWnd = Math.min(65535 * scale, wnd - (wnd % scale));
    return this.tcb.rcvWnd;
  }

  /** The window between RCV.NXT and the advertised right edge. */
  windowNow(): number {
    return Math.max(0, seqDiff(this.rightEdge, this.tcb.rcvNxt));
  }

  /** SACK blocks for a segment without data (RFC 2018 4: the most recent first), up to `max`. */
  sackBlocks(max: number): Array<{ left: number; right: number }> {
    if (this.reassembly.bytes === 0) return [];
    return this.reassembly.sackBlocks(this.tcb.rcvNxt, this.lastOutOfOrder, max);
  }

  /** After 'close': let the receive buffer's backing store go if it is empty. */
  release(): void {
    if (this.chunks.length === 0) this.chunks = [];
  }
}

const NOTHING: Uint8Array[] = [];
