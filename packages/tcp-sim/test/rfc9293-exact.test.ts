/**
 * Rules a TCP engineer checks first, each written from the RFC's text before the code was changed:
 * RFC 9293 3.10.4 CLOSE in SYN-SENT and SYN-RECEIVED, 3.8.1 / 3.10.7.4 one SYN,ACK for a lost one,
 * 3.10.8 user timeout, MUST-23 SYN give-up, 3.8.6.1 persist, 3.8.6.2.2 window shrinking (RFC 7323
 * 2.4), receiver SWS avoidance, RFC 5961 7 challenge-ACK throttling, no redundant pure ACKs.
 */
import { describe, expect, it } from 'vitest';
import { acceptAll, eventsOf, sentBy, world } from './fixtures.js';
import { createScriptedPeer, resolveProfile, synGiveUpAfter } from './shim.js';

const MSS = 1000;

describe('RFC 9293 3.10.4 CLOSE', () => {
  it('RFC 9293 3.10.4 SYN-SENT: CLOSE deletes the TCB; a late SYN,ACK gets <SEQ=SEG.ACK><CTL=RST>', () => {
    const p = createScriptedPeer({ peerIss: 5000 });
    p.connect();
    p.expect({ flags: 'S', seq: 0 });
    p.sock.on('error', () => {});
    p.sock.close(); // CLOSE in SYN-SENT
    expect(p.sock.state).toBe('CLOSED');
    expect(p.sock.writableLength).toBe(0);
    const synAck = p.inject({ flags: 'S.', ack: 1, options: { mss: MSS } });
    p.expect({ flags: 'R', seq: 1, after: 0 }); // "If the ACK bit is on, <SEQ=SEG.ACK><CTL=RST>"
    expect(synAck.ack).toBeGreaterThan(0);
    expect(eventsOf(p.sim, 'tcp.state').filter((e) => e.to === 'ESTABLISHED')).toEqual([]);
    p.expectNothing(5000); // no FIN, no SYN retransmission
  });

  it('socket end() before connect is Node-style: the FIN follows the handshake (documented socket option)', () => {
    const p = createScriptedPeer({ peerIss: 5000 });
    p.connect();
    p.expect({ flags: 'S', seq: 0 });
    p.sock.end();
    expect(p.sock.state).toBe('SYN-SENT');
    p.inject({ flags: 'S.', ack: 1, options: { mss: MSS } });
    // The FIN carries the ACK of the SYN,ACK: no pure ACK before or after it.
    p.expect({ flags: 'F.', seq: 1, ack: 1, after: 0 });
    p.expectNothing(100);
  });

  it('RFC 9293 3.10.4 SYN-RECEIVED: CLOSE with nothing queued sends the FIN at once; every segment after the SYN carries ACK', () => {
    const p = createScriptedPeer({ peerIss: 5000 });
    p.connect();
    p.expect({ flags: 'S', seq: 0 });
    p.inject({ flags: 'S', options: { mss: MSS } }); // simultaneous open: SYN-RCVD
    p.expect({ flags: 'S.', seq: 0, ack: 1, after: 0 });
    expect(p.sock.state).toBe('SYN-RCVD');
    p.sock.end();
    expect(p.sock.state).toBe('FIN-WAIT-1');
    p.expect({ flags: 'F.', seq: 1, ack: 1, after: 0 }); // "form a FIN segment and send it"
    // Unanswered, the SYN,ACK is retransmitted as a SYN,ACK (never a bare SYN).
    const again = p.collect(8000).filter((s) => s.flags & 0x02);
    expect(again.length).toBeGreaterThan(1);
    for (const s of again) expect(s.flags & 0x12).toBe(0x12);
    // The peer's ACK of SYN and FIN takes FIN-WAIT-1 to FIN-WAIT-2.
    p.inject({ flags: '.', seq: 1, ack: 2 });
    p.advance(0);
    expect(p.sock.state).toBe('FIN-WAIT-2');
  });
});

