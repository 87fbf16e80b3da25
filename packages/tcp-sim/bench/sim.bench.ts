/**
 * Benchmarks (wall clock, printed side by side as ratios in one run; speed targets live here, never
 * in unit tests):
 * 1. bulk: 100 MiB through a link with 1% loss vs. the floor of checksumming and copying the same
 *    octets segment by segment (target >= 25%); segments per second;
 * 2. many connections: 10,000 connections that each open, send 1 KiB each way and close, in one
 *    simulation vs. the same over real loopback node:net sockets (target ratio >= 1);
 * 3. memory: with the trace streamed (not kept), the heap peak of a run 10x longer stays flat.
 * Run: pnpm --filter @synack/tcp-sim bench   (BENCH_MIB, BENCH_CONNECTIONS override the sizes)
 */
import { once } from 'node:events';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { createSimulation, internetChecksum, type Simulation } from '../src/index.js';

const MiB = 1024 * 1024;

function bulkSim(
  totalBytes: number,
  trace: 'keep' | 'stream',
): { ms: number; segments: number; sim: Simulation } {
  const sim = createSimulation({ seed: 1, traceBytes: false, trace, profile: 'linux' });
  const a = sim.addHost({
    name: 'a',
    address: '10.0.0.1',
    receiveBuffer: 4 * MiB,
    sendHighWaterMark: 4 * MiB,
  });
  const b = sim.addHost({ name: 'b', address: '10.0.0.2', receiveBuffer: 4 * MiB });
  sim.setLink(a, b, { delay: 5, loss: 0.01 });
  let received = 0;
  b.listen(80).on('connection', (s) => {
    s.on('data', (c) => {
      received += c.length;
    });
    s.on('end', () => s.end());
  });
  const sock = a.connect({ address: '10.0.0.2', port: 80 });
  const chunk = new Uint8Array(256 * 1024).fill(0x61);
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
  sim.run({ maxEvents: 1_000_000_000 });
  const ms = performance.now() - t;
  if (received !== totalBytes) throw new Error(`bulk: received ${received} of ${totalBytes}`);
  return { ms, segments: sim.segmentsSent, sim };
}

/** The cost floor of any simulator that carries real bytes: per segment, checksum at both ends and copy. */
function floor(totalBytes: number, mss: number): number {
  const src = new Uint8Array(256 * 1024).fill(0x61);
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

const KIB = new Uint8Array(1024).fill(0x62);

/**
 * n connections in one simulation, driven like the loopback side: 100 at a time, the next batch
 * opened (by the application, in virtual time) when the previous one has closed.
 */
function simConnections(n: number, batch = 100): number {
  const sim = createSimulation({ seed: 1, traceBytes: false, trace: 'stream', profile: 'linux' });
  const c = sim.addHost({ name: 'c', address: '10.0.0.1' });
  const s = sim.addHost({ name: 's', address: '10.0.0.2' });
  sim.setLink(c, s, { delay: 0.05 });
  s.listen(80, { backlog: n }).on('connection', (sock) => {
    let got = 0;
    sock.on('data', (d) => {
      got += d.length;
      if (got === 1024) sock.write(KIB);
    });
    sock.on('end', () => sock.end());
  });
  let done = 0;
  let opened = 0;
  const open = () => {
    const sock = c.connect({ address: '10.0.0.2', port: 80 });
    let got = 0;
    sock.on('connect', () => sock.write(KIB));
    sock.on('data', (d) => {
      got += d.length;
      if (got === 1024) sock.end();
    });
    sock.on('close', () => {
      done++;
      if (done % batch === 0 && opened < n) sim.schedule(0, openBatch);
    });
  };
  const openBatch = () => {
    for (let i = 0; i < batch && opened < n; i++, opened++) open();
  };
  const t = performance.now();
  openBatch();
  sim.run({ maxEvents: 1_000_000_000 });
  const ms = performance.now() - t;
  if (done !== n) throw new Error(`sim connections: ${done}/${n}`);
  return ms;
}

async function loopbackConnections(n: number): Promise<number> {
  const server = net.createServer((sock) => {
    let got = 0;
    sock.on('data', (d) => {
      got += d.length;
      if (got === 1024) sock.write(KIB);
    });
    sock.on('end', () => sock.end());
    sock.on('error', () => {});
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
          const sock = net.connect(port, '127.0.0.1', () => sock.write(KIB));
          let got = 0;
          sock.on('data', (d) => {
            got += d.length;
            if (got === 1024) sock.end();
          });
          sock.on('close', () => resolve());
          sock.on('error', reject);
        });
      }),
    );
  }
  const ms = performance.now() - t;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return ms;
}

