/**
 * The pure rules behind segment processing, table-driven: RFC 9293 3.10.7.4 acceptability and
 * trimming, RFC 5961 RST classes, ACK classes, the window-update test, reset replies, RFC 6298 RTO
 * arithmetic, and reassembly (RFC 9293 3.10.7.4 seventh step).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  afterSynLoss,
  backOff,
  classifyAck,
  classifyRst,
  currentRto,
  initialRtt,
  isSegmentAcceptable,
  LINUX_PROFILE,
  ReassemblyQueue,
  RFC_PROFILE,
  resetFor,
  sampleRtt,
  synSentAckIsAcceptable,
  type Tcb,
  type TcpSegment,
  trimToWindow,
  windowUpdateAllowed,
} from '../src/index.js';

const tcb = (over: Partial<Tcb>): Tcb => ({
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
  sndMss: 1460,
  rcvMss: 1460,
  ...over,
});

const seg = (seq: number, len: number, flags = 0x10): TcpSegment => ({
  srcPort: 1,
  dstPort: 2,
  seq,
  ack: 0,
  flags,
  window: 0,
  options: {},
  payload: new Uint8Array(len),
});

describe('RFC 9293 3.10.7.4 first step: the acceptability table', () => {
  it.each([
    ['len 0, wnd 0, SEG.SEQ = RCV.NXT', 0, 0, 501, true],
    ['len 0, wnd 0, SEG.SEQ != RCV.NXT', 0, 0, 502, false],
    ['len 0, wnd > 0, inside', 0, 100, 550, true],
    ['len 0, wnd > 0, at right edge', 0, 100, 601, false],
    ['len > 0, wnd 0', 10, 0, 501, false],
    ['len > 0, wnd > 0, start inside', 10, 100, 595, true],
    ['len > 0, wnd > 0, only end inside', 10, 100, 495, true],
    ['len > 0, wnd > 0, entirely old', 10, 100, 480, false],
    ['len > 0, wnd > 0, beyond', 10, 100, 601, false],
  ])('3.10.7.4: %s', (_name, len, wnd, seq, ok) => {
    expect(isSegmentAcceptable(501, wnd, seq, len)).toBe(ok);
  });

  it('3.10.7.4: the table holds across the 2^32 wrap', () => {
    expect(isSegmentAcceptable(0xfffffff0, 100, 5, 10)).toBe(true);
    expect(isSegmentAcceptable(0xfffffff0, 100, 0xffffffe0, 10)).toBe(false);
  });

  it('3.10.7.4: trimming cuts already-received octets, octets past the window, and a FIN past the window', () => {
    expect(trimToWindow(501, 100, seg(495, 10))).toEqual({ seq: 501, start: 6, end: 10, fin: false });
    expect(trimToWindow(501, 100, seg(595, 10, 0x11))).toEqual({ seq: 595, start: 0, end: 6, fin: false });
    expect(trimToWindow(501, 100, seg(591, 10, 0x11))).toEqual({ seq: 591, start: 0, end: 10, fin: true });
  });
});

describe('RFC 5961 3.2 RST and RFC 9293 3.10.7.3/3.10.7.4 ACK classes', () => {
  it.each([
    [501, 'exact'],
    [550, 'in-window'],
    [700, 'outside'],
    [400, 'outside'],
  ] as const)('RFC 5961 3.2: RST with SEG.SEQ %d is %s', (seq, kind) => {
    expect(classifyRst(501, 100, seq)).toBe(kind);
  });

  it.each([
    [100, false],
    [101, true],
    [111, true],
    [112, false],
  ])('3.10.7.3 first: in SYN-SENT, SEG.ACK %d acceptable = %s (ISS < SEG.ACK =< SND.NXT)', (ack, ok) => {
    expect(synSentAckIsAcceptable(tcb({}), ack)).toBe(ok);
  });

  it.each([
    [90, 'duplicate'],
    [101, 'duplicate'],
    [105, 'acceptable'],
    [111, 'acceptable'],
    [112, 'not-yet-sent'],
  ] as const)('3.10.7.4 step 5: SEG.ACK %d is %s', (ack, kind) => {
    expect(classifyAck(tcb({}), ack)).toBe(kind);
  });

  it.each([
    ['SND.WL1 < SEG.SEQ', 502, 101, true],
    ['SND.WL1 = SEG.SEQ and SND.WL2 =< SEG.ACK', 501, 105, true],
    ['SND.WL1 = SEG.SEQ and SND.WL2 > SEG.ACK', 501, 100, false],
    ['SND.WL1 > SEG.SEQ (old segment)', 500, 111, false],
  ])('3.10.7.4 step 5: window update when %s', (_n, seq, ack, ok) => {
    expect(windowUpdateAllowed(tcb({}), seq, ack)).toBe(ok);
  });

  it('3.10.7.1: reset replies: <SEQ=SEG.ACK><CTL=RST> with ACK; <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> without; none to a RST', () => {
    expect(resetFor({ ...seg(7, 0), ack: 99 })).toEqual({ seq: 99, ack: 0, flags: 0x04 });
    expect(resetFor(seg(7, 3, 0x03))).toEqual({ seq: 0, ack: 12, flags: 0x14 });
    expect(resetFor(seg(7, 0, 0x04))).toBeUndefined();
  });
});

describe('RFC 6298 retransmission timer', () => {
  it('RFC 6298 2.1: before any sample RTO is 1 s', () => {
    expect(currentRto(initialRtt(RFC_PROFILE), RFC_PROFILE)).toBe(1000);
  });

  it('RFC 6298 2.2: first sample R: SRTT = R, RTTVAR = R/2, RTO = SRTT + max(G, 4 RTTVAR), at least 1 s', () => {
    const e = sampleRtt(initialRtt(RFC_PROFILE), 400, RFC_PROFILE);
    expect([e.srtt, e.rttvar, currentRto(e, RFC_PROFILE)]).toEqual([400, 200, 1200]);
    const small = sampleRtt(initialRtt(RFC_PROFILE), 10, RFC_PROFILE);
    expect(currentRto(small, RFC_PROFILE)).toBe(1000); // 2.4 lower bound
  });

  // Linux tcp_rtt_estimator / tcp_set_rto: the variance term never counts for less than
  // TCP_RTO_MIN, so RTO = SRTT + max(4 RTTVAR, 200 ms).
  it.each([
    [10, 210],
    [100, 300],
    [400, 1200],
  ])(
    'Linux RTO: after a first sample of %d ms the RTO is %d ms (SRTT + max(4 RTTVAR, rto_min))',
    (r, rto) => {
      expect(currentRto(sampleRtt(initialRtt(LINUX_PROFILE), r, LINUX_PROFILE), LINUX_PROFILE)).toBe(rto);
    },
  );

  it('Linux RTO: at a steady 100 ms RTT it stays 300 ms, where RFC 6298 with a 200 ms floor falls to 200 ms', () => {
    let linux = initialRtt(LINUX_PROFILE);
    let rfc = initialRtt({ ...LINUX_PROFILE, retransmitTimeoutRule: 'rfc6298' });
    for (let i = 0; i < 50; i++) {
      linux = sampleRtt(linux, 100, LINUX_PROFILE);
      rfc = sampleRtt(rfc, 100, { ...LINUX_PROFILE, retransmitTimeoutRule: 'rfc6298' });
    }
    expect(Math.round(currentRto(linux, LINUX_PROFILE))).toBe(300);
    expect(Math.round(currentRto(rfc, LINUX_PROFILE))).toBe(200);
  });

  it('RFC 6298 2.3: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R| (with the old SRTT), then SRTT = 7/8 SRTT + 1/8 R', () => {
    const e = sampleRtt(sampleRtt(initialRtt(RFC_PROFILE), 400, RFC_PROFILE), 800, RFC_PROFILE);
    expect(e.rttvar).toBe(0.75 * 200 + 0.25 * 400);
    expect(e.srtt).toBe(0.875 * 400 + 0.125 * 800);
  });

  it('RFC 6298 5.5 and 2.5: backoff doubles the RTO up to the 60 s maximum; 5.7: 3 s after a lost SYN', () => {
    let e = initialRtt(RFC_PROFILE);
    const seen: number[] = [];
    for (let i = 0; i < 8; i++) {
      e = backOff(e);
      seen.push(currentRto(e, RFC_PROFILE));
    }
    expect(seen).toEqual([2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(currentRto(afterSynLoss(e, RFC_PROFILE), RFC_PROFILE)).toBe(3000);
  });
});

describe('RFC 9293 3.10.7.4 seventh step: reassembly', () => {
  it('3.10.7.4: any arrival order, with duplicates and overlaps, yields each octet once and in order (property)', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 0xffffffff }),
        fc.array(fc.tuple(fc.nat({ max: 199 }), fc.integer({ min: 1, max: 50 })), { maxLength: 40 }),
        (base, pieces) => {
          const stream = Uint8Array.from({ length: 200 }, (_, i) => i);
          const q = new ReassemblyQueue();
          let rcvNxt = base;
          const out: number[] = [];
          const all = [...pieces, [0, 200] as [number, number]];
          for (const [start, len] of all) {
            const end = Math.min(200, start + len);
            const from = Math.max(start, ((rcvNxt - base) >>> 0) % 2 ** 32);
            if (from >= end) continue;
            q.insert((base + from) >>> 0, stream.subarray(from, end), rcvNxt);
            const r = q.take(rcvNxt);
            for (const c of r.chunks) out.push(...c);
            rcvNxt = r.rcvNxt;
          }
          expect(out).toEqual(Array.from(stream));
          expect(q.bytes).toBe(0);
        },
      ),
    );
  });

  it('3.10.7.4 eighth step: a FIN held beyond a hole is reported only when the hole fills', () => {
    const q = new ReassemblyQueue();
    q.insert(10, new Uint8Array(5), 5);
    q.setFin(15);
    expect(q.take(5)).toEqual({ chunks: [], rcvNxt: 5, fin: false });
    q.insert(5, new Uint8Array(5), 5);
    const r = q.take(5);
    expect(r.rcvNxt).toBe(16);
    expect(r.fin).toBe(true);
  });
});
