/**
 * TCP options beyond MSS: window scaling and timestamps (RFC 7323), SACK (RFC 2018), used only when
 * both SYNs carry them; encoded and decoded on the wire in both directions.
 */
import { describe, expect, it } from 'vitest';
import { eventsOf } from './fixtures.js';
import {
  createScriptedPeer,
  createSimulation,
  decodeTcpSegment,
  encodeTcpSegment,
  type TcpSegment,
} from './shim.js';

describe('RFC 7323 / RFC 2018 negotiation on the SYNs', () => {
  it('linux offers MSS, window scale 7, SACK-permitted and timestamps; rfc offers MSS only', () => {
    const linux = createScriptedPeer({ profile: 'linux' }).connect();
    const syn = linux.expect({ flags: 'S' });
    expect(syn.options).toEqual({
      mss: 1460,
      windowScale: 7,
      sackPermitted: true,
      timestamp: { value: 0, echo: 0 },
    });
    const rfc = createScriptedPeer({ profile: 'rfc' }).connect();
    expect(rfc.expect({ flags: 'S' }).options).toEqual({ mss: 1460 });
  });

  it('RFC 7323 2.2 / 3.2, RFC 2018 2: a SYN,ACK answers only the options the SYN offered', () => {
    const p = createScriptedPeer({ profile: 'linux' }).listen(80);
    p.inject({ flags: 'S', options: { mss: 1000, timestamp: { value: 77, echo: 0 } } });
    const synAck = p.expect({ flags: 'S.' });
    expect(synAck.options).toEqual({ mss: 1460, timestamp: { value: 0, echo: 77 } });
  });

  it('RFC 7323 2.2: without window scale on both SYNs, windows are not scaled', () => {
    const p = createScriptedPeer({ profile: 'linux', receiveBuffer: 1 << 20 }).connect();
    p.expect({ flags: 'S' });
    p.inject({ flags: 'S.', ack: 1, win: 100, options: { mss: 1000 } });
    const ack = p.expect({ flags: '.' });
    expect(ack.window).toBe(65535); // capped at 16 bits, unscaled
    p.sock.write('x'.repeat(300));
    expect(p.expect({ flags: 'P.', seq: 1 }).payload.length).toBe(100); // the peer's window: 100 octets
  });

  it('RFC 7323 2.3: with window scale on both SYNs, SEG.WND is shifted both ways (never on SYNs)', () => {
    const p = createScriptedPeer({ profile: 'linux', receiveBuffer: 1 << 20 }).connect();
    const syn = p.expect({ flags: 'S' });
    expect(syn.window).toBe(65535);
    p.inject({ flags: 'S.', ack: 1, win: 100, options: { mss: 1000, windowScale: 2 } });
    const ack = p.expect({ flags: '.' });
    expect(ack.window).toBe((1 << 20) >>> 7); // 1 MiB advertised with shift 7
    expect(p.sock.tcb.rcvWnd).toBe(1 << 20);
    p.sock.write('x'.repeat(2000));
    p.expect({ flags: 'P.', seq: 1, len: 100 }); // the SYN,ACK's window is not scaled: 100 octets
    p.inject({ flags: '.', ack: 101, win: 100 }); // now scaled: 400 octets
    p.expect({ flags: '.', seq: 101, len: 400 });
  });

  it('RFC 7323 3.2 / 4.3: with timestamps, every segment carries TSval = now and TSecr = TS.Recent; payload = MSS - 12', () => {
    const p = createScriptedPeer({ profile: 'linux', delay: 3 }).connect();
    p.expect({ flags: 'S' });
    p.inject({ flags: 'S.', ack: 1, options: { mss: 1000, timestamp: { value: 500, echo: 0 } } });
    p.expect({ flags: '.', options: { timestamp: { value: 6, echo: 500 } } });
    p.inject({ flags: '.', ack: 1, options: { timestamp: { value: 510, echo: 6 } } });
    p.advance(10);
    p.sock.write('y'.repeat(3000));
    const first = p.expect({ flags: '.', seq: 1 });
    expect(first.payload.length).toBe(988);
    expect(first.options.timestamp).toEqual({ value: p.sim.now - 3, echo: 510 });
  });
});

