/**
 * RFC 9293 3.10 (event processing), RFC 5961 and RFC 1122, rule by rule, state by state in diagram
 * order. Each test drives a real endpoint with a scripted raw peer (peer.ts) or a second real host.
 */
import { describe, expect, it } from 'vitest';
import { acceptAll, collect, eventsOf, sentBy, statePath, text, world } from './fixtures.js';
import { established, ISS, PEER_ISS, synSent } from './peer.js';
import { ACK_FLAG as A, createSimulation, FIN_FLAG as F, RST_FLAG as R, SYN_FLAG as S } from './shim.js';

const errorsOf = (sim: Parameters<typeof eventsOf>[0]) => eventsOf(sim, 'error').map((e) => e.code);

describe('3.10.7.1 CLOSED (no connection)', () => {
  it('3.10.7.1: a SYN to a port nobody listens on draws <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> and ECONNREFUSED', () => {
    const { sim, client } = world();
    const sock = client.connect({ address: '10.0.0.2', port: 81 });
    let err: (Error & { code?: string }) | undefined;
    sock.on('error', (e) => {
      err = e;
    });
    sim.run();
    const rst = sentBy(sim, 'server')[0]!;
    expect(rst.seg.flags).toEqual(['RST', 'ACK']);
    expect(rst.seg.seq).toBe(0);
    expect(rst.seg.ack).toBe((sock.tcb.iss + 1) >>> 0);
    expect(eventsOf(sim, 'segment.dropped')[0]!.reason).toBe('no-listener');
    expect(err?.code).toBe('ECONNREFUSED');
    expect(sock.state).toBe('CLOSED');
  });

  it('3.10.7.1: data for a connection that no longer exists draws <SEQ=SEG.ACK><CTL=RST>', () => {
    const w = established();
    w.sock.destroy();
    w.sim.run({ until: 100 });
    w.received();
    w.send(A, PEER_ISS + 1, ISS + 1, 'late');
    w.sim.run({ until: 200 });
    const [rst] = w.received();
    expect(rst!.flags).toBe(R);
    expect(rst!.seq).toBe(ISS + 1);
  });
});

