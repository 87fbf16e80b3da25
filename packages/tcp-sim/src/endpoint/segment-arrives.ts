/**
 * SEGMENT ARRIVES, RFC 9293 3.10.7, in the RFC's order: one function per state group and, for the
 * synchronized states, one per step (sequence, RST, SYN, ACK, text, FIN). The arithmetic lives in the
 * exported pure predicates at the top, which the tests call directly; the step functions apply them
 * to a connection and send the machine the state-relevant events, each with the rule as its cause.
 */

import { seqAdd, seqDiff, seqGe, seqGt, seqInWindow, seqLe, seqLt } from '../wire/seq.js';
import { ACK, FIN, RST, SYN, type TcpSegment } from '../wire/tcp-segment.js';
import type { Connection } from './connection.js';
import type { Tcb } from './tcb.js';

// ---------------------------------------------------------------------------------------------
// Pure rules

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

// ---------------------------------------------------------------------------------------------
// 3.10.7.2 LISTEN

/** Returns false when the segment did not create a connection (the caller answers or drops). */
export function listenSegmentArrives(conn: Connection, seg: TcpSegment): void {
  // First: "An incoming RST segment could not be valid ... should be ignored."
  if (seg.flags & RST) return;
  // Second: "Any acknowledgment is bad if it arrives on a connection still in the LISTEN state."
  if (seg.flags & ACK) {
    conn.sendResetFor(seg, '3.10.7.2 second: ACK in LISTEN');
    return;
  }
  // Third: SYN. "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ... ISS should be selected and a SYN
  // segment sent of the form <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. SND.NXT is set to ISS+1 and SND.UNA to ISS."
  if (seg.flags & SYN) {
    const tcb = conn.tcb;
    tcb.irs = seg.seq;
    tcb.rcvNxt = seqAdd(seg.seq, 1);
    conn.initReceiveWindow();
    conn.selectIss();
    conn.takePeerOptions(seg);
    tcb.sndWnd = seg.window;
    tcb.sndWl1 = seg.seq;
    tcb.sndWl2 = seg.ack;
    conn.dispatch({ type: 'RCV.SYN', cause: '3.10.7.2 third: SYN in LISTEN' });
  }
  // Fourth: "Any other control or text-bearing segment (not containing SYN) must have an ACK and
  // thus would be discarded by the ACK processing."
}

// ---------------------------------------------------------------------------------------------
// 3.10.7.3 SYN-SENT

export function synSentSegmentArrives(conn: Connection, seg: TcpSegment): void {
  const tcb = conn.tcb;
  const hasAck = (seg.flags & ACK) !== 0;
  // First: the ACK bit.
  if (hasAck && !synSentAckIsAcceptable(tcb, seg.ack)) {
    if (!(seg.flags & RST)) conn.sendResetFor(seg, '3.10.7.3 first: unacceptable ACK in SYN-SENT');
    conn.discard('unacceptable');
    return;
  }
  // Second: the RST bit. "If the ACK was acceptable, then signal 'error: connection reset', drop the
  // segment, enter CLOSED state ... Otherwise (no ACK), drop the segment and return."
  if (seg.flags & RST) {
    if (hasAck)
      conn.dispatch({ type: 'RCV.RST', cause: '3.10.7.3 second: RST with acceptable ACK in SYN-SENT' });
    else conn.discard('unacceptable');
    return;
  }
  // Fourth: the SYN bit.
  if (seg.flags & SYN) {
    tcb.irs = seg.seq;
    tcb.rcvNxt = seqAdd(seg.seq, 1);
    conn.initReceiveWindow();
    conn.takePeerOptions(seg);
    if (hasAck) conn.acknowledge(seg.ack);
    tcb.sndWnd = seg.window;
    tcb.sndWl1 = seg.seq;
    tcb.sndWl2 = seg.ack;
    if (seqGt(tcb.sndUna, tcb.iss)) {
      // "If SND.UNA > ISS (our SYN has been ACKed), change the connection state to ESTABLISHED, form
      // an ACK segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it."
      conn.dispatch({ type: 'RCV.SYN-ACK', cause: '3.10.7.3 fourth: SYN,ACK acknowledging our SYN' });
      conn.sendAck();
    } else {
      // Simultaneous open: "enter SYN-RECEIVED, form a SYN,ACK segment <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>".
      conn.dispatch({ type: 'RCV.SYN', cause: '3.10.7.3 fourth: SYN without ACK (simultaneous open)' });
    }
    return;
  }
  // Fifth: "If neither of the SYN or RST bits is set, then drop the segment and return."
  conn.discard('unacceptable');
}

