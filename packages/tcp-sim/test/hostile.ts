/**
 * The hostile-link scenario the property tests generate: a client and a server exchanging arbitrary
 * writes over a lossy, duplicating, reordering, jittery link, then closing.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { createSimulation, type SimSocket, type Simulation, seqAdd, seqDiff, seqLe } from '../src/index.js';

export interface Scenario {
  seed: number;
  loss: number;
  duplicate: number;
  reorder: number;
  jitter: number;
  delay: number;
  clientWrites: number[];
  serverWrites: number[];
  clientIss: number | undefined;
  serverIss: number | undefined;
  mtu: number;
  slowReader: boolean;
  /** Timer profile base: 'linux' adds window scaling, timestamps, SACK, IW10, 40 ms delayed ACK. */
  profile: 'rfc' | 'linux';
  /** Nagle's algorithm on both sockets. */
  nagle: boolean;
}

const link = fc.record({
  loss: fc.double({ min: 0, max: 0.3, noNaN: true }),
  duplicate: fc.double({ min: 0, max: 0.2, noNaN: true }),
  reorder: fc.double({ min: 0, max: 0.2, noNaN: true }),
  jitter: fc.integer({ min: 0, max: 20 }),
  delay: fc.integer({ min: 1, max: 40 }),
});

export const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    seed: fc.integer(),
    link,
    clientWrites: fc.array(fc.integer({ min: 0, max: 6000 }), { maxLength: 6 }),
    serverWrites: fc.array(fc.integer({ min: 0, max: 6000 }), { maxLength: 6 }),
    // ISS close to 2^32 so that the stream wraps the sequence space.
    clientIss: fc.option(
      fc.integer({ min: 0, max: 20_000 }).map((d) => (0x1_0000_0000 - d) >>> 0),
      { nil: undefined },
    ),
    serverIss: fc.option(
      fc.integer({ min: 0, max: 20_000 }).map((d) => (0x1_0000_0000 - d) >>> 0),
      { nil: undefined },
    ),
    mtu: fc.constantFrom(576, 1500),
    slowReader: fc.boolean(),
    profile: fc.constantFrom('rfc' as const, 'linux' as const),
    nagle: fc.boolean(),
  })
  .map(({ link: l, ...rest }) => ({ ...rest, ...l }));

function pattern(seed: number, n: number, salt: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = (seed ^ salt) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export interface Outcome {
  sim: Simulation;
  client: SimSocket;
  server: SimSocket | undefined;
  clientGot: Uint8Array;
  serverGot: Uint8Array;
  clientSent: Uint8Array;
  serverSent: Uint8Array;
  reason: string;
}

export function play(s: Scenario): Outcome {
  const sim = createSimulation({
    seed: s.seed,
    // Generous retry limits: a 30 % loss rate must not make the property about ETIMEDOUT.
    profile: { base: s.profile, msl: 500, synRetries: 30, dataRetries: 30, rtoMax: 8000, nagle: s.nagle },
  });
  const clientHost = sim.addHost({
    name: 'client',
    address: '10.0.0.1',
    ...(s.clientIss !== undefined ? { isn: () => s.clientIss! } : {}),
  });
  const serverHost = sim.addHost({
    name: 'server',
    address: '10.0.0.2',
    receiveBuffer: s.slowReader ? 3000 : 65535,
    ...(s.serverIss !== undefined ? { isn: () => s.serverIss! } : {}),
  });
  const cfg = {
    delay: s.delay,
    jitter: s.jitter,
    loss: s.loss,
    duplicate: s.duplicate,
    reorder: s.reorder,
    mtu: s.mtu,
  };
  sim.setLink(clientHost, serverHost, cfg);
  const clientChunks = s.clientWrites.map((n, i) => pattern(s.seed, n, i + 1));
  const serverChunks = s.serverWrites.map((n, i) => pattern(s.seed, n, 1000 + i));
  const clientIn: Uint8Array[] = [];
  const serverIn: Uint8Array[] = [];
  let server: SimSocket | undefined;
  serverHost.listen(80, { backlog: 4 }).on('connection', (sock) => {
    server = sock;
    if (s.slowReader) {
      // Read 500 octets every 50 ms: unread data shrinks RCV.WND.
      const drain = () => {
        const c = sock.read(500);
        if (c) serverIn.push(c);
        if (sock.state !== 'CLOSED' && sock.state !== 'TIME-WAIT') sim.schedule(50, drain);
      };
      sim.schedule(50, drain);
      sock.on('end', () => sock.end());
    } else {
      sock.on('data', (c) => serverIn.push(c));
      sock.on('end', () => sock.end());
    }
    for (const c of serverChunks) sock.write(c);
  });
  const client = clientHost.connect({ address: '10.0.0.2', port: 80 });
  client.on('data', (c) => clientIn.push(c));
  client.on('connect', () => {
    for (const c of clientChunks) client.write(c);
    client.end();
  });
  const r = sim.run({ maxEvents: 400_000 });
  return {
    sim,
    client,
    server,
    clientGot: concat(clientIn),
    serverGot: concat(serverIn),
    clientSent: concat(clientChunks),
    serverSent: concat(serverChunks),
    reason: r.reason,
  };
}

/**
 * Checks that every data segment fits the MSS and the window the peer last advertised to the sender
 * (windows scaled per RFC 7323 2.3 when both SYNs carried window scale; never on SYNs).
 */
export function checkWindows(sim: Simulation, mss: number): void {
  const rightEdge = new Map<string, number>(); // host -> highest right edge (ack + window) it has received
  const events = sim.trace.events;
  const offered = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'segment.sent' && e.seg.flags.includes('SYN') && e.seg.options.windowScale !== undefined)
      offered.set(e.from, e.seg.options.windowScale);
  }
  const scaled = offered.size === 2;
  const sentById = new Map<number, (typeof events)[number] & { type: 'segment.sent' }>();
  for (const e of events) {
    if (e.type === 'segment.sent') {
      sentById.set(e.segmentId, e);
      if (e.seg.len > 0) {
        expect(e.seg.len).toBeLessThanOrEqual(mss);
        const edge = rightEdge.get(e.from);
        expect(edge).toBeDefined();
        expect(seqLe(seqAdd(e.seg.seq, e.seg.len), edge!)).toBe(true);
      }
    } else if (e.type === 'segment.delivered') {
      const sent = sentById.get(e.segmentId)!;
      if (sent.seg.flags.includes('ACK') && !sent.seg.flags.includes('RST')) {
        const shift = scaled && !sent.seg.flags.includes('SYN') ? offered.get(sent.from)! : 0;
        const edge = seqAdd(sent.seg.ack, sent.seg.window * 2 ** shift);
        const prev = rightEdge.get(e.to);
        if (prev === undefined || seqDiff(edge, prev) > 0) rightEdge.set(e.to, edge);
      }
    }
  }
}
