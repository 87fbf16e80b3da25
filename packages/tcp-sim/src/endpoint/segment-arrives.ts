/**
 * SEGMENT ARRIVES, RFC 9293 3.10.7, in the RFC's order: one function per state group and, for the
 * synchronized states, one per step (sequence, RST, SYN, ACK, text, FIN).
 *
 * Each step DECIDES and does nothing: it reads a narrow, read-only view of the connection
 * (`StepContext`) and the segment, and returns the decisions (send an ACK, send a reset, acknowledge,
 * accept the text, send the machine an event...) with the rule that produced each, plus whether
 * processing goes on to the next step. The connection carries the decisions out in one place
 * (`Connection.carryOut`) before the next step runs, so each step sees the effects of the previous
 * ones, as in the RFC's text, and each step is a pure function a test can call with a hand-made
 * context. The arithmetic lives in segment-rules.ts.
 */

import { seqAdd, seqLe, seqLt } from '../wire/seq.js';
import { ACK, FIN, RST, SYN, type TcpSegment } from '../wire/tcp-segment.js';
import type { TcpMachineEvent } from './machine.js';
import {
  classifyAck,
  classifyRst,
  isDuplicateAck,
  isSegmentAcceptable,
  synSentAckIsAcceptable,
  type Trimmed,
  trimToWindow,
  windowUpdateAllowed,
} from './segment-rules.js';
import type { TcpState } from './states.js';
import type { Tcb } from './tcb.js';
import type { TimerProfile } from './timers.js';

/** What a step may read: the state, the TCB and a few derived numbers, never anything to call. */
export interface StepContext {
  readonly state: TcpState;
  /** The connection came from a passive OPEN. */
  readonly passive: boolean;
  readonly tcb: Readonly<Tcb>;
  readonly profile: TimerProfile;
  /** RCV.WND: the window the acceptability test uses. */
  readonly rcvWnd: number;
  /** SEQ of our FIN once CLOSE queued it, else undefined. */
  readonly finSeq: number | undefined;
  /** SEG.WND as octets (scaled by Snd.Wind.Shift except on a SYN, RFC 7323 2.2). */
  peerWindow(seg: TcpSegment): number;
}

/** One thing to be done, with the rule behind it where the trace shows it. */
export type Decision =
  /** Send the machine an event (the state change carries the event's cause). */
  | { readonly type: 'event'; readonly event: TcpMachineEvent }
  /** <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, now. */
  | { readonly type: 'ack'; readonly cause: string }
  /** Acknowledge at the end of this segment's processing (piggybacked on data if any goes out). */
  | { readonly type: 'ack-at-end'; readonly cause: string }
  /** RFC 5961 challenge ACK. */
  | { readonly type: 'challenge-ack'; readonly cause: string }
  /** "Send a reset" formed from the offending segment (segment-rules.ts resetFor). */
  | { readonly type: 'reset'; readonly cause: string }
  /** Send our SYN,ACK again. */
  | { readonly type: 'resend-syn-ack'; readonly cause: string }
  /** Take the peer's SYN: IRS, RCV.NXT, the receive window, the options; `selectIss` in LISTEN. */
  | { readonly type: 'take-syn'; readonly selectIss: boolean }
  /** SND.UNA advances to `ack`. */
  | { readonly type: 'acknowledge'; readonly ack: number }
  /** RFC 5681 duplicate ACK. */
  | { readonly type: 'duplicate-ack' }
  /** The peer answered an acceptable ACK (probes and keep-alives count from zero). */
  | { readonly type: 'ack-heard'; readonly window: number }
  /** SND.WND, SND.WL1, SND.WL2 := window, seq, ack. */
  | { readonly type: 'update-window'; readonly window: number; readonly seq: number; readonly ack: number }
  /** Run the ACK step on this segment, trimmed as given (a special allowance of the first step). */
  | { readonly type: 'process-ack'; readonly trimmed: Trimmed }
  /** Seventh step: keep the trimmed text. */
  | { readonly type: 'accept-text'; readonly trimmed: Trimmed }
  /** Drop the segment. */
  | { readonly type: 'discard'; readonly cause: string };

export interface StepResult {
  readonly decisions: readonly Decision[];
  /** Whether processing continues with the next step. */
  readonly proceed: boolean;
}

