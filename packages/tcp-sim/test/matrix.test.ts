/**
 * The state x segment-type x window-edge matrix, RFC 9293 3.10.7, generated as one table: every
 * state, eight segment types, SEG.SEQ at the four edges of the receive window, RFC 5961 on and off.
 * Each row drives a real endpoint into the state with the scripted raw peer, injects one segment,
 * collects what comes back for 300 ms (longer than any delayed ACK, shorter than any RTO) and the
 * state it ends in, and compares with the answer the RFC gives (`rfc9293Answer`, written from the
 * RFC's text, not from the implementation).
 *
 * Numbers are relative: SEG.SEQ to the peer's ISS, SEG.ACK to the endpoint's ISS. Every segment with
 * ACK carries SEG.ACK = SND.NXT (it acknowledges everything sent), the common case of a live peer.
 */
import { describe, expect, it } from 'vitest';
import { createScriptedPeer, formatFlags, type ScriptedPeer, TCP_STATES, type TcpState } from './shim.js';

const KINDS = ['SYN', 'SYN-ACK', 'SYN-FIN', 'ACK', 'FIN', 'FIN-ACK', 'RST', 'RST-ACK'] as const;
type Kind = (typeof KINDS)[number];
const FLAGS: Record<Kind, string> = {
  SYN: 'S',
  'SYN-ACK': 'S.',
  'SYN-FIN': 'SF',
  ACK: '.',
  FIN: 'F',
  'FIN-ACK': 'F.',
  RST: 'R',
  'RST-ACK': 'R.',
};
const EDGES = ['RCV.NXT-1', 'RCV.NXT', 'RCV.NXT+WND-1', 'RCV.NXT+WND'] as const;
type Edge = (typeof EDGES)[number];

const PEER_ISS = 5000;
const ENDPOINT_ISS = 1000;
/** RCV.WND where no connection has one yet (CLOSED, LISTEN, SYN-SENT): the default buffer. */
const WND = 65535;

/**
 * What the endpoint knows after the fixture, relative: RCV.NXT (peer's numbers), SND.NXT (ours), and
 * RCV.WND as last advertised (the peer's FIN takes one number without moving the window's right
 * edge, so after it RCV.WND is 65534).
 */
interface Fixture {
  readonly peer: ScriptedPeer;
  readonly rcvNxt: number;
  readonly sndNxt: number;
  readonly wnd: number;
}

/** Drives a fresh endpoint into `state` (passively opened where a connection exists). */
function fixture(state: TcpState, rfc5961: boolean): Fixture {
  const peer = createScriptedPeer({
    profile: { rfc5961 },
    peerIss: PEER_ISS,
    endpointIss: ENDPOINT_ISS,
  });
  const at = (rcvNxt: number, sndNxt: number): Fixture => ({
    peer,
    rcvNxt,
    sndNxt,
    wnd: peer.socket && peer.sock.state !== 'SYN-SENT' ? peer.sock.tcb.rcvWnd : WND,
  });
  if (state === 'CLOSED') {
    peer.closedPort(81);
    return at(1, 1);
  }
  if (state === 'SYN-SENT') {
    peer.connect();
    peer.expect({ flags: 'S', seq: 0 });
    return at(1, 1);
  }
  peer.listen(80);
  if (state === 'LISTEN') return at(1, 1);
  peer.inject({ flags: 'S', seq: 0 });
  peer.expect({ flags: 'S.', seq: 0, ack: 1 });
  if (state === 'SYN-RCVD') return at(1, 1);
  peer.inject({ flags: '.', seq: 1, ack: 1 });
  peer.advance(0);
  peer.sock.on('data', () => {});
  if (state === 'ESTABLISHED') return at(1, 1);
  if (state === 'CLOSE-WAIT' || state === 'LAST-ACK') {
    peer.inject({ flags: 'F.', seq: 1, ack: 1 });
    peer.expect({ flags: '.', seq: 1, ack: 2 });
    if (state === 'CLOSE-WAIT') return at(2, 1);
    peer.sock.end();
    peer.expect({ flags: 'F.', seq: 1, ack: 2 });
    return at(2, 2);
  }
  peer.sock.end();
  peer.expect({ flags: 'F.', seq: 1, ack: 1 });
  if (state === 'FIN-WAIT-1') return at(1, 2);
  if (state === 'CLOSING') {
    peer.inject({ flags: 'F.', seq: 1, ack: 1 });
    peer.expect({ flags: '.', seq: 2, ack: 2 });
    return at(2, 2);
  }
  peer.inject({ flags: '.', seq: 1, ack: 2 });
  peer.advance(0);
  if (state === 'FIN-WAIT-2') return at(1, 2);
  peer.inject({ flags: 'F.', seq: 1, ack: 2 });
  peer.expect({ flags: '.', seq: 2, ack: 2 });
  return at(2, 2); // TIME-WAIT
}