describe('3.10.7.3 SYN-SENT', () => {
  it('3.10.7.3 first: an ACK with SEG.ACK =< ISS draws <SEQ=SEG.ACK><CTL=RST> and the state stays SYN-SENT', () => {
    const w = synSent();
    w.received();
    w.send(A, PEER_ISS, ISS);
    w.sim.run({ until: 30 });
    const [rst] = w.received();
    expect(rst!.flags).toBe(R);
    expect(rst!.seq).toBe(ISS);
    expect(w.sock.state).toBe('SYN-SENT');
  });

  it('3.10.7.3 second: a RST with an acceptable ACK closes the connection with ECONNREFUSED', () => {
    const w = synSent();
    w.send(R | A, 0, ISS + 1);
    w.sim.run({ until: 30 });
    expect(w.sock.state).toBe('CLOSED');
    expect(errorsOf(w.sim)).toEqual(['ECONNREFUSED']);
    expect(eventsOf(w.sim, 'tcp.state').at(-1)!.cause).toMatch(/^3\.10\.7\.3 second/);
  });

  it('3.10.7.3 second: a RST without ACK is dropped (SYN-SENT kept)', () => {
    const w = synSent();
    w.send(R, 0, 0);
    w.sim.run({ until: 30 });
    expect(w.sock.state).toBe('SYN-SENT');
  });

  it('3.10.7.3 fourth: SYN,ACK acknowledging our SYN enters ESTABLISHED and sends <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>', () => {
    const w = synSent();
    w.received();
    w.send(S | A, PEER_ISS, ISS + 1);
    w.sim.run({ until: 30 });
    expect(w.sock.state).toBe('ESTABLISHED');
    const [ack] = w.received();
    expect(ack!.flags).toBe(A);
    expect(ack!.seq).toBe(ISS + 1);
    expect(ack!.ack).toBe(PEER_ISS + 1);
    expect(w.sock.tcb.irs).toBe(PEER_ISS);
  });

  it("3.10.7.3 fourth (Figure 7, simultaneous open): a bare SYN enters SYN-RCVD and sends SYN,ACK; the peer's SYN,ACK completes it", () => {
    const w = synSent();
    w.received();
    w.send(S, PEER_ISS, 0);
    w.sim.run({ until: 30 });
    expect(w.sock.state).toBe('SYN-RCVD');
    const [synAck] = w.received();
    expect(synAck!.flags).toBe(S | A);
    expect(synAck!.seq).toBe(ISS);
    expect(synAck!.ack).toBe(PEER_ISS + 1);
    // Figure 7 line 6: the peer's SYN,ACK (its old SYN again, acknowledging ours) completes the open,
    // and nothing more is sent: answering it with another SYN,ACK would start an endless exchange.
    w.send(S | A, PEER_ISS, ISS + 1);
    w.sim.run({ until: 60 });
    expect(w.sock.state).toBe('ESTABLISHED');
    expect(w.received()).toEqual([]);
    expect(statePath(w.sim, 'client')).toEqual(['SYN-SENT', 'SYN-RCVD', 'ESTABLISHED']);
  });

  it('3.10.7.4 step 2: RST in SYN-RCVD reached from SYN-SENT (active OPEN) closes with ECONNREFUSED', () => {
    const w = synSent();
    w.send(S, PEER_ISS, 0);
    w.sim.run({ until: 30 });
    w.send(R, PEER_ISS + 1, 0);
    w.sim.run({ until: 60 });
    expect(w.sock.state).toBe('CLOSED');
    expect(errorsOf(w.sim)).toEqual(['ECONNREFUSED']);
  });

  it('RFC 6298 5.7 and 3.8.1: a lost SYN is retransmitted after 1 s with its original SEQ; data then starts with RTO = 3 s', () => {
    const { sim, client, server } = world();
    acceptAll(server);
    sim.addFault({
      direction: { from: 'client', to: 'server' },
      match: { flags: ['SYN'], nth: 1 },
      action: 'drop',
    });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sim.run({ until: 2000 });
    const syns = sentBy(sim, 'client').filter((e) => e.seg.flags.includes('SYN'));
    expect(syns.map((e) => [e.time, e.seg.seq, e.retransmission])).toEqual([
      [0, sock.tcb.iss, false],
      [1000, sock.tcb.iss, true],
    ]);
    expect(sock.state).toBe('ESTABLISHED');
    expect(sock.tcb.srtt).toBeUndefined(); // Karn: no sample from the retransmitted SYN
    expect(sock.tcb.rto).toBe(3000);
  });

  it('3.10.8 / RFC 1122 4.2.3.5: after synRetries unanswered SYNs the connect fails with ETIMEDOUT', () => {
    const { sim, client, server } = world({ profile: { synRetries: 2, msl: 1000 } });
    acceptAll(server);
    sim.setPartition(client, server, true);
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('error', () => {});
    sim.run();
    const syns = sentBy(sim, 'client').map((e) => e.time);
    expect(syns).toEqual([0, 1000, 3000]); // 1 s, then doubled (RFC 6298 5.5)
    expect(errorsOf(sim)).toEqual(['ETIMEDOUT']);
    expect(sock.state).toBe('CLOSED');
    expect(eventsOf(sim, 'segment.dropped').every((e) => e.reason === 'partition')).toBe(true);
  });
});