describe('RFC 9293 3.8.1 / 3.10.7.4: a lost SYN,ACK', () => {
  it('RFC 9293 3.10.7.4 first: the peer retransmits its SYN at the instant our timer expires: one SYN,ACK, and the timer restarts', () => {
    const p = createScriptedPeer({ peerIss: 5000 });
    p.listen(80);
    p.inject({ flags: 'S', options: { mss: MSS } });
    p.expect({ flags: 'S.', seq: 0, ack: 1, after: 0 });
    p.advance(999);
    // Our SYN,ACK timer is due at t=1000; the peer's retransmitted SYN arrives at the same instant
    // (arrivals come before timers at one instant).
    p.sim.at(1000, () => p.inject({ flags: 'S', options: { mss: MSS } }));
    const at1000 = p.collect(1);
    expect(at1000.map((s) => p.describe(s))).toEqual(['S. 0:0(0) ack 1 win 65535']);
    // The timer restarted at t=1000 (same RTO): the next SYN,ACK at t=2000, not before.
    expect(p.collect(998)).toEqual([]);
    expect(p.collect(2).map((s) => p.describe(s))).toEqual(['S. 0:0(0) ack 1 win 65535']);
  });
});

describe('RFC 9293 3.10.8 user timeout', () => {
  it('RFC 9293 3.10.8: the user timeout aborts with "user timeout" and flushes the queues', () => {
    const p = createScriptedPeer({ profile: { userTimeout: 5000 }, peerIss: 5000 });
    p.connect();
    p.expect({ flags: 'S', seq: 0 });
    p.inject({ flags: 'S.', ack: 1, options: { mss: MSS } });
    p.expect({ flags: '.', seq: 1, ack: 1 });
    const errors: string[] = [];
    p.sock.on('error', (e) => errors.push(e.message));
    p.sock.write(new Uint8Array(500));
    p.advance(6000);
    expect(errors).toEqual(['ETIMEDOUT: connection aborted due to user timeout']);
    expect(p.sock.state).toBe('CLOSED');
    expect(p.sock.writableLength).toBe(0);
  });

  it('RFC 1122 4.2.3.5: the retry limit says "retransmission limit reached" (a different timer)', () => {
    const p = createScriptedPeer({ profile: { dataRetries: 2 }, peerIss: 5000 });
    p.connect();
    p.expect({ flags: 'S', seq: 0 });
    p.inject({ flags: 'S.', ack: 1, options: { mss: MSS } });
    p.expect({ flags: '.', seq: 1, ack: 1 });
    const errors: string[] = [];
    p.sock.on('error', (e) => errors.push(e.message));
    p.sock.write(new Uint8Array(500));
    p.advance(60_000);
    expect(errors).toEqual(['ETIMEDOUT: retransmission limit reached']);
    expect(p.sock.writableLength).toBe(0);
  });
});

describe('RFC 9293 MUST-23', () => {
  it('RFC 9293 MUST-23: the rfc profile retries a SYN for at least 3 minutes', () => {
    expect(synGiveUpAfter(resolveProfile('rfc'))).toBeGreaterThanOrEqual(180_000);
    const { sim, client } = world({ profile: 'rfc' });
    const sock = client.connect({ address: '10.0.0.9', port: 80 }); // nobody there
    sock.on('error', () => {});
    sim.run({ until: 179_999 });
    expect(sock.state).toBe('SYN-SENT');
    sim.run();
    expect(eventsOf(sim, 'error')[0]?.time).toBe(synGiveUpAfter(resolveProfile('rfc')));
  });
});

/** The endpoint connects; the peer answers with MSS 1000; handshake done at t=0. */
function open(profile: Parameters<typeof createScriptedPeer>[0] = {}) {
  const p = createScriptedPeer({ peerIss: 5000, ...profile });
  p.connect();
  p.expect({ flags: 'S', seq: 0 });
  p.inject({ flags: 'S.', ack: 1, options: { mss: MSS } });
  p.expect({ flags: '.', seq: 1, ack: 1 });
  return p;
}

