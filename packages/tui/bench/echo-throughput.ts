/**
 * Echo throughput of `synack serve --mode echo` against a `ws` server doing the same, under the same
 * load generator, in one run (ARCHITECTURE.md: speed targets live in benchmarks, never in tests).
 *
 * Each server runs in its own child process. The load generator opens 100 loopback connections with a
 * raw handshake and keeps WINDOW binary messages in flight on each: it writes pre-masked frames and only
 * counts the echoed frames' headers, so its own cost is tiny and identical for both servers. Each
 * measurement stops at MAX_MESSAGES echoes or MAX_SECONDS, whichever comes first. The machine is shared,
 * so both servers run throughout and are measured back to back in each round (order alternating); the
 * ratio printed is the median of the rounds' ratios.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const CLIENTS = 100;
const SIZES = [64, 16 * 1024];
const WINDOW: Record<number, number> = { 64: 16, [16 * 1024]: 8 };
const MAX_MESSAGES: Record<number, number> = { 64: 2_000_000, [16 * 1024]: 200_000 };
const MAX_SECONDS = 1.5;
const ROUNDS = 5;
const SERVERS = ['synack', 'ws'] as const;
/** ws uses bufferutil's native masking when it can load it (it can here: it is installed). */
const wsNative = (() => {
  if (process.env.WS_NO_BUFFER_UTIL) return false;
  try {
    createRequire(createRequire(import.meta.url).resolve('ws'))('bufferutil');
    return true;
  } catch {
    return false;
  }
})();
type ServerKind = (typeof SERVERS)[number];

interface Result {
  messages: number;
  seconds: number;
  /** Server CPU time (user + system) per echoed message, microseconds. */
  cpuPerMessage: number;
}

async function serverCpu(child: ChildProcess): Promise<number> {
  child.send('cpu');
  for (;;) {
    const [reply] = (await once(child, 'message')) as [{ cpu?: number }];
    if (reply.cpu !== undefined) return reply.cpu;
  }
}