/** A reply: flags, SEQ relative to our ISS ('zero' = absolute 0), ACK relative to the peer's ISS. */
interface Reply {
  readonly flags: string;
  readonly seq: number | 'zero';
  readonly ack?: number;
}
interface Answer {
  readonly reply: Reply | undefined;
  readonly state: TcpState;
  readonly rule: string;
}

/**
 * The expected answer, from RFC 9293 3.10.7 (and RFC 5961 when on). Two documented choices follow
 * Linux where the RFC is silent or differs (see README "Deviations"): a retransmitted SYN in
 * SYN-RCVD gets the SYN,ACK again; a SYN,ACK repeating the peer's SYN and acknowledging ours in
 * SYN-RCVD completes the open (figure 7). A FIN beyond the peer's first FIN (CLOSE-WAIT, CLOSING,
 * LAST-ACK, TIME-WAIT) is text after the FIN: step 7 "ignore the segment text", no ACK (as Linux).
 */
function rfc9293Answer(state: TcpState, kind: Kind, seq: number, rfc5961: boolean, f: Fixture): Answer {
  const flags = FLAGS[kind];
  const syn = flags.includes('S');
  const fin = flags.includes('F');
  const rst = flags.includes('R');
  const hasAck = flags.includes('.');
  const len = (syn ? 1 : 0) + (fin ? 1 : 0);
  const { rcvNxt, sndNxt, wnd } = f;
  const ack: Reply = { flags: '.', seq: sndNxt, ack: rcvNxt }; // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>
  // "If the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>; otherwise <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>."
  const reset: Reply = hasAck ? { flags: 'R', seq: sndNxt } : { flags: 'R.', seq: 'zero', ack: seq + len };
  const none = undefined;
  switch (state) {
    case 'CLOSED':
      return { reply: rst ? none : reset, state, rule: '3.10.7.1: no TCB, reset unless RST' };
    case 'LISTEN':
      if (rst) return { reply: none, state, rule: '3.10.7.2 first: RST ignored' };
      if (hasAck) return { reply: reset, state, rule: '3.10.7.2 second: ACK draws <SEQ=SEG.ACK><CTL=RST>' };
      if (syn)
        return {
          reply: { flags: 'S.', seq: 0, ack: seq + 1 },
          state: 'SYN-RCVD',
          rule: '3.10.7.2 third: SYN, send <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>',
        };
      return { reply: none, state, rule: '3.10.7.2 fourth: other segments dropped' };
    case 'SYN-SENT':
      // SEG.ACK = SND.NXT = ISS+1 is acceptable (first step).
      if (rst)
        return hasAck
          ? {
              reply: none,
              state: 'CLOSED',
              rule: '3.10.7.3 second: RST with acceptable ACK, connection refused',
            }
          : { reply: none, state, rule: '3.10.7.3 second: RST without ACK dropped' };
      if (syn)
        return hasAck
          ? {
              reply: { flags: '.', seq: sndNxt, ack: seq + 1 },
              state: 'ESTABLISHED',
              rule: '3.10.7.3 fourth: SYN,ACK, send <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>',
            }
          : {
              reply: { flags: 'S.', seq: 0, ack: seq + 1 },
              state: 'SYN-RCVD',
              rule: '3.10.7.3 fourth: SYN (simultaneous open), send SYN,ACK',
            };
      return { reply: none, state, rule: '3.10.7.3 fifth: neither SYN nor RST, dropped' };
    default:
      break;
  }
  // 3.10.7.4 first step: acceptability (RCV.WND > 0).
  const inWindow = (s: number) => s - rcvNxt >= 0 && s - rcvNxt < wnd;
  const acceptable = len === 0 ? inWindow(seq) : inWindow(seq) || inWindow(seq + len - 1);
  if (!acceptable) {
    if (state === 'SYN-RCVD' && syn && seq === rcvNxt - 1) {
      return hasAck
        ? { reply: none, state: 'ESTABLISHED', rule: 'figure 7: SYN,ACK repeating the SYN acknowledges ours' }
        : {
            reply: { flags: 'S.', seq: 0, ack: rcvNxt },
            state,
            rule: 'retransmitted SYN: SYN,ACK again (Linux)',
          };
    }
    return {
      reply: rst ? none : ack,
      state,
      rule: '3.10.7.4 first: not acceptable: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> unless RST',
    };
  }
  // Second step: RST.
  if (rst) {
    if (rfc5961 && seq !== rcvNxt)
      return { reply: ack, state, rule: 'RFC 5961 3.2: RST in window, not at RCV.NXT: challenge ACK' };
    return {
      reply: none,
      state: state === 'SYN-RCVD' ? 'LISTEN' : 'CLOSED',
      rule: '3.10.7.4 second: RST in window resets (passive SYN-RCVD returns to LISTEN)',
    };
  }
  // Fourth step: SYN.
  if (syn) {
    if (state === 'SYN-RCVD')
      return { reply: none, state: 'LISTEN', rule: '3.10.7.4 fourth: passive SYN-RCVD to LISTEN' };
    if (rfc5961)
      return { reply: ack, state, rule: 'RFC 5961 4.2: SYN in a synchronized state: challenge ACK' };
    return { reply: reset, state: 'CLOSED', rule: '3.10.7.4 fourth (RFC 793): SYN in window: reset, CLOSED' };
  }
  // Fifth step: ACK (SEG.ACK = SND.NXT acknowledges everything, our FIN included).
  if (!hasAck) return { reply: none, state, rule: '3.10.7.4 fifth: ACK bit off, dropped' };
  let now: TcpState = state;
  if (state === 'SYN-RCVD') now = 'ESTABLISHED';
  if (state === 'FIN-WAIT-1') now = 'FIN-WAIT-2';
  if (state === 'CLOSING')
    return { reply: none, state: 'TIME-WAIT', rule: '3.10.7.4 fifth: our FIN acked in CLOSING' };
  if (state === 'LAST-ACK')
    return { reply: none, state: 'CLOSED', rule: '3.10.7.4 fifth: our FIN acked in LAST-ACK' };
  if (!fin) return { reply: none, state: now, rule: '3.10.7.4 fifth: acceptable ACK' };
  // Seventh and eighth steps.
  if (now !== 'ESTABLISHED' && now !== 'FIN-WAIT-1' && now !== 'FIN-WAIT-2')
    return { reply: none, state: now, rule: '3.10.7.4 seventh: text after the peer FIN ignored' };
  if (seq !== rcvNxt)
    return { reply: ack, state: now, rule: 'RFC 5681 4.2 / 3.10.7.4: out-of-order FIN held, immediate ACK' };
  return {
    reply: { flags: '.', seq: sndNxt, ack: rcvNxt + 1 },
    state: now === 'ESTABLISHED' ? 'CLOSE-WAIT' : 'TIME-WAIT',
    rule: '3.10.7.4 eighth: FIN in order, ACK it',
  };
}

