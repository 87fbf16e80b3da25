/**
 * `@synack/tcp-sim/net` wall time, side by side with the same work over real loopback sockets:
 * 1. the reconnecting client across a 30 s outage (60 s of its time): instant mode vs real time on
 *    loopback (where the outage is the server going away for 30 s: a loopback link cannot be cut);
 * 2. 1,000 ws messages (unmodified ws, client and server) over a link with 20 % loss and reordering
 *    vs the same 1,000 messages over real loopback (which loses nothing).
 * Medians of BENCH_RUNS runs (default 5) with min-max; the loopback reconnect runs once (it takes a
 * real minute; BENCH_LOOPBACK_RECONNECT=0 skips it).
 * Run: pnpm --filter @synack/tcp-sim bench
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { runSimulatedNetwork } from '../src/net/index.js';
import { type LogEntry, reconnectingClient } from '../test/net/reconnecting-client.js';

const require = createRequire(import.meta.url);
const { WebSocket, WebSocketServer } = require('ws') as typeof import('ws');

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MESSAGES = 1000;

function stats(samples: number[]): { median: number; min: number; max: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s[s.length - 1]! };
}

const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
const range = (x: { median: number; min: number; max: number }) =>
  `${fmt(x.median)} (${x.min.toFixed(0)}-${x.max.toFixed(0)})`;

async function reconnectSimulated(): Promise<number> {
  const t = performance.now();
  await runSimulatedNetwork({ seed: 4, link: { delay: 20 }, artifacts: false }, async (n) => {
    n.server.createServer((s) => s.pipe(s)).listen(80);
    const log: LogEntry[] = [];
    const client = reconnectingClient(() => n.client.connect(80, 'server'), log);
    await n.sleep(10_000);
    n.partition();
    await n.sleep(30_000);
    n.heal();
    await n.sleep(20_000);
    client.stop();
    if (log.filter((e) => e.what === 'open').length !== 2)
      throw new Error('simulated reconnect: not reopened');
  });
  return performance.now() - t;
}

async function reconnectLoopback(): Promise<number> {
  const t = performance.now();
  const sockets = new Set<net.Socket>();
  const serve = (port: number) =>
    new Promise<net.Server>((resolve) => {
      const s = net.createServer((c) => {
        sockets.add(c);
        c.on('close', () => sockets.delete(c));
        c.pipe(c);
      });
      s.listen(port, '127.0.0.1', () => resolve(s));
    });
  let server = await serve(0);
  const port = (server.address() as net.AddressInfo).port;
  const log: LogEntry[] = [];
  const client = reconnectingClient(() => net.connect(port, '127.0.0.1'), log);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  await sleep(10_000);
  // The outage: the server goes away for 30 s (connections dropped, nothing listening).
  for (const c of sockets) c.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await sleep(30_000);
  server = await serve(port);
  await sleep(20_000);
  client.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await sleep(100); // the last socket's 'close' runs here, not inside the next simulated run's fake timers
  if (log.filter((e) => e.what === 'open').length < 2) throw new Error('loopback reconnect: not reopened');
  return performance.now() - t;
}

/** Echoes MESSAGES ws messages of 1 KiB; `connect` opens the client's TCP connection. */
async function echoWs(
  listen: (onConnection: (socket: import('node:stream').Duplex) => void) => Promise<string>,
  createConnection: unknown,
): Promise<void> {
  const app = http.createServer();
  const wss = new WebSocketServer({ noServer: true });
  app.on('upgrade', (req, socket, head) =>
    wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (d, binary) => ws.send(d, { binary }))),
  );
  const url = await listen((socket) => app.emit('connection', socket));
  const ws = new WebSocket(url, createConnection ? { createConnection: createConnection as never } : {});
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  let got = 0;
  const done = new Promise<void>((resolve) =>
    ws.on('message', () => {
      if (++got === MESSAGES) resolve();
    }),
  );
  const payload = Buffer.alloc(1024, 0x61);
  for (let i = 0; i < MESSAGES; i++) ws.send(payload);
  await done;
  ws.close();
  await new Promise((resolve) => ws.once('close', resolve));
}

async function wsSimulated(seed: number): Promise<number> {
  const t = performance.now();
  await runSimulatedNetwork(
    { seed, link: { delay: 10, jitter: 4, loss: 0.2, reorder: 0.1 }, artifacts: false },
    (n) =>
      echoWs(async (onConnection) => {
        n.server.createServer(onConnection).listen(80);
        return 'ws://server/';
      }, n.client.createConnection),
  );
  return performance.now() - t;
}

async function wsLoopback(): Promise<number> {
  const t = performance.now();
  let server: net.Server | undefined;
  await echoWs(
    (onConnection) =>
      new Promise((resolve) => {
        server = net
          .createServer(onConnection)
          .listen(0, '127.0.0.1', () =>
            resolve(`ws://127.0.0.1:${(server!.address() as net.AddressInfo).port}/`),
          );
      }),
    undefined,
  );
  await new Promise<void>((resolve) => server!.close(() => resolve()));
  return performance.now() - t;
}

async function main(): Promise<void> {
  console.log(
    `@synack/tcp-sim/net bench (load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')})`,
  );
  // Warm-up: module loading and JIT, not measured.
  await reconnectSimulated();
  await wsSimulated(1);
  await wsLoopback();

  const simReconnect: number[] = [];
  for (let i = 0; i < RUNS; i++) simReconnect.push(await reconnectSimulated());
  const sr = stats(simReconnect);
  const loopbackReconnect =
    process.env.BENCH_LOOPBACK_RECONNECT === '0' ? undefined : await reconnectLoopback();
  console.log(
    `reconnect across a 30 s outage (60 s of the client's time): simulated, instant ${range(sr)}` +
      (loopbackReconnect === undefined
        ? ' | loopback skipped (it takes 60 s by construction)'
        : ` | real loopback ${fmt(loopbackReconnect)} | ${(loopbackReconnect / sr.median).toFixed(0)}x faster`),
  );

  const simWs: number[] = [];
  const realWs: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    simWs.push(await wsSimulated(17 + i));
    realWs.push(await wsLoopback());
  }
  const s = stats(simWs);
  const r = stats(realWs);
  console.log(
    `1,000 ws messages (1 KiB, echoed): simulated, 20 % loss + reordering ${range(s)} | real loopback ${range(r)} | ratio loopback/sim ${(r.median / s.median).toFixed(2)}`,
  );
  console.log(
    `load average after: ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  );
}

await main();
