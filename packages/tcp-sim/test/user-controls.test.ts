/**
 * What users can now express: an MSS per host, fault selectors by sequence range, time window and
 * n-th segment of a direction, a raw host injecting as another address into a real connection, and
 * the scripted peer's timed injections, collecting mode and relative numbering in the trace.
 */
import { describe, expect, it } from 'vitest';
import { acceptAll, eventsOf, sentBy, text, world } from './fixtures.js';
import { createScriptedPeer, createSimulation, ScriptError } from './shim.js';

/** A client writing `octets` in one call over a 5 ms link; the server reads everything. */
function bulk(octets: number, setup?: (w: ReturnType<typeof world>) => void) {
  const w = world();
  setup?.(w);
  acceptAll(w.server);
  const sock = w.client.connect({ address: '10.0.0.2', port: 80 });
  sock.on('connect', () => sock.end(new Uint8Array(octets).fill(0x61)));
  return { ...w, sock };
}

describe('RFC 9293 3.7.1: an MSS per host', () => {
  it('3.7.1: a host with mss 536 announces it on its SYN and its peer never sends more', () => {
    const sim = createSimulation({ seed: 1 });
    const client = sim.addHost({ name: 'client', address: '10.0.0.1', mss: 536 });
    const server = sim.addHost({ name: 'server', address: '10.0.0.2' });
    sim.setLink(client, server, { delay: 5 });
    let got = 0;
    server.listen(80).on('connection', (s) => s.write(new Uint8Array(5000)));
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('data', (d) => {
      got += d.length;
    });
    sim.run({ until: 2000 });
    const sent = eventsOf(sim, 'segment.sent');
    const clientSyn = sent.find((e) => e.from === 'client' && e.seg.flags.includes('SYN'))!;
    const serverSynAck = sent.find((e) => e.from === 'server' && e.seg.flags.includes('SYN'))!;
    expect(clientSyn.seg.options.mss).toBe(536);
    expect(serverSynAck.seg.options.mss).toBe(1460);
    const serverData = sent.filter((e) => e.from === 'server' && e.seg.len > 0).map((e) => e.seg.len);
    expect(Math.max(...serverData)).toBe(536);
    expect(got).toBe(5000);
    expect(sock.tcb.rcvMss).toBe(536);
    expect(sock.tcb.sndMss).toBe(536);
  });

  it('3.7.1: the sender is bounded by its own MSS too (min of its setting and the peer option)', () => {
    const sim = createSimulation({ seed: 1 });
    const client = sim.addHost({ name: 'client', address: '10.0.0.1', mss: 1000 });
    const server = sim.addHost({ name: 'server', address: '10.0.0.2' });
    sim.setLink(client, server, { delay: 5 });
    acceptAll(server);
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.end(new Uint8Array(4500)));
    sim.run({ until: 2000 });
    const lens = sentBy(sim, 'client')
      .filter((e) => e.seg.len > 0)
      .map((e) => e.seg.len);
    expect(lens).toEqual([1000, 1000, 1000, 1000, 500]);
  });

  it('the link MTU still wins when it is smaller than the host MSS', () => {
    const sim = createSimulation({ seed: 1 });
    const client = sim.addHost({ name: 'client', address: '10.0.0.1', mss: 9000 });
    const server = sim.addHost({ name: 'server', address: '10.0.0.2' });
    sim.setLink(client, server, { delay: 5, mtu: 1280 });
    acceptAll(server);
    client.connect({ address: '10.0.0.2', port: 80 });
    sim.run({ until: 100 });
    expect(sentBy(sim, 'client')[0]!.seg.options.mss).toBe(1240);
  });

  it.each([[0], [87], [65496], [1000.5], [Number.NaN]])('mss %s is refused with a RangeError', (mss) => {
    const sim = createSimulation({ seed: 1 });
    expect(() => sim.addHost({ name: 'h', address: '10.0.0.9', mss })).toThrow(RangeError);
  });
});

