/**
 * The RFC 9293 3.10.7 step functions as pure functions: a hand-made, frozen StepContext in, the
 * decisions out. Nothing is sent and nothing changes; the connection carries the decisions out.
 * Expected decisions are written from the RFC's text for each step.
 */
import { describe, expect, it } from 'vitest';
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
} from '../src/endpoint/segment-arrives.js';
import type { TcpState } from '../src/endpoint/states.js';
import { LINUX_PROFILE, RFC_PROFILE, type Tcb, type TcpSegment } from '../src/index.js';
import { ACK, FIN, RST, SYN } from '../src/wire/tcp-segment.js';

const TCB: Tcb = Object.freeze({
  iss: 100,
  irs: 500,
  sndUna: 101,
  sndNxt: 111,
  sndMax: 111,
  sndWnd: 1000,
  sndWl1: 501,
  sndWl2: 101,
  rcvNxt: 501,
  rcvWnd: 100,
  sndMss: 1000,
  rcvMss: 1000,
});

function ctx(
  state: TcpState,
  over: Partial<Omit<StepContext, 'tcb'>> & { tcb?: Partial<Tcb> } = {},
): StepContext {
  const { tcb, ...rest } = over;
  return Object.freeze({
    state,
    passive: false,
    profile: RFC_PROFILE,
    rcvWnd: 100,
    finSeq: undefined,
    peerWindow: (seg: TcpSegment) => seg.window,
    ...rest,
    tcb: Object.freeze({ ...TCB, ...tcb }),
  });
}

function seg(flags: number, seq: number, ack: number, len = 0, window = 1000): TcpSegment {
  return { srcPort: 80, dstPort: 49152, seq, ack, flags, window, options: {}, payload: new Uint8Array(len) };
}

const types = (ds: readonly Decision[]) =>
  ds.map((d) => (d.type === 'event' ? `event:${d.event.type}` : d.type));

describe('RFC 9293 3.10.7.2 LISTEN', () => {
  it('RFC 9293 3.10.7.2 first: a RST is ignored', () => {
    expect(types(listenStep(ctx('LISTEN'), seg(RST, 1, 0)))).toEqual(['discard']);
  });
  it('RFC 9293 3.10.7.2 second: an ACK draws <SEQ=SEG.ACK><CTL=RST>', () => {
    expect(types(listenStep(ctx('LISTEN'), seg(ACK, 1, 77)))).toEqual(['reset']);
  });
  it('RFC 9293 3.10.7.2 third: a SYN takes IRS, selects an ISS and enters SYN-RCVD', () => {
    expect(types(listenStep(ctx('LISTEN'), seg(SYN, 1, 0)))).toEqual([
      'take-syn',
      'update-window',
      'event:RCV.SYN',
    ]);
  });
});

describe('RFC 9293 3.10.7.3 SYN-SENT', () => {
  const c = ctx('SYN-SENT', { tcb: { sndUna: 100, sndNxt: 101, sndMax: 101 } });
  it('RFC 9293 3.10.7.3 first: SEG.ACK =< ISS draws a reset unless RST', () => {
    expect(types(synSentStep(c, seg(SYN | ACK, 7, 100)))).toEqual(['reset']);
    expect(types(synSentStep(c, seg(RST | ACK, 7, 100)))).toEqual(['discard']);
  });
  it('RFC 9293 3.10.7.3 second: RST with an acceptable ACK resets; without ACK it is dropped', () => {
    expect(types(synSentStep(c, seg(RST | ACK, 7, 101)))).toEqual(['event:RCV.RST']);
    expect(types(synSentStep(c, seg(RST, 7, 0)))).toEqual(['discard']);
  });
  it('RFC 9293 3.10.7.3 fourth: SYN,ACK acknowledging our SYN: ESTABLISHED and an ACK', () => {
    expect(types(synSentStep(c, seg(SYN | ACK, 7, 101)))).toEqual([
      'take-syn',
      'acknowledge',
      'update-window',
      'event:RCV.SYN-ACK',
      'ack',
    ]);
  });
  it('RFC 9293 3.10.7.3 fourth: a SYN without ACK is a simultaneous open', () => {
    expect(types(synSentStep(c, seg(SYN, 7, 0)))).toEqual(['take-syn', 'update-window', 'event:RCV.SYN']);
  });
});

