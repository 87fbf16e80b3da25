/**
 * Loss recovery and the other timers, through the scripted raw peer: RFC 6298 (backoff, Karn),
 * RFC 5681 / RFC 6582 (slow start, fast retransmit, NewReno), RFC 9293 3.8.6.1 (persist),
 * 3.8.6.3 (delayed ACK), RFC 1122 4.2.3.4 (Nagle), 4.2.3.6 (keep-alive), RFC 5482 (user timeout).
 */
import { describe, expect, it } from 'vitest';
import { eventsOf } from './fixtures.js';
import { createScriptedPeer, createSimulation, type ProfileSpec, type ScriptedPeer } from './shim.js';

const MSS = 1000;

/** The endpoint connects; the peer answers with MSS 1000 and window `win`; handshake done at t=0. */
function open(profile: ProfileSpec, win = 65535): ScriptedPeer {
  const p = createScriptedPeer({ profile, peerIss: 5000 });
  p.connect();
  p.expect({ flags: 'S', seq: 0 });
  p.inject({ flags: 'S.', ack: 1, win, options: { mss: MSS } });
  p.expect({ flags: '.', seq: 1, ack: 1 });
  return p;
}

/** Timers of one kind that fired on the endpoint. */
function fired(p: ScriptedPeer, timer: string): { time: number }[] {
  const out: { time: number }[] = [];
  for (const e of p.sim.trace.events)
    if (e.type === 'timer.fired' && e.timer === timer) out.push({ time: e.time });
  return out;
}

const cwndTrace = (p: ScriptedPeer) =>
  eventsOf(p.sim, 'tcp.cwnd')
    .filter((e) => e.host === 'tcp')
    .map((e) => [e.cwnd, e.ssthresh, e.flight]);

describe('RFC 6298 retransmission timer', () => {
  it('RFC 6298 5.5: unacknowledged data is retransmitted after 1, 2, 4, 8 s (RTO doubles each time)', () => {
    const p = open('rfc');
    p.sock.write('x'.repeat(100));
    p.expect({ flags: 'P.', seq: 1, len: 100, after: 0 });
    for (const gap of [1000, 2000, 4000, 8000]) p.expect({ flags: 'P.', seq: 1, len: 100, after: gap });
    const rto = fired(p, 'RTO');
    expect(rto.map((e) => e.time)).toEqual([1000, 3000, 7000, 15_000]);
  });

  it('RFC 6298 3 (Karn): the ACK of a retransmitted segment gives no RTT sample and the backed-off RTO stays', () => {
    const p = open('rfc');
    const srtt = p.sock.tcb.srtt;
    p.sock.write('a');
    p.expect({ flags: 'P.', seq: 1, len: 1 });
    p.expect({ flags: 'P.', seq: 1, len: 1, after: 1000 });
    p.advance(300);
    p.inject({ flags: '.', ack: 2 });
    p.advance(1);
    expect(p.sock.tcb.srtt).toBe(srtt); // 301 ms would be ambiguous: no sample
    p.sock.write('b');
    p.expect({ flags: 'P.', seq: 2, len: 1, after: 0 });
    p.expect({ flags: 'P.', seq: 2, len: 1, after: 2000 }); // RTO still 2 s (5.5 backoff kept)
  });
});