interface Row {
  readonly state: TcpState;
  readonly kind: Kind;
  readonly edge: Edge;
  readonly rfc5961: boolean;
}

const ROWS: Row[] = [];
for (const state of TCP_STATES)
  for (const kind of KINDS)
    for (const edge of EDGES) for (const rfc5961 of [true, false]) ROWS.push({ state, kind, edge, rfc5961 });

function edgeSeq(edge: Edge, rcvNxt: number, wnd: number): number {
  switch (edge) {
    case 'RCV.NXT-1':
      return rcvNxt - 1;
    case 'RCV.NXT':
      return rcvNxt;
    case 'RCV.NXT+WND-1':
      return rcvNxt + wnd - 1;
    case 'RCV.NXT+WND':
      return rcvNxt + wnd;
  }
}

function observe(row: Row): { answer: Answer; reply: Reply | undefined; extra: string[]; state: TcpState } {
  const f = fixture(row.state, row.rfc5961);
  const { peer } = f;
  const seq = edgeSeq(row.edge, f.rcvNxt, f.wnd);
  const answer = rfc9293Answer(row.state, row.kind, seq, row.rfc5961, f);
  const before = peer.sim.trace.events.length;
  peer.inject({ flags: FLAGS[row.kind], seq, ack: f.sndNxt, win: WND });
  const got = peer.collect(300);
  let state: TcpState = row.state;
  for (const e of peer.sim.trace.events.slice(before))
    if (e.type === 'tcp.state' && e.host === 'tcp') state = e.to;
  const first = got[0];
  const reply: Reply | undefined = first && {
    flags: formatFlags(first.flags & ~0x08),
    seq: first.seq === 0 && first.flags & 0x04 ? 'zero' : (first.seq - ENDPOINT_ISS) >>> 0,
    ...(first.flags & 0x10 ? { ack: (first.ack - PEER_ISS) >>> 0 } : {}),
  };
  return { answer, reply, extra: got.slice(1).map((s) => peer.describe(s)), state };
}

describe('RFC 9293 3.10.7: state x segment type x window edge (x RFC 5961 on/off)', () => {
  it('the matrix covers 11 states x 8 segment types x 4 window edges x 2 = 704 rows', () => {
    expect(ROWS.length).toBe(704);
  });

  it.each(ROWS)('$state: $kind at $edge, RFC 5961 $rfc5961', (row) => {
    const { answer, reply, extra, state } = observe(row);
    expect({ reply, state, extra }, answer.rule).toEqual({
      reply: answer.reply,
      state: answer.state,
      extra: [],
    });
  });
});