describe('RFC 9293 3.8.6.1 persist timer', () => {
  it('RFC 9293 3.8.6.1: zero-window probes run on their own timer, backing off 1, 2, 4 s, and never touch cwnd or ssthresh', () => {
    const p = open({ profile: 'rfc' });
    p.sock.write('q'.repeat(MSS));
    p.expect({ flags: 'P.', seq: 1, len: MSS });
    p.inject({ flags: '.', ack: 1 + MSS, win: 0 });
    p.advance(0);
    p.sock.write('abc');
    const before = { cwnd: p.sock.tcb.cwnd, ssthresh: p.sock.tcb.ssthresh };
    for (const gap of [1000, 2000, 4000, 8000]) {
      const probe = p.expect({ flags: 'P.', seq: 1 + MSS, len: 1, after: gap }); // the same first octet
      expect(new TextDecoder().decode(probe.payload)).toBe('a');
      p.inject({ flags: '.', ack: 1 + MSS, win: 0 });
    }
    expect({ cwnd: p.sock.tcb.cwnd, ssthresh: p.sock.tcb.ssthresh }).toEqual(before);
    const fired = p.sim.trace.events.flatMap((e) =>
      e.type === 'timer.fired' && e.host === 'tcp' ? [e.timer] : [],
    );
    expect(fired).toEqual(['PERSIST', 'PERSIST', 'PERSIST', 'PERSIST']);
    expect(eventsOf(p.sim, 'tcp.cwnd').filter((e) => e.phase === 'timeout')).toEqual([]);
    expect(p.sock.state).toBe('ESTABLISHED');
    // The window opens: the data goes from SND.UNA, in slow start's window as before.
    p.inject({ flags: '.', ack: 1 + MSS, win: 3 });
    p.expect({ flags: 'P.', seq: 1 + MSS, len: 3, after: 0 });
  });

  it('RFC 9293 3.8.6.1: a window that closes with data in flight is probed, not retransmitted into with RTO backoff', () => {
    const p = open({ profile: 'linux' });
    p.sock.write('q'.repeat(2 * MSS));
    p.expect({ flags: '.', seq: 1, len: MSS });
    p.expect({ flags: 'P.', seq: 1 + MSS, len: MSS });
    p.inject({ flags: '.', ack: 1 + MSS, win: 0 }); // the second segment is beyond the closed window
    const out = p.collect(3000);
    expect(out.length).toBeGreaterThan(2);
    for (const s of out) expect(s.payload.length).toBe(0); // probes <SEQ=SND.UNA-1>, no data pushed at RTO
    expect(eventsOf(p.sim, 'tcp.cwnd').filter((e) => e.phase === 'timeout')).toEqual([]);
  });
});

describe('RFC 9293 3.8.6.2.2 the receive window never shrinks (RFC 7323 2.4)', () => {
  it('RFC 9293 3.8.6.2.2: with window scale 7 and a slow reader, the right edge never moves left, nothing is discarded, nothing retransmitted', () => {
    const { sim, client, server } = world({ profile: 'linux' }, { delay: 50, mtu: 1040 });
    const total = 300_000;
    let read = 0;
    server.listen(80).on('connection', (s) => {
      const tick = () => {
        for (const n of [700, 333]) read += s.read(n)?.length ?? 0;
        if (read < total) sim.schedule(100, tick);
      };
      sim.schedule(100, tick);
    });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.write(new Uint8Array(total)));
    sim.run({ until: 600_000 });
    expect(read).toBe(total);
    let edge: number | undefined;
    for (const e of sentBy(sim, 'server')) {
      if (e.seg.flags.includes('SYN')) continue;
      const right = (e.seg.ack + e.seg.window * 128) >>> 0;
      if (edge !== undefined) expect(((right - edge) | 0) >= 0, `right edge ${right} < ${edge}`).toBe(true);
      edge = right;
    }
    expect(sentBy(sim, 'client').filter((e) => e.retransmission)).toEqual([]);
  });
});