describe('3.10.7.2 LISTEN and SYN-RCVD (passive)', () => {
  function passive() {
    const sim = createSimulation({ seed: 3, profile: { msl: 1000 } });
    const peer = sim.addHost({ name: 'peer', address: '10.0.0.1', raw: true });
    const server = sim.addHost({ name: 'server', address: '10.0.0.2', isn: () => 9000 });
    sim.setLink(peer, server, { delay: 5 });
    const accepted: unknown[] = [];
    const listener = server.listen(80, { backlog: 4 });
    listener.on('connection', (s) => accepted.push(s));
    const send = (flags: number, seq: number, ack: number, srcPort = 40000) =>
      peer.send('10.0.0.2', {
        srcPort,
        dstPort: 80,
        seq,
        ack,
        flags,
        window: 65535,
        options: {},
        payload: new Uint8Array(0),
      });
    return { sim, peer, server, send, accepted };
  }

  it('3.10.7.2 second: an ACK to a listening port draws <SEQ=SEG.ACK><CTL=RST>', () => {
    const p = passive();
    p.send(A, 77, 1234);
    p.sim.run();
    expect(p.peer.inbox.map((a) => [a.segment.flags, a.segment.seq])).toEqual([[R, 1234]]);
  });

  it('3.10.7.2 third: a SYN forks a TCB into SYN-RCVD and sends <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> with MSS', () => {
    const p = passive();
    p.send(S, 100, 0);
    p.sim.run({ until: 20 });
    const [synAck] = p.peer.inbox.map((a) => a.segment);
    expect(synAck!.flags).toBe(S | A);
    expect(synAck!.seq).toBe(9000);
    expect(synAck!.ack).toBe(101);
    expect(synAck!.options.mss).toBe(1460);
    expect(statePath(p.sim, 'server')).toEqual(['LISTEN', 'SYN-RCVD']);
  });

  it('3.10.7.4 step 2: RST in SYN-RCVD reached from LISTEN returns to LISTEN; the listener keeps accepting', () => {
    const p = passive();
    p.send(S, 100, 0);
    p.sim.run({ until: 20 });
    p.send(R, 101, 0);
    p.sim.run({ until: 40 });
    const last = eventsOf(p.sim, 'tcp.state').at(-1)!;
    expect([last.from, last.to]).toEqual(['SYN-RCVD', 'LISTEN']);
    expect(errorsOf(p.sim)).toEqual([]);
    p.send(S, 500, 0, 40001);
    p.sim.run({ until: 60 });
    p.send(A, 501, 9001, 40001);
    p.sim.run({ until: 80 });
    expect(p.accepted).toHaveLength(1);
  });

  it('3.10.7.4 first: a retransmitted SYN in SYN-RCVD is answered with the SYN,ACK again', () => {
    const p = passive();
    p.send(S, 100, 0);
    p.sim.run({ until: 20 });
    p.send(S, 100, 0);
    p.sim.run({ until: 40 });
    const synAcks = p.peer.inbox.filter((a) => a.segment.flags === (S | A));
    expect(synAcks.map((a) => a.segment.seq)).toEqual([9000, 9000]);
  });

  it('listen(port, { backlog }): SYNs beyond the backlog are dropped (as Linux does)', () => {
    const p = passive();
    for (let i = 0; i < 6; i++) p.send(S, 100, 0, 41000 + i);
    p.sim.run({ until: 20 });
    expect(eventsOf(p.sim, 'segment.dropped').map((e) => e.reason)).toEqual(['backlog', 'backlog']);
  });
});