describe('RFC 5681 / RFC 6582 congestion control', () => {
  it('RFC 5681 3.1: IW 10 (linux), then slow start adds one SMSS per ACK', () => {
    const p = open('linux');
    p.sock.write('y'.repeat(20 * MSS));
    for (let i = 0; i < 10; i++) p.expect({ flags: '.', seq: 1 + i * MSS, len: MSS, after: 0 });
    p.expectNothing(1); // cwnd = 10 segments, all in flight
    p.inject({ flags: '.', ack: 1 + MSS });
    p.expect({ flags: '.', seq: 1 + 10 * MSS, len: MSS, after: 0 });
    p.expect({ flags: '.', seq: 1 + 11 * MSS, len: MSS, after: 0 });
    expect(cwndTrace(p)).toEqual([
      [10 * MSS, 0x7fffffff, 0],
      [11 * MSS, 0x7fffffff, 9 * MSS],
    ]);
  });

  it('RFC 5681 3.1: the rfc profile starts with IW = min(4*SMSS, max(2*SMSS, 4380)) = 4000 octets for SMSS 1000', () => {
    const p = open('rfc');
    p.sock.write('y'.repeat(10 * MSS));
    for (let i = 0; i < 4; i++) p.expect({ flags: '.', seq: 1 + i * MSS, len: MSS, after: 0 });
    p.expectNothing(10);
  });

  it('RFC 5681 3.2: the third duplicate ACK retransmits at once (no RTO), cwnd = ssthresh + 3*SMSS; the full ACK ends recovery', () => {
    const p = open('linux');
    p.sock.write('z'.repeat(10 * MSS));
    for (let i = 0; i < 10; i++) p.expect({ flags: '.', seq: 1 + i * MSS, len: MSS });
    p.inject({ flags: '.', ack: 1 + MSS }); // segment 2 lost
    p.inject({ flags: '.', ack: 1 + MSS });
    p.inject({ flags: '.', ack: 1 + MSS });
    p.expectNothing(0); // two duplicates: nothing yet
    p.inject({ flags: '.', ack: 1 + MSS });
    const rexmit = p.expect({ flags: '.', seq: 1 + MSS, len: MSS, after: 0 });
    expect(rexmit.payload.length).toBe(MSS);
    p.inject({ flags: '.', ack: 1 + 10 * MSS });
    p.expectNothing(10_000);
    expect(fired(p, 'RTO')).toEqual([]);
    const sent = eventsOf(p.sim, 'segment.sent').filter((e) => e.from === 'tcp' && e.retransmission);
    expect(sent.map((e) => e.seg.relSeq)).toEqual([1 + MSS]);
    expect(cwndTrace(p)).toEqual([
      [10 * MSS, 0x7fffffff, 0],
      [11 * MSS, 0x7fffffff, 9 * MSS], // slow start on the first ACK
      [4500 + 3 * MSS, 4500, 9 * MSS], // ssthresh = FlightSize / 2, cwnd = ssthresh + 3 SMSS
      [2 * MSS, 4500, 0], // RFC 6582 full ACK: min(ssthresh, max(FlightSize, SMSS) + SMSS)
    ]);
    const phases = eventsOf(p.sim, 'tcp.cwnd')
      .filter((e) => e.host === 'tcp')
      .map((e) => e.phase);
    expect(phases).toEqual(['initial', 'slow-start', 'fast-retransmit', 'recovery-exit']);
  });

  it('RFC 6582 3.2 step 4: a partial ACK retransmits the next hole at once and stays in recovery', () => {
    const p = open('linux');
    p.sock.write('z'.repeat(10 * MSS));
    for (let i = 0; i < 10; i++) p.expect({ flags: '.', seq: 1 + i * MSS, len: MSS });
    for (let i = 0; i < 4; i++) p.inject({ flags: '.', ack: 1 + MSS }); // segments 2 and 4 lost
    p.expect({ flags: '.', seq: 1 + MSS, len: MSS, after: 0 });
    p.inject({ flags: '.', ack: 1 + 3 * MSS }); // partial: covers 2 and 3, not 4
    p.expect({ flags: '.', seq: 1 + 3 * MSS, len: MSS, after: 0 });
    p.inject({ flags: '.', ack: 1 + 10 * MSS });
    p.expectNothing(10_000);
    expect(fired(p, 'RTO')).toEqual([]);
    const phases = eventsOf(p.sim, 'tcp.cwnd').map((e) => e.phase);
    expect(phases.slice(-3)).toEqual(['fast-retransmit', 'partial-ack', 'recovery-exit']);
  });

  it('RFC 5681 3.1 eq. 4: after an RTO, ssthresh = FlightSize / 2 and cwnd = 1 SMSS (one segment goes out)', () => {
    const p = open('linux');
    p.sock.write('w'.repeat(4 * MSS));
    for (let i = 0; i < 4; i++) p.expect({ flags: '.', seq: 1 + i * MSS, len: MSS });
    p.expect({ flags: '.', seq: 1, len: MSS, after: 200 }); // RTO = rtoMin after a 0 ms RTT sample
    p.expectNothing(100);
    expect(cwndTrace(p).at(-1)).toEqual([MSS, 2 * MSS, 4 * MSS]);
    expect(eventsOf(p.sim, 'tcp.cwnd').at(-1)?.phase).toBe('timeout');
    p.inject({ flags: '.', ack: 1 + MSS });
    p.expect({ flags: '.', seq: 1 + MSS, len: MSS, after: 0 }); // slow start again: 2 segments
    p.expect({ flags: '.', seq: 1 + 2 * MSS, len: MSS, after: 0 });
  });
});

