import { describe, expect, it } from 'vitest';
import { acceptAll, collect, eventsOf, sentBy, statePath, text, world } from './fixtures.js';

describe('RFC 9293 3.5 three-way handshake and 3.6 four-way close', () => {
  it('RFC 9293 3.5 Figure 6: SYN, SYN-ACK (ack = ISS+1), ACK (ack = IRS+1), both ESTABLISHED', () => {
    const { sim, client, server } = world();
    acceptAll(server);
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sim.run({ until: 100 });
    expect(sock.state).toBe('ESTABLISHED');
    const [syn] = sentBy(sim, 'client');
    const [synAck] = sentBy(sim, 'server');
    const ack = sentBy(sim, 'client')[1]!;
    expect(syn!.seg.flags).toEqual(['SYN']);
    expect(synAck!.seg.flags).toEqual(['SYN', 'ACK']);
    expect(synAck!.seg.ack).toBe((syn!.seg.seq + 1) >>> 0);
    expect(ack.seg.flags).toEqual(['ACK']);
    expect(ack.seg.ack).toBe((synAck!.seg.seq + 1) >>> 0);
    expect(sock.tcb.iss).toBe(syn!.seg.seq);
    expect(sock.tcb.irs).toBe(synAck!.seg.seq);
    expect(statePath(sim, 'client')).toEqual(['SYN-SENT', 'ESTABLISHED']);
    expect(statePath(sim, 'server')).toEqual(['LISTEN', 'SYN-RCVD', 'ESTABLISHED']);
  });

  it('RFC 9293 3.7.1: SYNs carry the MSS option (MTU - 40) and data is cut at the smaller MSS', () => {
    const { sim, client, server } = world({}, { delay: 5, mtu: 576 });
    acceptAll(server);
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    sock.write(new Uint8Array(2000));
    sock.end();
    sim.run();
    const syn = sentBy(sim, 'client')[0]!;
    expect(syn.seg.options.mss).toBe(536);
    const dataLens = sentBy(sim, 'client')
      .map((e) => e.seg.len)
      .filter((n) => n > 0);
    expect(dataLens).toEqual([536, 536, 536, 392]);
  });

  it('RFC 9293 3.6 Figure 12: normal close walks FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT, CLOSED and LAST-ACK', () => {
    const { sim, client, server } = world();
    // The server closes its side 50 ms after the client's FIN, so each FIN has its own ACK.
    server.listen(80).on('connection', (s) => {
      s.on('data', () => {});
      s.on('end', () => sim.schedule(50, () => s.end()));
    });
    const sock = client.connect({ address: '10.0.0.2', port: 80 });
    const got = collect(sock);
    sock.on('connect', () => {
      sock.write(text('hello'));
      sock.end();
    });
    let closed = false;
    sock.on('close', () => {
      closed = true;
    });
    const r = sim.run();
    expect(r.reason).toBe('idle');
    expect(got.ended()).toBe(true);
    expect(closed).toBe(true);
    expect(statePath(sim, 'client')).toEqual([
      'SYN-SENT',
      'ESTABLISHED',
      'FIN-WAIT-1',
      'FIN-WAIT-2',
      'TIME-WAIT',
      'CLOSED',
    ]);
    expect(statePath(sim, 'server')).toEqual([
      'LISTEN',
      'SYN-RCVD',
      'ESTABLISHED',
      'CLOSE-WAIT',
      'LAST-ACK',
      'CLOSED',
    ]);
    const tw = eventsOf(sim, 'tcp.state').find((e) => e.to === 'TIME-WAIT')!;
    const closedAt = eventsOf(sim, 'tcp.state')
      .filter((e) => e.host === 'client')
      .at(-1)!;
    expect(closedAt.time - tw.time).toBe(2 * 1000); // 2 MSL with msl = 1000
    expect(sim.pendingEvents).toBe(0);
  });
});