// ---------------------------------------------------------------------------------------------
// 3.10.7.4 Other states

export function synchronizedSegmentArrives(conn: Connection, seg: TcpSegment): void {
  const trimmed = checkSequence(conn, seg);
  if (!trimmed) return;
  if (!checkRst(conn, seg)) return;
  if (!checkSyn(conn, seg)) return;
  if (!checkAck(conn, seg, trimmed)) return;
  const finReached = processText(conn, seg, trimmed);
  if (finReached) processFin(conn);
  conn.afterSegment();
}

/** First step: acceptability, then trimming. Returns undefined when the segment is dropped. */
export function checkSequence(conn: Connection, seg: TcpSegment): Trimmed | undefined {
  const tcb = conn.tcb;
  const rcvWnd = conn.advertisedWindow();
  const segLen = seg.payload.length + (seg.flags & SYN ? 1 : 0) + (seg.flags & FIN ? 1 : 0);
  if (!isSegmentAcceptable(tcb.rcvNxt, rcvWnd, seg.seq, segLen)) {
    if (
      conn.state === 'TIME-WAIT' &&
      seg.flags & FIN &&
      !(seg.flags & RST) &&
      seqAdd(seg.seq, segLen) === tcb.rcvNxt
    ) {
      // 3.10.7.4 eighth step, TIME-WAIT: "The only thing that can arrive in this state is a
      // retransmission of the remote FIN. Acknowledge it, and restart the 2 MSL timeout." (The FIN
      // lies before RCV.NXT, so it reaches us here rather than through the FIN step.)
      processFin(conn);
      return undefined;
    }
    // RFC 5961 3.2 / 4.2: a RST or SYN outside the window is dropped silently for RST; otherwise
    // "an acknowledgment should be sent in reply (unless the RST bit is set)".
    if (!(seg.flags & RST)) {
      // With a zero window, valid ACKs must still be processed ("special allowance").
      if (rcvWnd === 0 && seg.seq === tcb.rcvNxt && seg.flags & ACK && !(seg.flags & SYN)) {
        checkAck(conn, seg, { seq: seg.seq, start: 0, end: 0, fin: false });
      }
      if (conn.state === 'SYN-RCVD' && seg.flags & SYN && seg.seq === tcb.irs) {
        if (seg.flags & ACK && seqLt(tcb.sndUna, seg.ack) && seqLe(seg.ack, tcb.sndNxt)) {
          // Simultaneous open (RFC 9293 3.5, figure 7, line 6): the peer's SYN,ACK repeats the SYN we
          // already took and acknowledges ours. Trimmed of its old SYN it is the ACK of our SYN: enter
          // ESTABLISHED, nothing more to send (Linux accepts the same segment in SYN_RECV).
          checkAck(conn, seg, { seq: seqAdd(seg.seq, 1), start: 0, end: 0, fin: false });
          return undefined;
        }
        // A retransmitted SYN: our SYN,ACK was lost. Answer with the SYN,ACK again (as Linux does).
        conn.retransmitSynAck();
      } else {
        conn.sendAck('3.10.7.4 first: unacceptable segment');
      }
    }
    conn.discard('unacceptable');
    return undefined;
  }
  return trimToWindow(tcb.rcvNxt, rcvWnd, seg);
}