describe('RFC 9293 3.8.6.1 zero-window probes', () => {
  it('linux: probes are <SEQ=SND.UNA-1> ACKs backing off 200, 400, 800 ms ...; answered probes never time out', () => {
    const p = open('linux');
    p.sock.write('q'.repeat(2 * MSS));
    p.expect({ flags: '.', seq: 1, len: MSS });
    p.expect({ flags: '.', seq: 1 + MSS, len: MSS });
    p.inject({ flags: '.', ack: 1 + 2 * MSS, win: 0 });
    p.advance(0);
    p.sock.write('r'.repeat(100));
    let gap = 200;
    for (let i = 0; i < 25; i++) {
      p.expect({ flags: '.', seq: 2 * MSS, len: 0, after: gap }); // SND.UNA - 1
      p.inject({ flags: '.', ack: 1 + 2 * MSS, win: 0 });
      gap = Math.min(gap * 2, 120_000);
    }
    expect(p.sock.state).toBe('ESTABLISHED'); // 25 answered probes > probeRetries (15)
    // The window opens, but the window update is lost: the next probe's answer carries it.
    p.expect({ flags: '.', seq: 2 * MSS, len: 0, after: 120_000 });
    p.inject({ flags: '.', ack: 1 + 2 * MSS, win: 1000 });
    p.expect({ flags: 'P.', seq: 1 + 2 * MSS, len: 100, after: 0 });
  });

  it('rfc: the probe is the next octet of data; when the window opens the data goes from SND.UNA', () => {
    const p = open('rfc');
    p.sock.write('q'.repeat(MSS));
    p.expect({ flags: 'P.', seq: 1, len: MSS });
    p.inject({ flags: '.', ack: 1 + MSS, win: 0 });
    p.advance(0);
    p.sock.write('abc');
    const probe = p.expect({ flags: 'P.', seq: 1 + MSS, len: 1, after: 1000 });
    expect(new TextDecoder().decode(probe.payload)).toBe('a');
    p.inject({ flags: '.', ack: 1 + MSS, win: 0 }); // answered: keeps probing
    p.expect({ flags: 'P.', seq: 1 + MSS, len: 1 });
    p.inject({ flags: '.', ack: 1 + MSS, win: 3 }); // the window opens
    p.expect({ flags: 'P.', seq: 1 + MSS, len: 3, after: 0 });
  });

  it('linux: unanswered probes end in ETIMEDOUT after probeRetries', () => {
    const p = open({ base: 'linux', probeRetries: 3 });
    p.sock.write('q'.repeat(MSS));
    p.expect({ flags: '.', seq: 1, len: MSS });
    p.inject({ flags: '.', ack: 1 + MSS, win: 0 });
    p.advance(0);
    p.sock.write('abc');
    for (const gap of [200, 400, 800]) p.expect({ flags: '.', seq: MSS, len: 0, after: gap });
    p.advance(2000);
    const err = eventsOf(p.sim, 'error')[0]!;
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.time).toBe(200 + 400 + 800 + 1600);
  });
});