describe('RFC 9293 3.10.7.4 synchronized states', () => {
  it('RFC 9293 3.10.7.4 step 1: an unacceptable segment draws an ACK and is dropped', () => {
    const r = checkSequence(ctx('ESTABLISHED'), seg(ACK, 900, 111, 10));
    expect(r.proceed).toBe(false);
    expect(types(r.decisions)).toEqual(['ack', 'discard']);
  });
  it('RFC 9293 3.10.7.4 step 1: an acceptable segment is trimmed to the window', () => {
    // "segments are trimmed so that only the portion within the window is processed"
    const left = checkSequence(ctx('ESTABLISHED'), seg(ACK, 495, 111, 50));
    expect(left.proceed).toBe(true);
    expect(left.trimmed).toEqual({ seq: 501, start: 6, end: 50, fin: false });
    const right = checkSequence(ctx('ESTABLISHED'), seg(ACK | FIN, 550, 111, 100));
    expect(right.trimmed).toEqual({ seq: 550, start: 0, end: 51, fin: false });
  });
  it('RFC 9293 3.10.7.4 step 1: with a zero window an ACK at RCV.NXT is still processed', () => {
    const r = checkSequence(ctx('ESTABLISHED', { rcvWnd: 0 }), seg(ACK, 501, 111, 10));
    expect(types(r.decisions)).toEqual(['process-ack', 'ack', 'discard']);
  });
  it('RFC 9293 3.10.7.4 step 2: RST at RCV.NXT resets; RFC 5961 3.2: in window draws a challenge ACK', () => {
    expect(types(checkRst(ctx('ESTABLISHED'), seg(RST, 501, 0)).decisions)).toEqual(['event:RCV.RST']);
    expect(types(checkRst(ctx('ESTABLISHED'), seg(RST, 510, 0)).decisions)).toEqual(['challenge-ack']);
    expect(types(checkRst(ctx('ESTABLISHED'), seg(RST, 9000, 0)).decisions)).toEqual(['discard']);
  });
  it('RFC 9293 3.10.7.4 step 4: SYN in SYN-RCVD from a passive OPEN returns to LISTEN; RFC 5961 4.2 otherwise', () => {
    expect(types(checkSyn(ctx('SYN-RCVD', { passive: true }), seg(SYN, 501, 0)).decisions)).toEqual([
      'event:RCV.SYN',
    ]);
    expect(types(checkSyn(ctx('ESTABLISHED'), seg(SYN, 501, 0)).decisions)).toEqual(['challenge-ack']);
    expect(
      types(
        checkSyn(ctx('ESTABLISHED', { profile: { ...LINUX_PROFILE, rfc5961: false } }), seg(SYN, 501, 0))
          .decisions,
      ),
    ).toEqual(['reset', 'event:RCV.RST']);
  });
  it('RFC 9293 3.10.7.4 step 5: ACK bit off: dropped; SYN-RCVD: an unacceptable ACK draws a reset', () => {
    expect(checkAckOfSyn(ctx('ESTABLISHED'), seg(0, 501, 0)).proceed).toBe(false);
    const bad = checkAckOfSyn(ctx('SYN-RCVD', { tcb: { sndUna: 100, sndNxt: 101 } }), seg(ACK, 501, 200));
    expect(types(bad.decisions)).toEqual(['reset']);
    const good = checkAckOfSyn(ctx('SYN-RCVD', { tcb: { sndUna: 100, sndNxt: 101 } }), seg(ACK, 501, 101));
    expect(types(good.decisions)).toEqual(['update-window', 'acknowledge', 'event:RCV.ACK-OF-SYN']);
  });
  it('RFC 9293 3.10.7.4 step 5: an ACK of something not yet sent draws an ACK and is dropped', () => {
    const r = checkAck(ctx('ESTABLISHED'), seg(ACK, 501, 500), { seq: 501, start: 0, end: 0, fin: false });
    expect(r.proceed).toBe(false);
    expect(types(r.decisions)).toEqual(['ack']);
  });
  it('RFC 9293 3.10.7.4 step 5: our FIN acknowledged in LAST-ACK enters CLOSED and stops', () => {
    const c = ctx('LAST-ACK', { finSeq: 110 });
    const r = checkAck(c, seg(ACK, 501, 111), { seq: 501, start: 0, end: 0, fin: false });
    expect(r.proceed).toBe(false);
    expect(types(r.decisions)).toEqual(['ack-heard', 'acknowledge', 'update-window', 'event:RCV.ACK-OF-FIN']);
  });
  it('RFC 9293 3.10.7.4 step 7: text is accepted only in ESTABLISHED and FIN-WAIT-1/2', () => {
    const t = { seq: 501, start: 0, end: 10, fin: false };
    expect(types(processText(ctx('ESTABLISHED'), t))).toEqual(['accept-text']);
    expect(types(processText(ctx('FIN-WAIT-2'), t))).toEqual(['accept-text']);
    expect(types(processText(ctx('CLOSE-WAIT'), t))).toEqual([]);
  });
  it('RFC 9293 3.10.7.4 step 8: a FIN is acknowledged in every state, and moves the state per the RFC', () => {
    const cases: Array<[TcpState, string[]]> = [
      ['ESTABLISHED', ['event:RCV.FIN', 'ack-at-end']],
      ['FIN-WAIT-2', ['event:RCV.FIN', 'ack-at-end']],
      ['CLOSE-WAIT', ['ack-at-end']],
      ['TIME-WAIT', ['event:RCV.FIN', 'ack-at-end']],
    ];
    for (const [state, expected] of cases) expect(types(processFin(ctx(state)))).toEqual(expected);
  });
});
