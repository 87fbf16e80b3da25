/**
 * Benchmarks (wall clock, printed as ratios; speed targets live here, never in unit tests):
 * 1. bulk transfer through the simulator vs. a floor of "checksum + copy" over the same octets;
 * 2. N short connections (connect, write, echo, close) in the simulator vs. real loopback sockets.
 * Run: pnpm --filter @synack/tcp-sim bench
 */
import { once } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { createSimulation, internetChecksum } from '../src/index.js';

function bulk(totalBytes: number): { ms: number; segments: number } {
  const sim = createSimulation({ seed: 1, traceBytes: false, profile: { msl: 10 } });
  const a = sim.addHost({ name: 'a', address: '10.0.0.1' });
  const b = sim.addHost({ name: 'b', address: '10.0.0.2' });
  sim.setLink(a, b, { delay: 1 });
  let received = 0;
  b.listen(80).on('connection', (s) => {
    s.on('data', (c) => {
      received += c.length;
    });
    s.on('end', () => s.end());
  });
  const sock = a.connect({ address: '10.0.0.2', port: 80 });
  const chunk = new Uint8Array(64 * 1024).fill(0x61);
  let written = 0;
  const pump = () => {
    while (written < totalBytes) {
      written += chunk.length;
      if (!sock.write(chunk)) return;
    }
    sock.end();
  };
  sock.on('connect', pump);
  sock.on('drain', pump);
  const t = performance.now();
  sim.run({ maxEvents: 100_000_000 });
  const ms = performance.now() - t;
  if (received < totalBytes) throw new Error(`bulk: received ${received}`);
  const segments = sim.trace.events.filter((e) => e.type === 'segment.sent').length;
  return { ms, segments };
}

function floor(totalBytes: number, mss: number): number {
  const src = new Uint8Array(64 * 1024).fill(0x61);
  const t = performance.now();
  let sink = 0;
  for (let done = 0; done < totalBytes; done += mss) {
    const off = done % (src.length - mss);
    const seg = new Uint8Array(40 + mss);
    seg.set(src.subarray(off, off + mss), 40);
    sink ^= internetChecksum(seg); // sender
    sink ^= internetChecksum(seg); // receiver verifies
    const copy = new Uint8Array(mss);
    copy.set(seg.subarray(40));
    sink ^= copy[0]!;
  }
  if (sink === -1) console.log(sink);
  return performance.now() - t;
}

function simConnections(n: number): number {
  const sim = createSimulation({ seed: 1, traceBytes: false, profile: { msl: 10 } });
  const c = sim.addHost({ name: 'c', address: '10.0.0.1' });
  const s = sim.addHost({ name: 's', address: '10.0.0.2' });
  sim.setLink(c, s, { delay: 0.05 });
  s.listen(80, { backlog: n }).on('connection', (sock) => {
    sock.on('data', (d) => sock.write(d));
    sock.on('end', () => sock.end());
  });
  let done = 0;
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const sock = c.connect({ address: '10.0.0.2', port: 80 });
    sock.on('connect', () => sock.write(new Uint8Array([1, 2, 3])));
    sock.on('data', () => sock.end());
    sock.on('close', () => {
      done++;
    });
  }
  sim.run({ maxEvents: 100_000_000 });
  const ms = performance.now() - t;
  if (done !== n) throw new Error(`sim connections: ${done}/${n}`);
  return ms;
}

async function loopbackConnections(n: number): Promise<number> {
  const server = net.createServer((sock) => {
    sock.on('data', (d) => sock.write(d));
    sock.on('end', () => sock.end());
  });
  server.listen(0, '127.0.0.1', 1024);
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  const t = performance.now();
  const batch = 100;
  for (let i = 0; i < n; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, n - i) }, () => {
        return new Promise<void>((resolve, reject) => {
          const sock = net.connect(port, '127.0.0.1', () => sock.write(new Uint8Array([1, 2, 3])));
          sock.on('data', () => sock.end());
          sock.on('close', () => resolve());
          sock.on('error', reject);
        });
      }),
    );
  }
  const ms = performance.now() - t;
  server.close();
  return ms;
}

const MB = 1024 * 1024;
const total = 16 * MB;
const b1 = bulk(total);
const f = floor(total, 1460);
console.log(
  `bulk ${total / MB} MiB: ${b1.ms.toFixed(0)} ms, ${b1.segments} segments, ${((b1.segments / b1.ms) * 1000).toFixed(0)} segments/s, ` +
    `${(total / MB / (b1.ms / 1000)).toFixed(1)} MiB/s; checksum+copy floor ${f.toFixed(0)} ms; ratio ${((f / b1.ms) * 100).toFixed(1)}% of floor`,
);
const n = Number(process.env.BENCH_CONNECTIONS ?? 2000);
const simMs = simConnections(n);
const loopMs = await loopbackConnections(n);
console.log(
  `${n} connections (connect, echo 3 octets, close): simulator ${simMs.toFixed(0)} ms, loopback ${loopMs.toFixed(0)} ms, ` +
    `ratio ${(loopMs / simMs).toFixed(2)}x (> 1 means the simulator is faster)`,
);