describe('RFC 9293 3.8.6.3 delayed ACK', () => {
  it('rfc: one in-order segment is acknowledged after 200 ms', () => {
    const p = open('rfc');
    p.sock.on('data', () => {});
    p.inject({ flags: 'P.', seq: 1, payload: 100 });
    p.expect({ flags: '.', ack: 101, after: 200 });
  });

  it('linux quick-ACK mode (tcp_incr_quickack): the first 16 data segments are acknowledged at once, the 17th after 40 ms', () => {
    const p = open('linux');
    p.sock.on('data', () => {});
    for (let i = 0; i < 16; i++) {
      p.inject({ flags: 'P.', seq: 1 + 10 * i, payload: 10, after: i === 0 ? 0 : 100 });
      p.expect({ flags: '.', ack: 11 + 10 * i, after: 0 });
    }
    p.inject({ flags: 'P.', seq: 161, payload: 10, after: 100 });
    p.expect({ flags: '.', ack: 171, after: 40 });
  });

  it('linux quick-ACK mode: RCV.WND / (2 * 536) bounds it: a 2144-octet window gets 2 quick ACKs', () => {
    const p = createScriptedPeer({ profile: 'linux', peerIss: 5000, receiveBuffer: 2144 });
    p.connect();
    p.expect({ flags: 'S', seq: 0 });
    p.inject({ flags: 'S.', ack: 1, options: { mss: MSS } });
    p.expect({ flags: '.', seq: 1, ack: 1 });
    p.sock.on('data', () => {});
    p.inject({ flags: 'P.', seq: 1, payload: 10 });
    p.expect({ flags: '.', ack: 11, after: 0 });
    p.inject({ flags: 'P.', seq: 11, payload: 10, after: 100 });
    p.expect({ flags: '.', ack: 21, after: 0 });
    p.inject({ flags: 'P.', seq: 21, payload: 10, after: 100 });
    p.expect({ flags: '.', ack: 31, after: 40 });
  });

  it('linux ping-pong (tcp_event_data_sent): after a reply within 40 ms, the next ACK waits for data, 40 ms at most', () => {
    const p = open('linux');
    p.sock.on('data', (d) => {
      if (new TextDecoder().decode(d) === 'ping') p.sim.schedule(5, () => p.sock.write('pong'));
    });
    p.inject({ flags: 'P.', seq: 1, payload: 'ping' });
    p.expect({ flags: '.', ack: 5, after: 0 }); // quick ACK, before the application answers
    p.expect({ flags: 'P.', seq: 1, ack: 5, len: 4, after: 5 }); // the reply, 5 ms later: ping-pong
    p.inject({ flags: 'P.', seq: 5, ack: 5, payload: 'more' });
    p.expect({ flags: '.', ack: 9, after: 40 }); // no quick ACK in ping-pong: the delayed-ACK timer
    p.inject({ flags: 'P.', seq: 9, ack: 5, payload: 'again', after: 100 });
    p.expect({ flags: '.', ack: 14, after: 0 }); // the timer left ping-pong: quick again
  });

  it('linux tcp_fin: a FIN in ESTABLISHED is acknowledged 40 ms later when the application does not answer', () => {
    const p = open('linux');
    p.sock.on('data', () => {});
    p.inject({ flags: 'F.', seq: 1 });
    p.expect({ flags: '.', ack: 2, after: 40 });
    expect(p.sock.state).toBe('CLOSE-WAIT');
  });

  it('linux tcp_fin: the ACK of a FIN rides on the FIN of an application that ends at once', () => {
    const p = open('linux');
    p.sock.on('data', () => {});
    p.sock.on('end', () => p.sock.end());
    p.inject({ flags: 'F.', seq: 1 });
    p.expect({ flags: 'F.', seq: 1, ack: 2, after: 0 });
    p.expectNothing(150); // no pure ACK of the FIN (our FIN is retransmitted at 200 ms, unacknowledged)
  });

  it('rfc: a FIN in ESTABLISHED is acknowledged at once', () => {
    const p = open('rfc');
    p.sock.on('data', () => {});
    p.inject({ flags: 'F.', seq: 1 });
    p.expect({ flags: '.', ack: 2, after: 0 });
  });

  it('RFC 5681 4.2: every second full-sized segment is acknowledged at once', () => {
    const p = open('rfc');
    p.sock.on('data', () => {});
    p.inject({ flags: '.', seq: 1, payload: MSS });
    p.inject({ flags: '.', seq: 1 + MSS, payload: MSS });
    p.expect({ flags: '.', ack: 1 + 2 * MSS, after: 0 });
  });

  it('RFC 5681 4.2: an out-of-order segment draws an immediate duplicate ACK; filling the hole too', () => {
    const p = open('rfc');
    p.sock.on('data', () => {});
    p.inject({ flags: '.', seq: 1 + MSS, payload: MSS });
    p.expect({ flags: '.', ack: 1, after: 0 });
    p.inject({ flags: '.', seq: 1, payload: MSS });
    p.expect({ flags: '.', ack: 1 + 2 * MSS, after: 0 });
  });

  it('RFC 9293 3.8.6.3: a reply written at once carries the ACK (no pure ACK)', () => {
    const p = open('rfc');
    p.sock.on('data', (d) => p.sock.write(d));
    p.inject({ flags: 'P.', seq: 1, payload: 'ping' });
    p.expect({ flags: 'P.', seq: 1, ack: 5, len: 4, after: 0 });
    p.inject({ flags: '.', seq: 5, ack: 5 });
    p.expectNothing(2000);
  });
});