describe('3.10.7.4 ESTABLISHED', () => {
  it('3.10.7.4 step 2 / RFC 5961 3.2: RST with SEG.SEQ = RCV.NXT closes with ECONNRESET', () => {
    const w = established();
    let hadError: boolean | undefined;
    w.sock.on('close', (e) => {
      hadError = e;
    });
    w.send(R, PEER_ISS + 1, 0);
    w.sim.run({ until: 60 });
    expect(w.sock.state).toBe('CLOSED');
    expect(errorsOf(w.sim)).toEqual(['ECONNRESET']);
    expect(hadError).toBe(true);
    expect(eventsOf(w.sim, 'tcp.state').at(-1)!.cause).toMatch(/^3\.10\.7\.4 step 2: RST in window/);
  });

  it('RFC 5961 3.2: RST inside the window but not at RCV.NXT draws a challenge ACK and changes nothing', () => {
    const w = established();
    w.send(R, PEER_ISS + 100, 0);
    w.sim.run({ until: 60 });
    expect(w.sock.state).toBe('ESTABLISHED');
    const [ack] = w.received();
    expect(ack!.flags).toBe(A);
    expect(ack!.seq).toBe(ISS + 1);
    expect(ack!.ack).toBe(PEER_ISS + 1);
  });

  it('3.10.7.4 first: RST outside the window is dropped silently', () => {
    const w = established();
    w.send(R, PEER_ISS + 1 + 70000, 0);
    w.sim.run({ until: 60 });
    expect(w.sock.state).toBe('ESTABLISHED');
    expect(w.received()).toEqual([]);
  });

  it('RFC 5961 4.2: a SYN in ESTABLISHED draws a challenge ACK and changes nothing', () => {
    const w = established();
    w.send(S, PEER_ISS + 1, 0);
    w.sim.run({ until: 60 });
    expect(w.sock.state).toBe('ESTABLISHED');
    expect(w.received().map((s) => [s.flags, s.ack])).toEqual([[A, PEER_ISS + 1]]);
  });

  it('3.10.7.4 first: an unacceptable (old) segment is answered with <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>', () => {
    const w = established();
    w.send(A, PEER_ISS - 50, ISS + 1, 'old');
    w.sim.run({ until: 60 });
    expect(w.received().map((s) => [s.flags, s.seq, s.ack])).toEqual([[A, ISS + 1, PEER_ISS + 1]]);
  });

  it('3.10.7.4 step 5: an ACK of something not yet sent draws an ACK and is dropped', () => {
    const w = established();
    w.send(A, PEER_ISS + 1, ISS + 500, 'x');
    w.sim.run({ until: 60 });
    const got = collect(w.sock);
    expect(got.data()).toBe('');
    expect(w.received().map((s) => s.ack)).toEqual([PEER_ISS + 1]);
  });

  it('3.10.7.4 step 7: out-of-order text is held; duplicates are never delivered twice', () => {
    const w = established();
    const got = collect(w.sock);
    w.send(A, PEER_ISS + 4, ISS + 1, 'def');
    w.send(A, PEER_ISS + 4, ISS + 1, 'def');
    w.sim.run({ until: 60 });
    expect(got.data()).toBe('');
    w.send(A, PEER_ISS + 1, ISS + 1, 'abcd');
    w.send(A, PEER_ISS + 1, ISS + 1, 'abc');
    w.sim.run({ until: 90 });
    expect(got.data()).toBe('abcdef');
    expect(w.sock.tcb.rcvNxt).toBe(PEER_ISS + 7);
  });

  it('3.10.7.4 step 8: a FIN beyond a hole is held until the hole fills, then CLOSE-WAIT', () => {
    const w = established();
    const got = collect(w.sock);
    w.send(A | F, PEER_ISS + 6, ISS + 1, 'world');
    w.sim.run({ until: 60 });
    expect(w.sock.state).toBe('ESTABLISHED');
    expect(w.received().map((s) => s.ack)).toEqual([PEER_ISS + 1]);
    w.send(A, PEER_ISS + 1, ISS + 1, 'hello');
    w.sim.run({ until: 90 });
    expect(got.data()).toBe('helloworld');
    expect(got.ended()).toBe(true);
    expect(w.sock.state).toBe('CLOSE-WAIT');
    expect(w.received().at(-1)!.ack).toBe(PEER_ISS + 12); // data and FIN acknowledged
  });

  it('RFC 1122 4.2.2.13: closing with unread data sends RST instead of FIN', () => {
    const w = established();
    w.sock.pause();
    w.send(A, PEER_ISS + 1, ISS + 1, 'unread');
    w.sim.run({ until: 60 });
    w.received();
    w.sock.close();
    w.sim.run({ until: 90 });
    const out = w.received();
    expect(out.map((s) => s.flags)).toEqual([R]);
    expect(w.sock.state).toBe('CLOSED');
  });

  it('3.10.5 ABORT: destroy() in ESTABLISHED sends <SEQ=SND.NXT><CTL=RST>', () => {
    const w = established();
    w.sock.destroy();
    w.sim.run({ until: 60 });
    expect(w.received().map((s) => [s.flags, s.seq])).toEqual([[R, ISS + 1]]);
    expect(w.sock.state).toBe('CLOSED');
  });

  it('3.10.2 SEND after CLOSE: write after end() fails with EPIPE', () => {
    const w = established();
    const errors: string[] = [];
    w.sock.on('error', (e) => errors.push((e as Error & { code: string }).code));
    w.sock.end();
    expect(w.sock.write(text('late'))).toBe(false);
    expect(errors).toEqual(['EPIPE']);
  });
});

