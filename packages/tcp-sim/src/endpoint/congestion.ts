/**
 * Congestion control, RFC 5681 with NewReno loss recovery (RFC 6582).
 *
 * Theory of operation: the sender keeps min(cwnd, SND.WND) - FlightSize as its usable window. The
 * controller owns cwnd, ssthresh and the fast-recovery state; the connection tells it about ACKs
 * that advance SND.UNA, duplicate ACKs and retransmission timeouts, and does what it answers
 * ('fast-retransmit': resend the segment at SND.UNA now; 'retransmit': the same for a partial ACK
 * during recovery). All arithmetic is here, in octets; the connection traces every change.
 *
 * - 3.1 slow start: while cwnd < ssthresh, cwnd += min(N, SMSS) per ACK (N = octets acknowledged);
 *   congestion avoidance: cwnd += SMSS * SMSS / cwnd per ACK (eq. 3), at least 1 octet;
 * - 3.1 eq. 4 on a timeout: ssthresh = max(FlightSize / 2, 2 * SMSS), cwnd = 1 SMSS (the loss window);
 * - 3.2 on the third duplicate ACK: ssthresh as eq. 4, retransmit, cwnd = ssthresh + 3 * SMSS; each
 *   further duplicate inflates cwnd by SMSS;
 * - RFC 6582 3.2: recovery ends only with an ACK covering `recover` (the highest sequence number sent
 *   when it began); a partial ACK retransmits the next hole and deflates cwnd by the octets it
 *   acknowledged (adding back SMSS when that was at least SMSS); the full ACK sets
 *   cwnd = min(ssthresh, max(FlightSize, SMSS) + SMSS). Duplicate ACKs that do not cover `recover`
 *   after a timeout do not start a new recovery (RFC 6582 3.2 step 1, the "careful" variant).
 */
import { seqGe } from '../wire/seq.js';

/** What the controller learns with each ACK (octets and absolute sequence numbers). */
export interface AckInfo {
  /** SEG.ACK, the new SND.UNA. */
  readonly ack: number;
  /** Octets in flight before this ACK (SND.MAX - old SND.UNA). */
  readonly flight: number;
  /** Highest sequence number sent + 1. */
  readonly sndMax: number;
}

export interface LossInfo {
  /** Octets in flight (SND.MAX - SND.UNA). */
  readonly flight: number;
  readonly sndMax: number;
  /** SND.UNA (a duplicate ACK repeats it). */
  readonly sndUna: number;
}

export interface CongestionController {
  /** cwnd in octets; the sender keeps min(cwnd, SND.WND) - flight size as its usable window. */
  readonly cwnd: number;
  /** ssthresh in octets (RFC 5681 3.1: initially arbitrarily high; here 2^31 - 1 as Linux). */
  readonly ssthresh?: number;
  /** In fast recovery (RFC 6582), for the trace. */
  readonly inRecovery?: boolean;
  /** Called for every ACK that advances SND.UNA; 'retransmit' asks for the segment at SND.UNA again. */
  onAck(ackedOctets: number, info?: AckInfo): 'retransmit' | undefined;
  /** Called when the retransmission timer expires (RFC 5681 3.1 eq. 4 resets cwnd here). */
  onRetransmissionTimeout(info?: LossInfo): void;
  /** Called for each duplicate ACK; 'fast-retransmit' asks for the segment at SND.UNA now (3.2). */
  onDuplicateAck(info?: LossInfo): 'fast-retransmit' | undefined;
}

export type CongestionFactory = (mss: number, initialWindow?: number) => CongestionController;

export const noCongestionControl: CongestionFactory = () => ({
  cwnd: Number.POSITIVE_INFINITY,
  onAck: () => undefined,
  onRetransmissionTimeout() {},
  onDuplicateAck: () => undefined,
});

/** Linux's TCP_INFINITE_SSTHRESH: "arbitrarily high" and still a JSON number. */
export const INITIAL_SSTHRESH = 0x7fffffff;

/** RFC 5681 3.2: the third duplicate ACK triggers fast retransmit. */
export const DUPACK_THRESHOLD = 3;