describe('RFC 1122 4.2.3.4 Nagle', () => {
  it('with Nagle on, small writes wait while data is unacknowledged and leave as one segment', () => {
    const p = open('rfc');
    p.sock.setNoDelay(false);
    p.sock.write('a');
    p.sock.write('b');
    p.sock.write('c');
    p.expect({ flags: 'P.', seq: 1, len: 1, after: 0 });
    p.expectNothing(50);
    p.inject({ flags: '.', ack: 2 });
    p.expect({ flags: 'P.', seq: 2, len: 2, after: 0 });
  });

  it('with TCP_NODELAY (the profiles\u2019 default) each write leaves at once', () => {
    const p = open('rfc');
    p.sock.write('a');
    p.sock.write('b');
    p.expect({ flags: 'P.', seq: 1, len: 1, after: 0 });
    p.expect({ flags: 'P.', seq: 2, len: 1, after: 0 });
  });
});

describe('RFC 1122 4.2.3.6 keep-alive, RFC 5482 user timeout, FIN-WAIT-2 timeout', () => {
  it('keep-alive is off by default: an idle connection sends nothing for 3 hours', () => {
    const p = open('linux');
    p.expectNothing(3 * 3600_000);
  });

  it('keep-alive: probes <SEQ=SND.NXT-1> after the idle time; answered ones keep the connection, 9 unanswered reset it', () => {
    const p = open('linux');
    p.sock.setKeepAlive(true, 100_000);
    p.expect({ flags: '.', seq: 0, ack: 1, after: 100_000 });
    p.inject({ flags: '.', ack: 1 });
    p.expect({ flags: '.', seq: 0, after: 100_000 }); // idle again since the answer
    for (let i = 0; i < 8; i++) p.expect({ flags: '.', seq: 0, after: 75_000 });
    p.expect({ flags: 'R.', seq: 1, after: 75_000 });
    expect(eventsOf(p.sim, 'error').map((e) => e.code)).toEqual(['ETIMEDOUT']);
    expect(p.sock.state).toBe('CLOSED');
  });

  it('RFC 5482 user timeout: data unacknowledged for userTimeout fails with ETIMEDOUT, whatever the retries', () => {
    const p = open({ base: 'linux', userTimeout: 5000 });
    p.sock.write('u');
    p.expect({ flags: 'P.', seq: 1, len: 1 });
    p.advance(6000);
    const err = eventsOf(p.sim, 'error')[0]!;
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.time).toBe(5000);
  });

  it('linux tcp_fin_timeout: after close(), FIN-WAIT-2 ends after 60 s without the peer\u2019s FIN', () => {
    const p = open('linux');
    p.sock.close();
    p.expect({ flags: 'F.', seq: 1 });
    p.inject({ flags: '.', ack: 2 });
    p.advance(59_999);
    expect(p.sock.state).toBe('FIN-WAIT-2');
    p.advance(1);
    expect(p.sock.state).toBe('CLOSED');
  });
});

describe('tcp.cwnd phases over a lossy bulk transfer', () => {
  it('RFC 5681 3.1: an ACK is slow start when cwnd < ssthresh before it, congestion avoidance otherwise', () => {
    const sim = createSimulation({ seed: 3, profile: 'rfc' });
    const a = sim.addHost({ name: 'a', address: '10.0.0.1' });
    const b = sim.addHost({ name: 'b', address: '10.0.0.2' });
    sim.setLink(a, b, { delay: 10, loss: 0.03 }); // (seed 3: an ACK crosses ssthresh mid-growth)
    b.listen(80).on('connection', (s) => {
      s.on('data', () => {});
      s.on('end', () => s.end());
    });
    const sock = a.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.end(new Uint8Array(400_000)));
    sim.run({ until: 600_000 });
    const events = eventsOf(sim, 'tcp.cwnd').filter((e) => e.host === 'a');
    const phases = new Set(events.map((e) => e.phase));
    for (const p of ['initial', 'slow-start', 'congestion-avoidance', 'fast-retransmit'])
      expect(phases).toContain(p);
    for (let i = 1; i < events.length; i++) {
      const [before, e] = [events[i - 1]!, events[i]!];
      if (e.phase === 'slow-start') expect(before.cwnd).toBeLessThan(e.ssthresh);
      if (e.phase === 'congestion-avoidance') expect(before.cwnd).toBeGreaterThanOrEqual(e.ssthresh);
    }
  });
});