/** Live-heap peak (sampled every 16384 trace events) of a streamed-trace bulk run of `bytes`, with a trace listener. */
function streamedPeak(bytes: number): { peak: number; events: number } {
  globalThis.gc?.();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  let events = 0;
  const sim = createSimulation({ seed: 2, traceBytes: false, trace: 'stream', profile: 'linux' });
  const a = sim.addHost({ name: 'a', address: '10.0.0.1' });
  const b = sim.addHost({ name: 'b', address: '10.0.0.2' });
  sim.setLink(a, b, { delay: 5, loss: 0.01 });
  const gc = globalThis.gc;
  sim.trace.subscribe(() => {
    // Live heap after a full collection (when --expose-gc), every 16384 events.
    if ((++events & 16383) === 0) {
      gc?.();
      peak = Math.max(peak, process.memoryUsage().heapUsed - base);
    }
  });
  b.listen(80).on('connection', (s) => {
    s.on('data', () => {});
    s.on('end', () => s.end());
  });
  const sock = a.connect({ address: '10.0.0.2', port: 80 });
  const chunk = new Uint8Array(64 * 1024);
  let written = 0;
  const pump = () => {
    while (written < bytes) {
      written += chunk.length;
      if (!sock.write(chunk)) return;
    }
    sock.end();
  };
  sock.on('connect', pump);
  sock.on('drain', pump);
  sim.run({ maxEvents: 1_000_000_000 });
  return { peak, events };
}

const totalMiB = Number(process.env.BENCH_MIB ?? 100);
const total = totalMiB * MiB;
const bulk = bulkSim(total, 'stream');
const f = floor(total, 1448);
console.log(
  `bulk ${totalMiB} MiB, 1% loss, linux profile: simulator ${bulk.ms.toFixed(0)} ms (${bulk.segments} segments, ` +
    `${((bulk.segments / bulk.ms) * 1000).toFixed(0)} segments/s, ${(totalMiB / (bulk.ms / 1000)).toFixed(1)} MiB/s) | ` +
    `checksum+copy floor ${f.toFixed(0)} ms | ratio ${((f / bulk.ms) * 100).toFixed(1)}% of floor (target >= 25%)`,
);

const n = Number(process.env.BENCH_CONNECTIONS ?? 10_000);
// Warm both sides up (JIT, the machine-step memo, the kernel's socket caches), then alternate three
// measured rounds of each and compare the medians.
simConnections(1000);
await loopbackConnections(1000);
const sims: number[] = [];
const loops: number[] = [];
for (let round = 0; round < 3; round++) {
  sims.push(simConnections(n));
  loops.push(await loopbackConnections(n));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const simMs = median(sims);
const loopMs = median(loops);
console.log(
  `${n} connections (open, 1 KiB each way, close; 100 at a time on both sides), median of 3 after warm-up: simulator ${simMs.toFixed(0)} ms ` +
    `[${sims.map((x) => x.toFixed(0)).join(', ')}] | loopback node:net ${loopMs.toFixed(0)} ms [${loops.map((x) => x.toFixed(0)).join(', ')}] | ` +
    `ratio ${(loopMs / simMs).toFixed(2)}x (target >= 1: the simulator is faster)`,
);

const allAtOnce = simConnections(n, n);
console.log(
  `${n} connections all opened at t=0 in one simulation (10,000 live at once): ${allAtOnce.toFixed(0)} ms | ` +
    `ratio to the loopback median ${(loopMs / allAtOnce).toFixed(2)}x`,
);

const small = streamedPeak(8 * MiB);
const large = streamedPeak(80 * MiB);
const KiB = 1024;
console.log(
  `memory, trace streamed to a listener (live heap growth after GC${globalThis.gc ? '' : ' — run with --expose-gc'}): ` +
    `8 MiB run ${(small.peak / KiB).toFixed(0)} KiB over ${small.events} events | ` +
    `80 MiB run (10x longer) ${(large.peak / KiB).toFixed(0)} KiB over ${large.events} events | ` +
    `growth ${((large.peak - small.peak) / KiB).toFixed(0)} KiB for 10x the events (flat: no per-event retention)`,
);