describe('RFC 9293 3.8.6.2.2 receiver SWS avoidance', () => {
  it('RFC 9293 3.8.6.2.2: reading 4000 octets in four reads of 1000 sends one window update', () => {
    const p = createScriptedPeer({ peerIss: 5000, receiveBuffer: 4000 });
    p.connect();
    p.expect({ flags: 'S', seq: 0 });
    p.inject({ flags: 'S.', ack: 1, options: { mss: MSS } });
    p.expect({ flags: '.', seq: 1, ack: 1 });
    for (let i = 0; i < 4; i++) p.inject({ flags: '.', seq: 1 + i * MSS, payload: MSS });
    const acks = p.collect(500);
    expect(acks.at(-1)?.window).toBe(0); // the reader is paused: the window is closed
    p.sim.at(p.sim.now + 500, () => {
      for (let i = 0; i < 4; i++) p.sock.read(1000);
    });
    const updates = p.collect(1000);
    expect(updates.map((s) => [s.ack, s.window])).toEqual([[acks.at(-1)!.ack, 4000]]);
  });

  it('RFC 9293 3.8.6.2.2: a reader taking less than min(RCV.BUFF/2, Eff.snd.MSS) from a closed window does not open it', () => {
    const p = createScriptedPeer({ peerIss: 5000, receiveBuffer: 4000 });
    p.connect();
    p.expect({ flags: 'S', seq: 0 });
    p.inject({ flags: 'S.', ack: 1, options: { mss: MSS } });
    p.expect({ flags: '.', seq: 1, ack: 1 });
    for (let i = 0; i < 4; i++) p.inject({ flags: '.', seq: 1 + i * MSS, payload: MSS });
    p.collect(500);
    p.sim.at(p.sim.now + 100, () => p.sock.read(100));
    expect(p.collect(1000)).toEqual([]); // no 100-octet window
    // 2000 read: at least min(RCV.BUFF/2, Eff.snd.MSS) = min(2000, 1460): the window opens.
    p.sim.at(p.sim.now + 100, () => {
      for (let n = 0; n < 1900; ) n += p.sock.read(1900 - n)?.length ?? 1900;
    });
    expect(p.collect(1000).map((s) => s.window)).toEqual([2000]);
  });
});

describe('RFC 5961 7 challenge ACK throttling', () => {
  it.each([
    ['linux', 2],
    ['rfc', 2],
    [{ base: 'linux', challengeAckInterval: 0 }, 100],
  ] as const)(
    'RFC 5961 7: 100 in-window RSTs in 1 s draw at most one challenge ACK per 500 ms (%j: %d)',
    (profile, acks) => {
      const p = open({ profile });
      const t0 = p.sim.now;
      for (let i = 0; i < 100; i++) p.sim.at(t0 + i * 10, () => p.inject({ flags: 'R', seq: 100 }));
      const out = p.collect(1000);
      expect(out.length).toBe(acks);
      for (const s of out) expect(s.flags).toBe(0x10); // pure ACKs <SEQ=SND.NXT><ACK=RCV.NXT>
      expect(p.sock.state).toBe('ESTABLISHED');
      // A segment carrying data is still acknowledged (its ACK is not a challenge ACK).
      p.sock.on('data', () => {});
      p.inject({ flags: 'P.', seq: 1, payload: 10 });
      p.inject({ flags: 'P.', seq: 1 + 20, payload: 10 }); // out of order: acknowledged at once
      // rfc: the in-order data waits for the delayed ACK, the out-of-order segment is acknowledged
      // at once; linux's quick-ACK mode acknowledges both at once.
      expect(p.collect(0)).toHaveLength(profile === 'rfc' ? 1 : 2);
    },
  );
});

describe('exact virtual time (integers, never accumulated floats; RFC 1122 4.2.3.6 keep-alive)', () => {
  it('RFC 1122 4.2.3.6: keep-alive over a 0.02 ms link, idle 1 s, interval 1 s: time moves on (no livelock at 2000.12 ms)', () => {
    const { sim, client, server } = world({ profile: { keepAliveInterval: 1000 } }, { delay: 0.02 });
    acceptAll(server);
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.setKeepAlive(true, 1000);
    const r = sim.run({ until: 10_000, maxEvents: 100_000 });
    expect(r.reason).toBe('until');
    expect(r.time).toBe(10_000);
    const probes = sentBy(sim, 'client').filter((e) => e.seg.len === 0 && e.seg.relSeq === 0 && e.time > 1);
    expect(probes.length).toBeGreaterThanOrEqual(4); // one keep-alive probe per idle second, answered
    expect(sock.state).toBe('ESTABLISHED');
  });
});