const GO_ON: StepResult = Object.freeze({ decisions: [], proceed: true });

function stop(...decisions: Decision[]): StepResult {
  return { decisions, proceed: false };
}

function event(e: TcpMachineEvent): Decision {
  return { type: 'event', event: e };
}

function segLength(seg: TcpSegment): number {
  return seg.payload.length + (seg.flags & SYN ? 1 : 0) + (seg.flags & FIN ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// 3.10.7.2 LISTEN

export function listenStep(_ctx: StepContext, seg: TcpSegment): readonly Decision[] {
  // First: "An incoming RST segment could not be valid ... should be ignored."
  if (seg.flags & RST) return [{ type: 'discard', cause: '3.10.7.2 first: RST in LISTEN' }];
  // Second: "Any acknowledgment is bad if it arrives on a connection still in the LISTEN state."
  if (seg.flags & ACK) return [{ type: 'reset', cause: '3.10.7.2 second: ACK in LISTEN' }];
  // Third: SYN. "Set RCV.NXT to SEG.SEQ+1, IRS is set to SEG.SEQ ... ISS should be selected and a SYN
  // segment sent of the form <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>. SND.NXT is set to ISS+1 and SND.UNA to ISS."
  if (seg.flags & SYN) {
    return [
      { type: 'take-syn', selectIss: true },
      { type: 'update-window', window: seg.window, seq: seg.seq, ack: seg.ack },
      event({ type: 'RCV.SYN', cause: '3.10.7.2 third: SYN in LISTEN' }),
    ];
  }
  // Fourth: "Any other control or text-bearing segment (not containing SYN) must have an ACK and
  // thus would be discarded by the ACK processing."
  return [{ type: 'discard', cause: '3.10.7.2 fourth: no SYN in LISTEN' }];
}

// ---------------------------------------------------------------------------------------------
// 3.10.7.3 SYN-SENT

export function synSentStep(ctx: StepContext, seg: TcpSegment): readonly Decision[] {
  const tcb = ctx.tcb;
  const hasAck = (seg.flags & ACK) !== 0;
  // First: the ACK bit.
  if (hasAck && !synSentAckIsAcceptable(tcb, seg.ack)) {
    const cause = '3.10.7.3 first: unacceptable ACK in SYN-SENT';
    return seg.flags & RST ? [{ type: 'discard', cause }] : [{ type: 'reset', cause }];
  }
  // Second: the RST bit. "If the ACK was acceptable, then signal 'error: connection reset', drop the
  // segment, enter CLOSED state ... Otherwise (no ACK), drop the segment and return."
  if (seg.flags & RST) {
    if (hasAck)
      return [event({ type: 'RCV.RST', cause: '3.10.7.3 second: RST with acceptable ACK in SYN-SENT' })];
    return [{ type: 'discard', cause: '3.10.7.3 second: RST without ACK in SYN-SENT' }];
  }
  // Fourth: the SYN bit.
  if (seg.flags & SYN) {
    const decisions: Decision[] = [{ type: 'take-syn', selectIss: false }];
    if (hasAck) decisions.push({ type: 'acknowledge', ack: seg.ack });
    decisions.push({ type: 'update-window', window: seg.window, seq: seg.seq, ack: seg.ack });
    if (hasAck) {
      // "If SND.UNA > ISS (our SYN has been ACKed), change the connection state to ESTABLISHED, form
      // an ACK segment <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and send it." (An acceptable ACK here is
      // above ISS, so SND.UNA > ISS once it is taken.)
      decisions.push(
        event({ type: 'RCV.SYN-ACK', cause: '3.10.7.3 fourth: SYN,ACK acknowledging our SYN' }),
        { type: 'ack', cause: '3.10.7.3 fourth: acknowledge the SYN,ACK' },
      );
    } else {
      // Simultaneous open: "enter SYN-RECEIVED, form a SYN,ACK segment <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>".
      decisions.push(
        event({ type: 'RCV.SYN', cause: '3.10.7.3 fourth: SYN without ACK (simultaneous open)' }),
      );
    }
    return decisions;
  }
  // Fifth: "If neither of the SYN or RST bits is set, then drop the segment and return."
  return [{ type: 'discard', cause: '3.10.7.3 fifth: neither SYN nor RST in SYN-SENT' }];
}

// ---------------------------------------------------------------------------------------------
// 3.10.7.4 Other states

/** First step: acceptability, then trimming. `trimmed` is set when processing continues. */
export function checkSequence(
  ctx: StepContext,
  seg: TcpSegment,
): StepResult & { readonly trimmed?: Trimmed } {
  const tcb = ctx.tcb;
  const rcvWnd = ctx.rcvWnd;
  const segLen = segLength(seg);
  if (isSegmentAcceptable(tcb.rcvNxt, rcvWnd, seg.seq, segLen)) {
    return { decisions: [], proceed: true, trimmed: trimToWindow(tcb.rcvNxt, rcvWnd, seg) };
  }
  if (
    ctx.state === 'TIME-WAIT' &&
    seg.flags & FIN &&
    !(seg.flags & RST) &&
    seqAdd(seg.seq, segLen) === tcb.rcvNxt
  ) {
    // 3.10.7.4 eighth step, TIME-WAIT: "The only thing that can arrive in this state is a
    // retransmission of the remote FIN. Acknowledge it, and restart the 2 MSL timeout." (The FIN
    // lies before RCV.NXT, so it reaches us here rather than through the FIN step.)
    return stop(...processFin(ctx));
  }
  const decisions: Decision[] = [];
  // RFC 5961 3.2 / 4.2: a RST outside the window is dropped silently; otherwise "an acknowledgment
  // should be sent in reply (unless the RST bit is set)".
  if (!(seg.flags & RST)) {
    // With a zero window, valid ACKs must still be processed ("special allowance").
    if (rcvWnd === 0 && seg.seq === tcb.rcvNxt && seg.flags & ACK && !(seg.flags & SYN)) {
      decisions.push({ type: 'process-ack', trimmed: { seq: seg.seq, start: 0, end: 0, fin: false } });
    }
    if (ctx.state === 'SYN-RCVD' && seg.flags & SYN && seg.seq === tcb.irs) {
      if (seg.flags & ACK && seqLt(tcb.sndUna, seg.ack) && seqLe(seg.ack, tcb.sndNxt)) {
        // Simultaneous open (RFC 9293 3.5, figure 7, line 6): the peer's SYN,ACK repeats the SYN we
        // already took and acknowledges ours. Trimmed of its old SYN it is the ACK of our SYN: enter
        // ESTABLISHED, nothing more to send (Linux accepts the same segment in SYN_RECV).
        return stop({
          type: 'process-ack',
          trimmed: { seq: seqAdd(seg.seq, 1), start: 0, end: 0, fin: false },
        });
      }
      // A retransmitted SYN: our SYN,ACK was lost. Answer with the SYN,ACK again (as Linux does).
      decisions.push({ type: 'resend-syn-ack', cause: '3.10.7.4 first: retransmitted SYN in SYN-RCVD' });
    } else {
      decisions.push({ type: 'ack', cause: '3.10.7.4 first: unacceptable segment' });
    }
  }
  decisions.push({ type: 'discard', cause: '3.10.7.4 first: unacceptable segment' });
  return { decisions, proceed: false };
}

/** Second step: the RST bit, validated per RFC 5961 3.2. */
export function checkRst(ctx: StepContext, seg: TcpSegment): StepResult {
  if (!(seg.flags & RST)) return GO_ON;
  const state = ctx.state;
  const kind = classifyRst(ctx.tcb.rcvNxt, ctx.rcvWnd, seg.seq);
  if (kind === 'in-window' && ctx.profile.rfc5961) {
    // RFC 5961 3.2: "If the RST bit is set and the sequence number does not exactly match the next
    // expected sequence value, yet is within the current receive window, TCP MUST send an ACK
    // (challenge ACK)."
    return stop({ type: 'challenge-ack', cause: 'RFC 5961 3.2: RST in window but not at RCV.NXT' });
  }
  if (kind === 'outside') return stop({ type: 'discard', cause: 'RFC 5961 3.2: RST outside the window' });
  if (state === 'TIME-WAIT' && ctx.profile.rstInTimeWait === 'ignore')
    return stop({ type: 'discard', cause: 'RFC 1337: RST in TIME-WAIT ignored' });
  // Without RFC 5961 (RFC 793's rule): any RST in the window resets the connection.
  if (state === 'SYN-RCVD') {
    return stop(
      event({
        type: 'RCV.RST',
        cause: ctx.passive
          ? '3.10.7.4 step 2: RST in SYN-RCVD from passive OPEN, return to LISTEN'
          : '3.10.7.4 step 2: RST in SYN-RCVD from active OPEN, connection refused',
      }),
    );
  }
  return stop(
    event({ type: 'RCV.RST', cause: `3.10.7.4 step 2: RST in window (SEG.SEQ = RCV.NXT) in ${state}` }),
  );
}

/** Fourth step: the SYN bit. */
export function checkSyn(ctx: StepContext, seg: TcpSegment): StepResult {
  if (!(seg.flags & SYN)) return GO_ON;
  const state = ctx.state;
  if (state === 'SYN-RCVD' && ctx.passive) {
    // "If the connection was initiated with a passive OPEN, then return this connection to the
    // LISTEN state and return."
    return stop(
      event({
        type: 'RCV.SYN',
        cause: '3.10.7.4 step 4: SYN in SYN-RCVD from passive OPEN, return to LISTEN',
      }),
    );
  }
  if (!ctx.profile.rfc5961) {
    // RFC 793 / RFC 9293 3.10.7.4 fourth step without the mitigation: "If the SYN is in the window it
    // is an error, send a reset, ... enter the CLOSED state, delete the TCB, and return."
    return stop(
      { type: 'reset', cause: `3.10.7.4 step 4: SYN in window in ${state} (RFC 5961 off), send reset` },
      event({ type: 'RCV.RST', cause: `3.10.7.4 step 4: SYN in window in ${state}, connection reset` }),
    );
  }
  // RFC 5961 4.2: any SYN in a synchronized state draws a challenge ACK and is dropped.
  return stop({ type: 'challenge-ack', cause: `RFC 5961 4.2: SYN in ${state}` });
}

/**
 * Fifth step, first part: the ACK bit, and SYN-RCVD. "If the ACK bit is off, drop the segment and
 * return." In SYN-RCVD: "If SND.UNA < SEG.ACK =< SND.NXT, then enter ESTABLISHED state and continue
 * processing"; "If the segment acknowledgment is not acceptable, form a reset segment <SEQ=SEG.ACK><CTL=RST>".
 */
export function checkAckOfSyn(ctx: StepContext, seg: TcpSegment): StepResult {
  if (!(seg.flags & ACK)) return stop({ type: 'discard', cause: '3.10.7.4 step 5: ACK bit off' });
  if (ctx.state !== 'SYN-RCVD') return GO_ON;
  const tcb = ctx.tcb;
  if (!(seqLt(tcb.sndUna, seg.ack) && seqLe(seg.ack, tcb.sndNxt)))
    return stop({ type: 'reset', cause: '3.10.7.4 step 5: unacceptable ACK in SYN-RCVD' });
  return {
    proceed: true,
    decisions: [
      { type: 'update-window', window: ctx.peerWindow(seg), seq: seg.seq, ack: seg.ack },
      { type: 'acknowledge', ack: seg.ack },
      event({ type: 'RCV.ACK-OF-SYN', cause: '3.10.7.4 step 5: ACK of our SYN in SYN-RCVD' }),
    ],
  };
}

/** Fifth step, the ACK field in the synchronized states (after checkAckOfSyn). */
export function checkAck(ctx: StepContext, seg: TcpSegment, trimmed: Trimmed): StepResult {
  const tcb = ctx.tcb;
  const kind = classifyAck(tcb, seg.ack);
  if (kind === 'not-yet-sent') {
    // "If the ACK acks something not yet sent (SEG.ACK > SND.NXT), then send an ACK, drop the segment, and return."
    return stop({ type: 'ack', cause: '3.10.7.4 step 5: ACK of data not yet sent' });
  }
  const decisions: Decision[] = [{ type: 'ack-heard', window: seg.window }];
  const window = ctx.peerWindow(seg);
  if (kind === 'acceptable') decisions.push({ type: 'acknowledge', ack: seg.ack });
  else if (isDuplicateAck(tcb, seg, window)) decisions.push({ type: 'duplicate-ack' });
  const sndUna = kind === 'acceptable' ? seg.ack : tcb.sndUna;
  // "If SND.UNA =< SEG.ACK =< SND.NXT, the send window should be updated" (WL1/WL2 guard stale segments).
  // As Linux does (tcp_may_update_window), an ACK that advanced SND.UNA also updates the window: a
  // retransmitted segment carries an older SEQ than SND.WL1 but the newest window.
  if (
    seqLe(sndUna, seg.ack) &&
    seqLe(seg.ack, tcb.sndMax) &&
    (kind === 'acceptable' || windowUpdateAllowed(tcb, seg.seq, seg.ack))
  ) {
    decisions.push({ type: 'update-window', window, seq: seg.seq, ack: seg.ack });
  }
  const finAcked = ctx.finSeq !== undefined && seqLt(ctx.finSeq, sndUna);
  if (finAcked) {
    switch (ctx.state) {
      case 'FIN-WAIT-1':
        // A FIN in this same segment that is reached in sequence now takes FIN-WAIT-1 straight to
        // TIME-WAIT in the eighth step ("If our FIN has been ACKed (perhaps in this segment)").
        if (!(trimmed.fin && trimmed.seq === tcb.rcvNxt))
          decisions.push(
            event({ type: 'RCV.ACK-OF-FIN', cause: '3.10.7.4 step 5: our FIN acknowledged in FIN-WAIT-1' }),
          );
        break;
      case 'CLOSING':
        decisions.push(
          event({ type: 'RCV.ACK-OF-FIN', cause: '3.10.7.4 step 5: our FIN acknowledged in CLOSING' }),
        );
        return stop(...decisions);
      case 'LAST-ACK':
        decisions.push(
          event({ type: 'RCV.ACK-OF-FIN', cause: '3.10.7.4 step 5: our FIN acknowledged in LAST-ACK' }),
        );
        return stop(...decisions);
      default:
        break;
    }
  }
  return { decisions, proceed: true };
}

/**
 * Seventh step: segment text, in ESTABLISHED, FIN-WAIT-1 and FIN-WAIT-2 only ("This should not occur
 * since a FIN has been received from the remote side" in the others).
 */
export function processText(ctx: StepContext, trimmed: Trimmed): readonly Decision[] {
  const state = ctx.state;
  if (state !== 'ESTABLISHED' && state !== 'FIN-WAIT-1' && state !== 'FIN-WAIT-2') return [];
  if (trimmed.end === trimmed.start && !trimmed.fin) return [];
  return [{ type: 'accept-text', trimmed }];
}

/** Eighth step: the FIN bit, once the FIN is in sequence. */
export function processFin(ctx: StepContext): readonly Decision[] {
  const state = ctx.state;
  const ack: Decision = { type: 'ack-at-end', cause: `3.10.7.4 step 8: acknowledge the FIN in ${state}` };
  switch (state) {
    case 'SYN-RCVD':
    case 'ESTABLISHED':
      return [
        event({
          type: 'RCV.FIN',
          ourFinAcked: false,
          cause: `3.10.7.4 step 8: FIN in ${state}, enter CLOSE-WAIT`,
        }),
        ack,
      ];
    case 'FIN-WAIT-1': {
      const acked = ctx.finSeq !== undefined && seqLt(ctx.finSeq, ctx.tcb.sndUna);
      return [
        event({
          type: 'RCV.FIN',
          ourFinAcked: acked,
          cause: acked
            ? '3.10.7.4 step 8: FIN in FIN-WAIT-1 with our FIN acknowledged, enter TIME-WAIT'
            : '3.10.7.4 step 8: FIN in FIN-WAIT-1, our FIN not acknowledged, enter CLOSING (simultaneous close)',
        }),
        ack,
      ];
    }
    case 'FIN-WAIT-2':
      return [
        event({
          type: 'RCV.FIN',
          ourFinAcked: true,
          cause: '3.10.7.4 step 8: FIN in FIN-WAIT-2, enter TIME-WAIT',
        }),
        ack,
      ];
    case 'TIME-WAIT':
      return [
        event({
          type: 'RCV.FIN',
          ourFinAcked: true,
          cause: '3.10.7.4 step 8: FIN retransmitted in TIME-WAIT, restart 2MSL',
        }),
        ack,
      ];
    default:
      return [ack]; // CLOSE-WAIT, CLOSING, LAST-ACK: "Remain in the ... state."
  }
}
