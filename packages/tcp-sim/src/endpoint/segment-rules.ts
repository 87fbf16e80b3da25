/**
 * The arithmetic of RFC 9293 3.10.7 as pure predicates on numbers and segments: acceptability,
 * trimming, RST and ACK classes, the window-update test, the reset reply. The step functions
 * (segment-arrives.ts) apply them; the tests call them directly.
 */

import { seqAdd, seqDiff, seqGe, seqGt, seqInWindow, seqLe, seqLt } from '../wire/seq.js';
import { ACK, FIN, RST, SYN, type TcpSegment } from '../wire/tcp-segment.js';
import type { Tcb } from './tcb.js';

/**
 * 3.10.7.4 first step, the acceptability table:
 *   len 0, wnd 0: SEG.SEQ = RCV.NXT
 *   len 0, wnd>0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND
 *   len>0, wnd 0: not acceptable
 *   len>0, wnd>0: RCV.NXT =< SEG.SEQ < RCV.NXT+RCV.WND or RCV.NXT =< SEG.SEQ+SEG.LEN-1 < RCV.NXT+RCV.WND
 */
export function isSegmentAcceptable(rcvNxt: number, rcvWnd: number, seq: number, segLen: number): boolean {
  if (segLen === 0) return rcvWnd === 0 ? seq === rcvNxt : seqInWindow(seq, rcvNxt, rcvWnd);
  if (rcvWnd === 0) return false;
  return seqInWindow(seq, rcvNxt, rcvWnd) || seqInWindow(seqAdd(seq, segLen - 1), rcvNxt, rcvWnd);
}

/** RFC 5961 3.2: a RST is acted on only when SEG.SEQ = RCV.NXT; elsewhere in the window it draws a challenge ACK. */
export function classifyRst(rcvNxt: number, rcvWnd: number, seq: number): 'exact' | 'in-window' | 'outside' {
  if (seq === rcvNxt) return 'exact';
  return seqInWindow(seq, rcvNxt, Math.max(rcvWnd, 1)) ? 'in-window' : 'outside';
}

/** 3.10.7.3 first step: in SYN-SENT an ACK is unacceptable if SEG.ACK =< ISS or SEG.ACK > SND.NXT. */
export function synSentAckIsAcceptable(tcb: Readonly<Tcb>, ack: number): boolean {
  return seqGt(ack, tcb.iss) && seqLe(ack, tcb.sndNxt);
}

/**
 * 3.10.7.4 fifth step, ESTABLISHED: SND.UNA < SEG.ACK =< SND.NXT acknowledges new data; SEG.ACK =<
 * SND.UNA is a duplicate (ignored); SEG.ACK > SND.NXT acknowledges something not yet sent. After a
 * retransmission timeout SND.NXT is pulled back to SND.UNA (go-back), so "sent" means up to the
 * highest sequence number ever sent (`sndMax`).
 */
export function classifyAck(tcb: Readonly<Tcb>, ack: number): 'duplicate' | 'acceptable' | 'not-yet-sent' {
  if (seqLe(ack, tcb.sndUna)) return 'duplicate';
  if (seqLe(ack, tcb.sndMax)) return 'acceptable';
  return 'not-yet-sent';
}

/**
 * RFC 5681 2, DUPLICATE ACKNOWLEDGMENT: (a) data is outstanding, (b) the ACK carries no data, (c) no
 * SYN or FIN, (d) SEG.ACK = SND.UNA, (e) the window equals the last advertised one. A zero window
 * is a flow-control answer (a probe reply), never a loss signal.
 */
export function isDuplicateAck(tcb: Readonly<Tcb>, seg: TcpSegment, window = seg.window): boolean {
  return (
    tcb.sndMax !== tcb.sndUna &&
    seg.payload.length === 0 &&
    (seg.flags & (SYN | FIN)) === 0 &&
    seg.ack === tcb.sndUna &&
    window === tcb.sndWnd &&
    window > 0
  );
}

/** 3.10.7.4 fifth step: update the send window if SND.WL1 < SEG.SEQ or (SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK). */
export function windowUpdateAllowed(tcb: Readonly<Tcb>, seq: number, ack: number): boolean {
  return seqLt(tcb.sndWl1, seq) || (tcb.sndWl1 === seq && seqLe(tcb.sndWl2, ack));
}

export interface ResetReply {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
}

/**
 * 3.10.7.1 (CLOSED) and the "send a reset" rules: if the ACK bit is off, <SEQ=0><ACK=SEG.SEQ+SEG.LEN>
 * <CTL=RST,ACK>; if on, <SEQ=SEG.ACK><CTL=RST>. An incoming RST is never answered (undefined).
 */
export function resetFor(seg: TcpSegment): ResetReply | undefined {
  if (seg.flags & RST) return undefined;
  if (seg.flags & ACK) return { seq: seg.ack, ack: 0, flags: RST };
  const len = seg.payload.length + (seg.flags & SYN ? 1 : 0) + (seg.flags & FIN ? 1 : 0);
  return { seq: 0, ack: seqAdd(seg.seq, len), flags: RST | ACK };
}

export interface Trimmed {
  /** Sequence number of the first payload octet kept. */
  readonly seq: number;
  /** Kept payload range [start, end) within seg.payload. */
  readonly start: number;
  readonly end: number;
  /** The FIN survives trimming (it lies inside the window). */
  readonly fin: boolean;
}

/**
 * 3.10.7.4 first step: "segments are trimmed so that only the portion within the window is processed":
 * octets before RCV.NXT (already received) and after RCV.NXT+RCV.WND are cut; a SYN before RCV.NXT is
 * cut with them; a FIN beyond the window is cut.
 */
export function trimToWindow(rcvNxt: number, rcvWnd: number, seg: TcpSegment): Trimmed {
  let dataSeq = seg.flags & SYN ? seqAdd(seg.seq, 1) : seg.seq;
  let start = 0;
  let end = seg.payload.length;
  const early = seqDiff(rcvNxt, dataSeq);
  if (early > 0) {
    start = Math.min(early, end);
    dataSeq = seqAdd(dataSeq, start);
  }
  const right = seqAdd(rcvNxt, rcvWnd);
  const room = Math.max(0, seqDiff(right, dataSeq));
  if (end - start > room) end = start + room;
  const finSeq = seqAdd(seg.flags & SYN ? seqAdd(seg.seq, 1) : seg.seq, seg.payload.length);
  const fin =
    (seg.flags & FIN) !== 0 &&
    end === seg.payload.length &&
    seqGe(finSeq, rcvNxt) &&
    seqLt(finSeq, seqAdd(right, 1));
  return { seq: dataSeq, start, end, fin };
}