describe('fault selectors', () => {
  it('seq range: drops only the segments whose relative SEQ lies in [from, to)', () => {
    const w = bulk(5000, ({ sim }) =>
      sim.addFault({
        direction: { from: 'client', to: 'server' },
        match: { seq: { from: 1461, to: 4381 } },
        action: 'drop',
        times: Number.POSITIVE_INFINITY,
      }),
    );
    w.sim.run({ until: 600 });
    const dropped = new Set(
      eventsOf(w.sim, 'segment.dropped')
        .filter((e) => e.reason === 'fault')
        .map((e) => e.segmentId),
    );
    const firstTry = sentBy(w.sim, 'client').filter((e) => e.seg.len > 0 && !e.retransmission);
    const rel = (seq: number) => (seq - w.sock.tcb.iss) >>> 0;
    expect(firstTry.map((e) => [rel(e.seg.seq), dropped.has(e.segmentId)])).toEqual([
      [1, false],
      [1461, true],
      [2921, true],
      [4381, false],
    ]);
  });

  it('seq: one number selects exactly that SEQ, and its retransmissions while times lasts', () => {
    const w = bulk(3000, ({ sim }) =>
      sim.addFault({
        direction: { from: 'client', to: 'server' },
        match: { seq: 1461 },
        action: 'drop',
        times: 2,
      }),
    );
    w.sim.run();
    const drops = eventsOf(w.sim, 'segment.dropped').filter((e) => e.reason === 'fault');
    const byId = new Map(sentBy(w.sim, 'client').map((e) => [e.segmentId, e]));
    expect(drops.map((d) => (byId.get(d.segmentId)!.seg.seq - w.sock.tcb.iss) >>> 0)).toEqual([1461, 1461]);
    expect(drops.map((d) => byId.get(d.segmentId)!.retransmission)).toEqual([false, true]);
    expect(w.sock.state).not.toBe('ESTABLISHED');
  });

  it('time window: "drop every segment from t=100 ms" cuts the path from that instant on', () => {
    const { sim, client, server } = world();
    acceptAll(server);
    sim.addFault({ match: { time: { from: 100 } }, action: 'drop', times: Number.POSITIVE_INFINITY });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('error', () => {});
    sim.schedule(150, () => sock.write(text('late')));
    sim.run({ until: 5000 });
    const sent = eventsOf(sim, 'segment.sent');
    const dropped = new Set(
      eventsOf(sim, 'segment.dropped')
        .filter((e) => e.reason === 'fault')
        .map((e) => e.segmentId),
    );
    expect(sent.filter((e) => e.time < 100).every((e) => !dropped.has(e.segmentId))).toBe(true);
    expect(sent.filter((e) => e.time >= 100).length).toBeGreaterThan(2);
    expect(sent.filter((e) => e.time >= 100).every((e) => dropped.has(e.segmentId))).toBe(true);
  });

  it('time window with an end: segments sent in [from, to) only', () => {
    const { sim, client, server } = world();
    acceptAll(server);
    sim.addFault({
      direction: { from: 'client', to: 'server' },
      match: { time: { from: 0, to: 1 } },
      action: 'drop',
      times: Number.POSITIVE_INFINITY,
    });
    client.connect({ address: '10.0.0.2', port: 80 });
    sim.run({ until: 3000 });
    const syns = sentBy(sim, 'client').filter((e) => e.seg.flags.includes('SYN'));
    // The SYN at 0 is lost, its retransmission at 1 s passes.
    expect(syns.map((e) => e.time)).toEqual([0, 1000]);
    expect(eventsOf(sim, 'segment.dropped').filter((e) => e.reason === 'fault')).toHaveLength(1);
  });

  it('nth segment of a direction: { direction, match: { nth: 3 } } hits the third segment from client to server only', () => {
    const w = bulk(3000, ({ sim }) =>
      sim.addFault({ direction: { from: 'client', to: 'server' }, match: { nth: 3 }, action: 'drop' }),
    );
    w.sim.run();
    const drops = eventsOf(w.sim, 'segment.dropped').filter((e) => e.reason === 'fault');
    expect(drops).toHaveLength(1);
    const clientSegments = sentBy(w.sim, 'client');
    expect(drops[0]!.segmentId).toBe(clientSegments[2]!.segmentId);
  });

  it.each([
    [{ seq: { from: 10, to: 5 } }],
    [{ seq: -1 }],
    [{ time: { from: Number.NaN } }],
    [{ time: { from: 5, to: 5 } }],
  ])('a bad selector %j is a RangeError', (match) => {
    const { sim } = world();
    expect(() => sim.addFault({ match, action: 'drop' })).toThrow(RangeError);
  });
});

