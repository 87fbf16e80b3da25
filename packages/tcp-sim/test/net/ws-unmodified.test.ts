/**
 * The unmodified `ws` package, client and server, over simulated TCP with 20 % loss and reordering:
 * every message arrives byte-exact and in order (RFC 9293 3.10.7.4: TCP delivers the stream in
 * sequence whatever the link does), and the same seed gives the same capture, byte for byte.
 *
 * ws is imported after `@synack/tcp-sim/net` (dynamically), so that its crypto (the Sec-WebSocket-Key
 * and masking keys) draws from the run's seed: ws keeps its own reference to randomBytes from load time.
 * Each run loads ws afresh, as a new process would: ws keeps a pool of random octets for masks at
 * module level, so a second run in the same module instance would continue where the first stopped.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { encodePcap } from '../../src/index.js';
import { runSimulatedNetwork } from '../../src/net/index.js';

const require = createRequire(import.meta.url);

/** ws loaded anew (out of Node's require cache), with its module-level random pool empty. */
function freshWs(): typeof import('ws') {
  for (const key of Object.keys(require.cache)) if (/[\\/]ws[\\/]/.test(key)) delete require.cache[key];
  return require('ws') as typeof import('ws');
}

const LOSSY = { delay: 10, jitter: 4, loss: 0.2, reorder: 0.1 } as const;
const MESSAGES = 1000;

/** Message i: a seeded mix of text and binary, 1 octet to 3 KiB (some span several segments). */
function message(i: number): { data: Buffer; binary: boolean } {
  const size = 1 + ((i * 7919) % 3072);
  const data = Buffer.alloc(size);
  for (let k = 0; k < size; k++) data[k] = (i * 31 + k * 17) & 0xff;
  return i % 3 === 0
    ? { data: Buffer.from(data.toString('hex').slice(0, size)), binary: false }
    : { data, binary: true };
}

async function echoMessages(seed: number, count = MESSAGES) {
  const { WebSocket, WebSocketServer } = freshWs();
  return runSimulatedNetwork({ seed, link: LOSSY, artifacts: false }, async (net) => {
    // Server: node:http takes the simulated connection; ws takes the upgrade.
    const httpServer = http.createServer();
    const wss = new WebSocketServer({ noServer: true });
    httpServer.on('upgrade', (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
      }),
    );
    const server = net.server.createServer((socket) => httpServer.emit('connection', socket));
    await new Promise<void>((resolve) => server.listen(80, resolve));

    // Client: ws opens its TCP connection through our createConnection.
    const ws = new WebSocket('ws://server/echo', { createConnection: net.client.createConnection });
    const received: Array<{ data: Buffer; binary: boolean }> = [];
    const allEchoed = new Promise<void>((resolve, reject) => {
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        received.push({ data, binary: isBinary });
        if (received.length === count) resolve();
      });
      ws.on('error', reject);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    for (let i = 0; i < count; i++) {
      const m = message(i);
      ws.send(m.binary ? m.data : m.data.toString(), { binary: m.binary });
    }
    await allEchoed;
    const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
    ws.close(1000, 'done');
    const code = await closed;
    return {
      received,
      code,
      pcap: encodePcap(net.simulation.packets),
      dropped: net.simulation.trace.events.filter((e) => e.type === 'segment.dropped').length,
      reordered: net.simulation.trace.events.filter((e) => e.type === 'segment.reordered').length,
      virtualMs: net.time.now,
    };
  });
}

describe('ws (unmodified) over simulated TCP, RFC 9293 3.10.7.4 in-order delivery', () => {
  it('1,000 messages echo byte-exact over a link with 20 % loss and reordering', {
    timeout: 60_000,
  }, async () => {
    const run = await echoMessages(17);
    expect(run.received).toHaveLength(MESSAGES);
    for (let i = 0; i < MESSAGES; i++) {
      const want = message(i);
      expect(run.received[i]!.binary).toBe(want.binary);
      expect(run.received[i]!.data.equals(want.data)).toBe(true);
    }
    expect(run.code).toBe(1000);
    // The link really was lossy and reordering.
    expect(run.dropped).toBeGreaterThan(100);
    expect(run.reordered).toBeGreaterThan(50);
  });

  it('the same seed gives the same capture, byte for byte; another seed does not', {
    timeout: 120_000,
  }, async () => {
    const a = await echoMessages(5);
    const b = await echoMessages(5);
    const c = await echoMessages(6, 10);
    expect(Buffer.from(a.pcap).equals(Buffer.from(b.pcap))).toBe(true);
    expect(a.pcap.length).toBeGreaterThan(1_000_000);
    expect(Buffer.from(a.pcap.subarray(0, 2000)).equals(Buffer.from(c.pcap.subarray(0, 2000)))).toBe(false);
  });
});