describe('3.10.7.4 closing states', () => {
  it('3.10.7.4 step 8: FIN+ACK acknowledging our FIN takes FIN-WAIT-1 straight to TIME-WAIT', () => {
    const w = established();
    w.sock.end();
    w.sim.run({ until: 60 });
    w.send(F | A, PEER_ISS + 1, ISS + 2);
    w.sim.run({ until: 90 });
    expect(statePath(w.sim, 'client').slice(-2)).toEqual(['FIN-WAIT-1', 'TIME-WAIT']);
  });

  it('3.10.7.4 step 8 (Figure 13, simultaneous close): FIN in FIN-WAIT-1 without our FIN acked enters CLOSING, then TIME-WAIT', () => {
    const w = established();
    w.sock.end();
    w.send(F | A, PEER_ISS + 1, ISS + 1);
    w.sim.run({ until: 60 });
    expect(w.sock.state).toBe('CLOSING');
    w.send(A, PEER_ISS + 2, ISS + 2);
    w.sim.run({ until: 90 });
    expect(statePath(w.sim, 'client').slice(-3)).toEqual(['FIN-WAIT-1', 'CLOSING', 'TIME-WAIT']);
  });

  it('3.10.7.4 step 7: half-close: data keeps flowing to FIN-WAIT-2 and from CLOSE-WAIT', () => {
    const { sim, client, server } = world();
    let serverSide: ReturnType<typeof collect> | undefined;
    server.listen(80).on('connection', (s) => {
      serverSide = collect(s);
      s.on('end', () => {
        s.write(text('still talking'));
        sim.schedule(50, () => s.end());
      });
    });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    const got = collect(sock);
    sock.on('connect', () => sock.end(text('bye')));
    sim.run();
    expect(serverSide!.data()).toBe('bye');
    expect(got.data()).toBe('still talking');
    const delivery = eventsOf(sim, 'app.data').find((e) => e.host === 'client')!;
    const stateThen = eventsOf(sim, 'tcp.state')
      .filter((e) => e.host === 'client' && e.seq < delivery.seq)
      .at(-1)!;
    expect(stateThen.to).toBe('FIN-WAIT-2');
    expect(statePath(sim, 'server')).toContain('CLOSE-WAIT');
  });

  it('3.10.7.4 step 8: a retransmitted FIN in TIME-WAIT is acknowledged and restarts the 2MSL timer', () => {
    const w = established();
    w.sock.end();
    w.sim.run({ until: 60 });
    w.send(F | A, PEER_ISS + 1, ISS + 2);
    w.sim.run({ until: 100 });
    const entered = eventsOf(w.sim, 'tcp.state').find((e) => e.to === 'TIME-WAIT')!.time;
    w.received();
    w.sim.at(1500, () => w.send(F | A, PEER_ISS + 1, ISS + 2));
    w.sim.run();
    expect(w.received().map((s) => [s.flags, s.ack])).toEqual([[A, PEER_ISS + 2]]);
    const closed = eventsOf(w.sim, 'tcp.state').at(-1)!;
    expect(closed.to).toBe('CLOSED');
    expect(closed.time).toBe(1505 + 2000);
    expect(closed.time).toBeGreaterThan(entered + 2000);
    const cancelled = w.sim.trace.events.filter((e) => e.type === 'timer.cancelled' && e.timer === '2MSL');
    expect(cancelled.map((e) => e.type === 'timer.cancelled' && e.stopCause)).toEqual(['restarted']);
  });

  it('3.10.7.4 step 5: our FIN acknowledged in LAST-ACK closes the connection', () => {
    const w = established();
    w.send(F | A, PEER_ISS + 1, ISS + 1);
    w.sim.run({ until: 60 });
    w.sock.end();
    w.sim.run({ until: 90 });
    w.send(A, PEER_ISS + 2, ISS + 2);
    w.sim.run({ until: 120 });
    expect(statePath(w.sim, 'client').slice(-3)).toEqual(['CLOSE-WAIT', 'LAST-ACK', 'CLOSED']);
  });
});