describe('a raw host injecting as another address (RFC 5961)', () => {
  function threeHosts() {
    const sim = createSimulation({ seed: 1, profile: 'linux' });
    const client = sim.addHost({ name: 'client', address: '10.0.0.1' });
    const server = sim.addHost({ name: 'server', address: '10.0.0.2' });
    const attacker = sim.addHost({ name: 'attacker', address: '10.0.0.66', raw: true });
    sim.setLink(client, server, { delay: 5 });
    sim.setLink(attacker, server, { delay: 1 });
    let accepted: ReturnType<typeof client.connect> | undefined;
    server.listen(80).on('connection', (s) => {
      accepted = s;
      s.on('data', () => {});
      s.on('error', () => {});
    });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.on('error', () => {});
    sim.run({ until: 50 });
    return { sim, client, server, attacker, sock, accepted: () => accepted! };
  }

  it('RFC 5961 3.2: a spoofed in-window RST that is not exactly RCV.NXT draws a challenge ACK to the real client', () => {
    const { sim, attacker, sock, accepted } = threeHosts();
    const srv = accepted();
    const before = sentBy(sim, 'server').length;
    attacker.send(
      '10.0.0.2',
      {
        srcPort: sock.localPort,
        dstPort: 80,
        seq: (srv.tcb.rcvNxt + 100) >>> 0,
        ack: 0,
        flags: 0x04,
        window: 0,
        options: {},
        payload: new Uint8Array(0),
      },
      { as: '10.0.0.1' },
    );
    sim.run({ until: 100 });
    const spoofed = eventsOf(sim, 'segment.sent').find((e) => e.from === 'attacker')!;
    expect(spoofed.conn).toBe(`client:${sock.localPort}>server:80`);
    expect(spoofed.bytes.slice(24, 32)).toBe('0a000001'); // IPv4 source = the client's address
    const answers = sentBy(sim, 'server').slice(before);
    expect(answers.map((e) => [e.to, e.seg.flags])).toEqual([['client', ['ACK']]]);
    expect(srv.state).toBe('ESTABLISHED');
    expect(sock.state).toBe('ESTABLISHED');
  });

  it('3.10.7.4 step 2: a spoofed RST at exactly RCV.NXT resets the real connection', () => {
    const { sim, attacker, sock, accepted } = threeHosts();
    const srv = accepted();
    attacker.send(
      '10.0.0.2',
      {
        srcPort: sock.localPort,
        dstPort: 80,
        seq: srv.tcb.rcvNxt,
        ack: 0,
        flags: 0x04,
        window: 0,
        options: {},
        payload: new Uint8Array(0),
      },
      { as: '10.0.0.1' },
    );
    sim.run({ until: 100 });
    expect(srv.state).toBe('CLOSED');
    expect(sock.state).toBe('ESTABLISHED'); // the real client knows nothing yet
  });

  it("spoofed data at RCV.NXT is delivered to the server application as the client's", () => {
    const { sim, attacker, sock, accepted } = threeHosts();
    const srv = accepted();
    const got: string[] = [];
    srv.on('data', (d) => got.push(new TextDecoder().decode(d)));
    attacker.send(
      '10.0.0.2',
      {
        srcPort: sock.localPort,
        dstPort: 80,
        seq: srv.tcb.rcvNxt,
        ack: srv.tcb.sndNxt,
        flags: 0x18,
        window: 65535,
        options: {},
        payload: text('forged'),
      },
      { as: '10.0.0.1' },
    );
    sim.run({ until: 100 });
    expect(got).toEqual(['forged']);
  });

  it('a host running TCP cannot send hand-made segments', () => {
    const { client } = threeHosts();
    expect(() =>
      client.send('10.0.0.2', {
        srcPort: 1,
        dstPort: 80,
        seq: 0,
        ack: 0,
        flags: 0x04,
        window: 0,
        options: {},
        payload: new Uint8Array(0),
      }),
    ).toThrow(TypeError);
  });
});