/** Second step: the RST bit, validated per RFC 5961 3.2. Returns false when processing stops. */
export function checkRst(conn: Connection, seg: TcpSegment): boolean {
  if (!(seg.flags & RST)) return true;
  const tcb = conn.tcb;
  const kind = classifyRst(tcb.rcvNxt, conn.advertisedWindow(), seg.seq);
  if (kind === 'in-window' && conn.profile.rfc5961) {
    // RFC 5961 3.2: "If the RST bit is set and the sequence number does not exactly match the next
    // expected sequence value, yet is within the current receive window, TCP MUST send an ACK
    // (challenge ACK)."
    conn.sendChallengeAck('RFC 5961 3.2: RST in window but not at RCV.NXT');
    return false;
  }
  if (kind === 'outside') return false;
  if (conn.state === 'TIME-WAIT' && conn.profile.rstInTimeWait === 'ignore') return false; // RFC 1337
  // Without RFC 5961 (RFC 793's rule): any RST in the window resets the connection.
  if (conn.state === 'SYN-RCVD') {
    conn.dispatch({
      type: 'RCV.RST',
      cause: conn.passive
        ? '3.10.7.4 step 2: RST in SYN-RCVD from passive OPEN, return to LISTEN'
        : '3.10.7.4 step 2: RST in SYN-RCVD from active OPEN, connection refused',
    });
  } else {
    conn.dispatch({
      type: 'RCV.RST',
      cause: `3.10.7.4 step 2: RST in window (SEG.SEQ = RCV.NXT) in ${conn.state}`,
    });
  }
  return false;
}

/** Fourth step: the SYN bit. Returns false when processing stops. */
export function checkSyn(conn: Connection, seg: TcpSegment): boolean {
  if (!(seg.flags & SYN)) return true;
  if (conn.state === 'SYN-RCVD' && conn.passive) {
    // "If the connection was initiated with a passive OPEN, then return this connection to the
    // LISTEN state and return."
    conn.dispatch({
      type: 'RCV.SYN',
      cause: '3.10.7.4 step 4: SYN in SYN-RCVD from passive OPEN, return to LISTEN',
    });
    return false;
  }
  if (!conn.profile.rfc5961) {
    // RFC 793 / RFC 9293 3.10.7.4 fourth step without the mitigation: "If the SYN is in the window it
    // is an error, send a reset, ... enter the CLOSED state, delete the TCB, and return."
    conn.sendResetFor(seg, `3.10.7.4 step 4: SYN in window in ${conn.state} (RFC 5961 off), send reset`);
    conn.dispatch({
      type: 'RCV.RST',
      cause: `3.10.7.4 step 4: SYN in window in ${conn.state}, connection reset`,
    });
    return false;
  }
  // RFC 5961 4.2: any SYN in a synchronized state draws a challenge ACK and is dropped.
  conn.sendChallengeAck(`RFC 5961 4.2: SYN in ${conn.state}`);
  return false;
}