describe('3.8 retransmission and flow control', () => {
  it('3.8.1: a lost FIN is retransmitted with its original sequence number', () => {
    const { sim, client, server } = world();
    acceptAll(server);
    sim.addFault({ direction: { from: 'client', to: 'server' }, match: { flags: ['FIN'] }, action: 'drop' });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.end());
    sim.run();
    const fins = sentBy(sim, 'client').filter((e) => e.seg.flags.includes('FIN'));
    expect(fins).toHaveLength(2);
    expect(fins[1]!.seg.seq).toBe(fins[0]!.seg.seq);
    expect(fins[1]!.retransmission).toBe(true);
    expect(sock.state).toBe('CLOSED');
  });

  it('RFC 6298 2.2 and 3 (Karn): SRTT/RTTVAR come from the handshake sample, not from a retransmitted segment', () => {
    const { sim, client, server } = world();
    acceptAll(server);
    sim.addFault({
      direction: { from: 'client', to: 'server' },
      match: { payloadIncludes: 'x' },
      action: 'drop',
    });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.write(text('x')));
    sim.run({ until: 3000 });
    expect(sock.tcb.srtt).toBe(10); // SYN -> SYN,ACK round trip on a 5 ms link
    expect(sock.tcb.rttvar).toBe(5);
    expect(sock.tcb.sndUna).toBe(sock.tcb.sndNxt);
  });

  it('RFC 6298 5.5 and RFC 1122 R2: unanswered data backs off 1, 2, 4 s and fails with ETIMEDOUT', () => {
    const { sim, client, server } = world({ profile: { dataRetries: 3, msl: 1000 } });
    acceptAll(server);
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('error', () => {});
    sim.run({ until: 100 });
    sim.setPartition(client, server, true);
    sock.write(text('lost'));
    sim.run();
    const times = sentBy(sim, 'client')
      .filter((e) => e.seg.len > 0)
      .map((e) => e.time);
    expect(times).toEqual([100, 1100, 3100, 7100]);
    expect(errorsOf(sim)).toEqual(['ETIMEDOUT']);
    expect(sock.state).toBe('CLOSED');
  });

  it('3.8.6 / 3.8.6.1: a paused reader closes RCV.WND to 0; the sender stops, probes, and resumes when read', () => {
    const { sim, client, server } = world();
    let serverSock: ReturnType<typeof server.connect> | undefined;
    server.listen(80).on('connection', (s) => {
      serverSock = s;
      s.pause();
    });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    const payload = new Uint8Array(100_000).fill(7);
    sock.on('connect', () => {
      sock.write(payload);
      sock.end();
    });
    sim.run({ until: 3000 });
    const windows = sentBy(sim, 'server').map((e) => e.seg.window);
    expect(windows.at(-1)).toBe(0);
    expect(serverSock!.readableLength).toBe(65535);
    expect(sim.trace.events.some((e) => e.type === 'timer.set' && e.timer === 'PERSIST')).toBe(true);
    const got = collect(serverSock!);
    serverSock!.resume();
    sim.run();
    expect(got.bytes()).toEqual(payload);
  });
});

describe('scripted faults and the link', () => {
  it('addFault { index, action: { delay } } delays the 3rd segment by 2 s', () => {
    const { sim, client, server } = world();
    acceptAll(server);
    sim.addFault({
      direction: { from: 'client', to: 'server' },
      match: { index: 2 },
      action: { delay: 2000 },
    });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.write(text('a')));
    sim.run({ until: 5000 });
    const third = sentBy(sim, 'client')[2]!;
    const delayed = eventsOf(sim, 'segment.delayed')[0]!;
    expect(delayed.segmentId).toBe(third.segmentId);
    const delivered = eventsOf(sim, 'segment.delivered').find((e) => e.segmentId === third.segmentId)!;
    expect(delivered.time - third.time).toBe(2005);
  });

  it('addFault corrupt: the receiver discards the segment on its checksum and the sender retransmits', () => {
    const { sim, client, server } = world();
    acceptAll(server);
    sim.addFault({ match: { flags: ['FIN'] }, action: 'corrupt' });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.end());
    sim.run();
    const corrupted = eventsOf(sim, 'segment.corrupted')[0]!;
    const dropped = eventsOf(sim, 'segment.dropped').find((e) => e.segmentId === corrupted.segmentId)!;
    expect(dropped.reason).toBe('checksum');
    expect(sock.state).toBe('CLOSED');
  });

  it('link duplicate: a duplicated data segment is delivered to TCP twice but to the application once', () => {
    const { sim, client, server } = world();
    const { sockets } = acceptAll(server);
    sim.addFault({ match: { payloadIncludes: 'once' }, action: 'duplicate' });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.end(text('once')));
    sim.run();
    expect(eventsOf(sim, 'segment.duplicated')).toHaveLength(1);
    expect(
      eventsOf(sim, 'app.data')
        .filter((e) => e.host === 'server')
        .map((e) => e.length),
    ).toEqual([4]);
    expect(sockets).toHaveLength(1);
  });

  it('link bandwidth: serialisation delay = size * 8 / bandwidth', () => {
    const { sim, client, server } = world({}, { delay: 0, bandwidth: 8000 }); // 1 octet per ms
    acceptAll(server);
    client.connect({ address: '10.0.0.2', port: 80 });
    sim.run({ until: 200 });
    const syn = sentBy(sim, 'client')[0]!;
    const delivered = eventsOf(sim, 'segment.delivered').find((e) => e.segmentId === syn.segmentId)!;
    expect(delivered.time).toBe(syn.bytes.length / 2); // 44-octet SYN packet
  });
});