describe('the scripted peer: timed injections, collecting mode, relative numbers', () => {
  it('inject { at } runs virtual time to the instant, then sends; { after } counts from the last step', () => {
    const p = createScriptedPeer({ profile: 'linux', delay: 10 });
    p.listen(80);
    p.inject({ flags: 'S', options: { mss: 1000 }, at: 100 });
    p.expect({ flags: 'S.', seq: 0, ack: 1, after: 20 });
    p.inject({ flags: '.', ack: 1, after: 5 });
    p.inject({ flags: 'P.', payload: 10, after: 50 });
    const sent = eventsOf(p.sim, 'segment.sent').filter((e) => e.from === 'peer');
    expect(sent.map((e) => e.time)).toEqual([100, 125, 175]);
    expect(() => p.inject({ flags: '.', at: 10 })).toThrow(ScriptError);
    expect(() => p.inject({ flags: '.', at: 500, after: 1 })).toThrow(ScriptError);
  });

  it('segments the peer injected arrive before an expect looks: queued, not lost', () => {
    const p = createScriptedPeer({ profile: 'linux' });
    p.listen(80);
    p.inject({ flags: 'S', options: { mss: 1000 } });
    p.inject({ flags: '.', ack: 1, at: 300 }); // the SYN,ACK came at 0 and waits in the inbox
    p.expect({ flags: 'S.', seq: 0, ack: 1 });
  });

  it('collecting mode records every difference and carries on; assertNoDifferences lists them all', () => {
    const p = createScriptedPeer({ profile: 'rfc', onMismatch: 'collect' });
    p.listen(80);
    p.inject({ flags: 'S', options: { mss: 1000 } });
    const synAck = p.expect({ flags: 'S.', seq: 0, ack: 2, win: 1 }); // ack and win are wrong
    expect(synAck?.flags).toBe(0x12);
    p.inject({ flags: '.', ack: 1 });
    p.expectNothing(100);
    p.inject({ flags: 'P.', payload: 10 });
    const nothing = p.expect({ flags: 'F.', after: 10 }); // a delayed ACK comes at 200 ms instead
    expect(nothing).toBeUndefined();
    expect(p.differences.map((d) => [d.step, d.fields])).toEqual([
      [1, ['ack', 'win']],
      [3, ['nothing']],
    ]);
    expect(() => p.assertNoDifferences()).toThrow(/2 difference\(s\):\n {2}step 1 .*\n {2}step 3/);
  });

  it('throw mode (the default) still stops at the first difference', () => {
    const p = createScriptedPeer({ profile: 'linux' });
    p.listen(80);
    p.inject({ flags: 'S', options: { mss: 1000 } });
    expect(() => p.expect({ flags: 'S.', ack: 2 })).toThrow(ScriptError);
    expect(p.differences).toEqual([]);
  });

  it("the trace numbers the peer's own segments relative to its ISS and the endpoint's", () => {
    const p = createScriptedPeer({ profile: 'linux', peerIss: 123_456 });
    p.listen(80);
    p.inject({ flags: 'S', options: { mss: 1000 } });
    p.expect({ flags: 'S.', seq: 0, ack: 1 });
    p.inject({ flags: '.', ack: 1 });
    p.inject({ flags: 'P.', payload: 10 });
    const peer = eventsOf(p.sim, 'segment.sent').filter((e) => e.from === 'peer');
    expect(peer.map((e) => [e.seg.relSeq, e.seg.relAck])).toEqual([
      [0, undefined],
      [1, 1],
      [1, 1],
    ]);
    expect(peer[2]!.seg.seq).toBe(123_457);
  });
});