/** Fifth step: the ACK field. Returns false when processing stops. */
export function checkAck(conn: Connection, seg: TcpSegment, trimmed: Trimmed): boolean {
  if (!(seg.flags & ACK)) {
    conn.discard('unacceptable'); // "if the ACK bit is off, drop the segment and return"
    return false;
  }
  const tcb = conn.tcb;
  if (conn.state === 'SYN-RCVD') {
    // "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state and continue processing";
    // "If the segment acknowledgment is not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>".
    if (!(seqLt(tcb.sndUna, seg.ack) && seqLe(seg.ack, tcb.sndNxt))) {
      conn.sendResetFor(seg, '3.10.7.4 step 5: unacceptable ACK in SYN-RCVD');
      return false;
    }
    tcb.sndWnd = conn.peerWindow(seg);
    tcb.sndWl1 = seg.seq;
    tcb.sndWl2 = seg.ack;
    conn.acknowledge(seg.ack);
    conn.dispatch({ type: 'RCV.ACK-OF-SYN', cause: '3.10.7.4 step 5: ACK of our SYN in SYN-RCVD' });
  }
  const kind = classifyAck(tcb, seg.ack);
  if (kind === 'not-yet-sent') {
    // "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the segment, and return."
    conn.sendAck('3.10.7.4 step 5: ACK of data not yet sent');
    return false;
  }
  conn.ackHeard(seg.window);
  if (kind === 'acceptable') conn.acknowledge(seg.ack);
  else if (isDuplicateAck(tcb, seg, conn.peerWindow(seg))) conn.duplicateAck();
  // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated" (WL1/WL2 guard stale segments).
  // As Linux does (tcp_may_update_window), an ACK that advanced SND.UNA also updates the window: a
  // retransmitted segment carries an older SEQ than SND.WL1 but the newest window.
  if (
    seqLe(tcb.sndUna, seg.ack) &&
    seqLe(seg.ack, tcb.sndMax) &&
    (kind === 'acceptable' || windowUpdateAllowed(tcb, seg.seq, seg.ack))
  ) {
    conn.updateSendWindow(conn.peerWindow(seg), seg.seq, seg.ack);
  }
  if (conn.ourFinIsAcknowledged()) {
    // A FIN in this same segment that is reached in sequence now takes FIN-WAIT-1 straight to
    // TIME-WAIT in the eighth step ("If our FIN has been ACKed (perhaps in this segment)").
    const finNow = trimmed.fin && trimmed.seq === tcb.rcvNxt;
    switch (conn.state) {
      case 'FIN-WAIT-1':
        if (!finNow) {
          conn.dispatch({
            type: 'RCV.ACK-OF-FIN',
            cause: '3.10.7.4 step 5: our FIN acknowledged in FIN-WAIT-1',
          });
        }
        break;
      case 'CLOSING':
        conn.dispatch({ type: 'RCV.ACK-OF-FIN', cause: '3.10.7.4 step 5: our FIN acknowledged in CLOSING' });
        return false;
      case 'LAST-ACK':
        conn.dispatch({ type: 'RCV.ACK-OF-FIN', cause: '3.10.7.4 step 5: our FIN acknowledged in LAST-ACK' });
        return false;
      default:
        break;
    }
  }
  return true;
}

/**
 * Seventh step: segment text, in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2 only ("This should not occur
 * since a FIN has been received from the remote side" in the others). Returns true when the peer's
 * FIN has been reached in sequence (possibly after a hole filled).
 */
export function processText(conn: Connection, seg: TcpSegment, trimmed: Trimmed): boolean {
  const state = conn.state;
  const receiving = state === 'ESTABLISHED' || state === 'FIN-WAIT-1' || state === 'FIN-WAIT-2';
  const hasText = trimmed.end > trimmed.start;
  if (receiving) {
    if (!hasText && !trimmed.fin) return false;
    return conn.receiveText(seg, trimmed);
  }
  return false;
}

/** Eighth step: the FIN bit, once the FIN is in sequence. */
export function processFin(conn: Connection): void {
  const state = conn.state;
  switch (state) {
    case 'SYN-RCVD':
    case 'ESTABLISHED':
      conn.dispatch({
        type: 'RCV.FIN',
        ourFinAcked: false,
        cause: `3.10.7.4 step 8: FIN in ${state}, enter CLOSE-WAIT`,
      });
      break;
    case 'FIN-WAIT-1': {
      const acked = conn.ourFinIsAcknowledged();
      conn.dispatch({
        type: 'RCV.FIN',
        ourFinAcked: acked,
        cause: acked
          ? '3.10.7.4 step 8: FIN in FIN-WAIT-1 with our FIN acknowledged, enter TIME-WAIT'
          : '3.10.7.4 step 8: FIN in FIN-WAIT-1, our FIN not acknowledged, enter CLOSING (simultaneous close)',
      });
      break;
    }
    case 'FIN-WAIT-2':
      conn.dispatch({
        type: 'RCV.FIN',
        ourFinAcked: true,
        cause: '3.10.7.4 step 8: FIN in FIN-WAIT-2, enter TIME-WAIT',
      });
      break;
    case 'TIME-WAIT':
      conn.dispatch({
        type: 'RCV.FIN',
        ourFinAcked: true,
        cause: '3.10.7.4 step 8: FIN retransmitted in TIME-WAIT, restart 2MSL',
      });
      break;
    default:
      break; // CLOSE-WAIT, CLOSING, LAST-ACK: "Remain in the ... state."
  }
  conn.scheduleAck();
}