describe('RFC 2018 SACK blocks', () => {
  function sackPeer() {
    const p = createScriptedPeer({ profile: 'linux' }).connect();
    p.expect({ flags: 'S' });
    p.inject({ flags: 'S.', ack: 1, options: { mss: 1000, sackPermitted: true } });
    p.expect({ flags: '.' });
    p.sock.on('data', () => {});
    return p;
  }

  it('RFC 2018 4: an out-of-order segment draws a duplicate ACK with a SACK block for it', () => {
    const p = sackPeer();
    p.inject({ flags: '.', seq: 1001, payload: 500 });
    const ack = p.expect({ flags: '.', ack: 1, after: 0 });
    expect(ack.options.sack).toEqual([{ left: p.peerIss + 1001, right: p.peerIss + 1501 }]);
  });

  it('RFC 2018 4: the first block holds the most recent arrival; adjacent data merges into one block', () => {
    const p = sackPeer();
    p.inject({ flags: '.', seq: 1001, payload: 100 });
    p.expect({ flags: '.', ack: 1 });
    p.inject({ flags: '.', seq: 3001, payload: 100 });
    const two = p.expect({ flags: '.', ack: 1 });
    const rel = (b: { left: number; right: number }) => [b.left - p.peerIss, b.right - p.peerIss];
    expect(two.options.sack!.map(rel)).toEqual([
      [3001, 3101],
      [1001, 1101],
    ]);
    p.inject({ flags: '.', seq: 1101, payload: 100 });
    const merged = p.expect({ flags: '.', ack: 1 });
    expect(merged.options.sack!.map(rel)).toEqual([
      [1001, 1201],
      [3001, 3101],
    ]);
    p.inject({ flags: '.', seq: 1, payload: 1000 }); // the hole fills up to 1201: cumulative ACK moves on
    const after = p.expect({ flags: '.', ack: 1201 });
    expect(after.options.sack!.map(rel)).toEqual([[3001, 3101]]);
  });

  it('RFC 2018 4: after the first block, the most recently reported blocks come first (not sequence order)', () => {
    const p = sackPeer();
    const rel = (b: { left: number; right: number }) => [b.left - p.peerIss, b.right - p.peerIss];
    for (const seq of [2001, 4001, 6001]) {
      p.inject({ flags: '.', seq, payload: 100 });
      p.expect({ flags: '.', ack: 1 });
    }
    p.inject({ flags: '.', seq: 8001, payload: 100 });
    const ack = p.expect({ flags: '.', ack: 1 });
    // Linux profile: timestamps off here (the peer offered none), so four blocks fit.
    expect(ack.options.sack!.map(rel)).toEqual([
      [8001, 8101],
      [6001, 6101],
      [4001, 4101],
      [2001, 2101],
    ]);
  });

  it('RFC 2018 3: SACK options encode and decode both ways; a length that is not 2 + 8n is rejected', () => {
    const seg: TcpSegment = {
      srcPort: 1,
      dstPort: 2,
      seq: 10,
      ack: 20,
      flags: 0x10,
      window: 100,
      options: {
        timestamp: { value: 1, echo: 2 },
        sack: [
          { left: 30, right: 40 },
          { left: 0xfffffff0, right: 5 },
        ],
      },
      payload: new Uint8Array(0),
    };
    const bytes = encodeTcpSegment(seg, 0x0a000001, 0x0a000002);
    const back = decodeTcpSegment(bytes, { src: 0x0a000001, dst: 0x0a000002 });
    expect(back.ok && back.segment.options).toEqual(seg.options);
    const bad = bytes.slice();
    const at = bad.indexOf(5, 20);
    bad[at + 1] = 11;
    expect(decodeTcpSegment(bad)).toEqual({ ok: false, error: 'bad-option' });
  });
});

describe('window scaling end to end', () => {
  it('two linux endpoints with 1 MiB buffers keep more than 64 KiB in flight', () => {
    const sim = createSimulation({ seed: 1, profile: 'linux', traceBytes: false });
    const c = sim.addHost({ name: 'big', address: '10.0.0.3', receiveBuffer: 1 << 20 });
    const s2 = sim.addHost({ name: 'sink', address: '10.0.0.4', receiveBuffer: 1 << 20 });
    sim.setLink(c, s2, { delay: 50 });
    let got = 0;
    s2.listen(80).on('connection', (s) => s.on('data', (d) => (got += d.length)));
    const sock = c.connect({ address: '10.0.0.4', port: 80 });
    const total = 1 << 20;
    sock.on('connect', () => sock.end(new Uint8Array(total)));
    let maxFlight = 0;
    sim.trace.subscribe((e) => {
      if (e.type === 'tcp.cwnd' && e.host === 'big') maxFlight = Math.max(maxFlight, e.flight);
    });
    sim.run();
    expect(got).toBe(total);
    expect(maxFlight).toBeGreaterThan(65535);
    expect(eventsOf(sim, 'segment.dropped')).toEqual([]);
  });
});