/** RFC 5681 3.1 eq. 4: ssthresh = max(FlightSize / 2, 2 * SMSS). */
export function lossSsthresh(flight: number, smss: number): number {
  return Math.max(Math.floor(flight / 2), 2 * smss);
}

/** RFC 5681 3.1 eq. 2 (slow start) and eq. 3 (congestion avoidance): the cwnd after an ACK of N octets. */
export function growCwnd(cwnd: number, ssthresh: number, acked: number, smss: number): number {
  if (cwnd < ssthresh) return cwnd + Math.min(acked, smss);
  return cwnd + Math.max(1, Math.floor((smss * smss) / cwnd));
}

export class NewReno implements CongestionController {
  cwnd: number;
  ssthresh = INITIAL_SSTHRESH;
  /** Duplicate ACKs in a row (RFC 5681 3.2). */
  dupAcks = 0;
  /** In fast recovery (RFC 6582 3.2 step 2 until a full ACK). */
  inRecovery = false;
  /** RFC 6582 `recover`: SND.MAX when recovery (or the last timeout) began. */
  recover: number | undefined;
  /** A timeout already struck the data at SND.UNA (RFC 5681 3.1: then ssthresh is held constant). */
  private timedOut = false;

  constructor(
    private readonly smss: number,
    initialWindow: number,
  ) {
    this.cwnd = initialWindow;
  }

  onAck(acked: number, info?: AckInfo): 'retransmit' | undefined {
    this.dupAcks = 0;
    if (this.inRecovery && info && this.recover !== undefined) {
      if (seqGe(info.ack, this.recover)) {
        // RFC 6582 3.2 step 3 (full acknowledgment): deflate the window and leave recovery.
        const flightAfter = Math.max(0, info.flight - acked);
        this.cwnd = Math.min(this.ssthresh, Math.max(flightAfter, this.smss) + this.smss);
        this.inRecovery = false;
        return undefined;
      }
      // Step 4 (partial acknowledgment): retransmit the first unacknowledged segment, deflate by the
      // octets acknowledged, add back SMSS if at least SMSS was acknowledged.
      this.cwnd = Math.max(this.smss, this.cwnd - acked + (acked >= this.smss ? this.smss : 0));
      return 'retransmit';
    }
    this.timedOut = false;
    this.cwnd = growCwnd(this.cwnd, this.ssthresh, acked, this.smss);
    return undefined;
  }

  onDuplicateAck(info?: LossInfo): 'fast-retransmit' | undefined {
    if (this.inRecovery) {
      this.cwnd += this.smss; // RFC 5681 3.2 step 4: inflate by one segment per duplicate
      return undefined;
    }
    this.dupAcks++;
    if (this.dupAcks !== DUPACK_THRESHOLD || !info) return undefined;
    // RFC 6582 3.2 step 1: after a timeout, duplicates below `recover` do not start a new recovery.
    if (this.recover !== undefined && !seqGe(info.sndUna, this.recover)) return undefined;
    this.ssthresh = lossSsthresh(info.flight, this.smss);
    this.recover = info.sndMax;
    this.cwnd = this.ssthresh + DUPACK_THRESHOLD * this.smss;
    this.inRecovery = true;
    return 'fast-retransmit';
  }

  onRetransmissionTimeout(info?: LossInfo): void {
    // RFC 5681 3.1 eq. 4 and "cwnd MUST be set to no more than the loss window, LW, which equals
    // 1 full-sized segment"; RFC 6582 4: record SND.MAX in recover and leave fast recovery.
    const flight = info?.flight ?? this.cwnd;
    // 3.1 implementation note: when the segment timing out was already retransmitted by the timer,
    // "the value of ssthresh is held constant".
    if (!this.timedOut) this.ssthresh = lossSsthresh(flight, this.smss);
    this.timedOut = true;
    this.cwnd = this.smss;
    this.dupAcks = 0;
    this.inRecovery = false;
    if (info) this.recover = info.sndMax;
  }
}

/** The default: RFC 5681 + NewReno with the given initial window (octets). */
export const newReno: CongestionFactory = (mss, initialWindow) => new NewReno(mss, initialWindow ?? 4 * mss);