async function startServer(kind: ServerKind): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(fileURLToPath(new URL('./echo-server.ts', import.meta.url)), [kind], {
    // SYNACK_BENCH_PROFILE=DIR writes a CPU profile of each server process there.
    execArgv: [
      '--conditions=source',
      '--import',
      'tsx',
      ...(process.env.SYNACK_BENCH_PROFILE
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.SYNACK_BENCH_PROFILE}`]
        : []),
    ],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [message] = (await once(child, 'message')) as [{ port: number }];
  return { child, port: message.port };
}

/** A masked binary frame of `size` bytes (RFC 6455 5.2; a client must mask, 5.3). */
function maskedFrame(size: number): Buffer {
  const lengthBytes = size < 126 ? 0 : size < 65536 ? 2 : 8;
  const frame = Buffer.alloc(2 + lengthBytes + 4 + size);
  frame[0] = 0x82;
  frame[1] = 0x80 | (size < 126 ? size : size < 65536 ? 126 : 127);
  if (lengthBytes === 2) frame.writeUInt16BE(size, 2);
  if (lengthBytes === 8) frame.writeBigUInt64BE(BigInt(size), 2);
  const mask = [0x12, 0x34, 0x56, 0x78];
  mask.forEach((b, i) => {
    frame[2 + lengthBytes + i] = b;
  });
  const start = 2 + lengthBytes + 4;
  for (let i = 0; i < size; i++) frame[start + i] = ((i * 7) & 0xff) ^ (mask[i % 4] ?? 0);
  return frame;
}

/** Counts unmasked server frames in a byte stream, chunk by chunk, without copying payloads. */
class FrameCounter {
  private skip = 0;
  private carry: Buffer | null = null;
  count = 0;

  push(chunk: Buffer): number {
    let data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    let at = 0;
    let counted = 0;
    while (at < data.length) {
      if (this.skip > 0) {
        const n = Math.min(this.skip, data.length - at);
        this.skip -= n;
        at += n;
        continue;
      }
      if (data.length - at < 2) break;
      const short = (data[at + 1] ?? 0) & 0x7f;
      const headerLength = short === 126 ? 4 : short === 127 ? 10 : 2;
      if (data.length - at < headerLength) break;
      const length =
        short === 126
          ? data.readUInt16BE(at + 2)
          : short === 127
            ? Number(data.readBigUInt64BE(at + 2))
            : short;
      at += headerLength;
      this.skip = length;
      counted++;
    }
    if (at < data.length) this.carry = Buffer.from(data.subarray(at));
    data = Buffer.alloc(0);
    this.count += counted;
    return counted;
  }
}

const REQUEST =
  'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

async function openClient(port: number): Promise<{ socket: net.Socket; rest: Buffer }> {
  const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
  await once(socket, 'connect');
  socket.write(REQUEST);
  let head = Buffer.alloc(0);
  for (;;) {
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end >= 0) {
      if (!head.subarray(0, 12).toString().includes('101')) throw new Error('handshake refused');
      return { socket, rest: head.subarray(end + 4) };
    }
  }
}

/** `count` copies of the same frame in one writev, without concatenating them in JS first. */
function writeFrames(socket: net.Socket, frame: Buffer, count: number): void {
  socket.cork();
  for (let i = 0; i < count; i++) socket.write(frame);
  socket.uncork();
}

async function measure(server: { child: ChildProcess; port: number }, size: number): Promise<Result> {
  const { port } = server;
  const frame = maskedFrame(size);
  const window = WINDOW[size] ?? 4;
  const limit = MAX_MESSAGES[size] ?? 100_000;
  const clients = await Promise.all(Array.from({ length: CLIENTS }, () => openClient(port)));
  let total = 0;
  let sent = 0;
  const cpuBefore = await serverCpu(server.child);
  const started = performance.now();
  const deadline = started + MAX_SECONDS * 1000;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let finished = false;
  const stopIfDone = () => {
    if (!finished && (total >= limit || performance.now() >= deadline)) {
      finished = true;
      finish();
    }
  };
  const timer = setTimeout(stopIfDone, MAX_SECONDS * 1000 + 10);
  for (const { socket, rest } of clients) {
    const counter = new FrameCounter();
    const onEchoes = (n: number) => {
      total += n;
      stopIfDone();
      if (finished || n === 0) return;
      // Refill the window: one new message per echo.
      const frames = Math.min(n, Math.max(0, limit - sent));
      sent += frames;
      if (frames > 0) writeFrames(socket, frame, frames);
    };
    socket.on('data', (chunk: Buffer) => onEchoes(counter.push(chunk)));
    if (rest.length > 0) onEchoes(counter.push(rest));
    sent += window;
    writeFrames(socket, frame, window);
  }
  await done;
  const seconds = (performance.now() - started) / 1000;
  const cpuPerMessage = ((await serverCpu(server.child)) - cpuBefore) / Math.max(1, total);
  clearTimeout(timer);
  for (const { socket } of clients) socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 200));
  return { messages: total, seconds, cpuPerMessage };
}

const rate = (r: Result) => r.messages / r.seconds;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

async function main(): Promise<void> {
  const only = process.env.SYNACK_BENCH_SIZES?.split(',').map(Number) ?? SIZES;
  console.log(
    `echo throughput: ${CLIENTS} loopback clients, binary messages, window per client ` +
      `${only.map((s) => `${WINDOW[s]} x ${s} B`).join(', ')}; ${ROUNDS} rounds of back-to-back ` +
      `runs (order alternating), each <= ${MAX_SECONDS} s; medians; ws ${wsNative ? 'with' : 'without'} bufferutil`,
  );
  const servers = new Map<ServerKind, { child: ChildProcess; port: number }>();
  for (const kind of SERVERS) servers.set(kind, await startServer(kind));
  try {
    console.log(
      'size      server   messages/s      MB/s  throughput vs ws   CPU us/msg  CPU efficiency vs ws',
    );
    for (const size of only) {
      const rates: Record<ServerKind, number[]> = { synack: [], ws: [] };
      const cpus: Record<ServerKind, number[]> = { synack: [], ws: [] };
      const ratios: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const order = round % 2 === 0 ? SERVERS : [...SERVERS].reverse();
        const roundRates: Partial<Record<ServerKind, number>> = {};
        for (const kind of order) {
          const server = servers.get(kind);
          if (!server) continue;
          const result = await measure(server, size);
          roundRates[kind] = rate(result);
          rates[kind].push(roundRates[kind]);
          cpus[kind].push(result.cpuPerMessage);
        }
        ratios.push((roundRates.synack ?? 0) / (roundRates.ws ?? 1));
      }
      const wsCpu = median(cpus.ws);
      for (const kind of SERVERS) {
        const r = median(rates[kind]);
        const cpu = median(cpus[kind]);
        const ratio = kind === 'ws' ? 1 : median(ratios);
        console.log(
          `${`${size} B`.padEnd(9)} ${kind.padEnd(7)} ${fmt(r).padStart(11)} ${fmt((r * size) / 1e6, 1).padStart(9)}` +
            `  ${`${ratio.toFixed(2)}x`.padStart(16)}   ${cpu.toFixed(2).padStart(10)}  ${`${(wsCpu / cpu).toFixed(2)}x`.padStart(20)}`,
        );
      }
    }
  } finally {
    for (const { child } of servers.values()) {
      // A clean exit (on disconnect) lets --cpu-prof write its file; kill only a stuck child.
      const exited = once(child, 'exit');
      child.disconnect();
      const stuck = setTimeout(() => child.kill(), 5000);
      await exited;
      clearTimeout(stuck);
    }
  }
}

await main();
