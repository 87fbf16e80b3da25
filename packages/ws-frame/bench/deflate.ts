/**
 * permessage-deflate (RFC 7692) against `ws` 8.23's PerMessageDeflate, in one process, on identical
 * messages: compression ratio, and messages per second compressing (a server sending) and inflating
 * (a client receiving), with context takeover, level 6 and threshold 0 on both sides.
 *
 * Contestants: our PerMessageDeflateSession with pakoCodec (pure JS, what the simulator and browsers
 * use) and with nodeZlibCodec (the node adapter's default), and ws (asynchronous zlib streams: every
 * message of a round is handed to it at once and the round ends with the last callback, which is how a
 * burst of `send()` calls runs). Each inflater reads the bytes its own compressor produced, and each
 * round checks the count and content of what came out. Rounds interleave the contestants; the tables
 * give the median of the rounds and the spread (min-max) of the ratios.
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { nodeZlibCodec } from '../src/adapters/node-zlib-codec.js';
import { type DeflateCodec, PerMessageDeflateSession, pakoCodec } from '../src/index.js';
import { printTable } from './table.js';

const require = createRequire(import.meta.url);
const wsLib = (file: string) => path.join(path.dirname(require.resolve('ws')), 'lib', file);
type Callback = (error: Error | null, result?: Buffer) => void;
interface WsDeflate {
  accept(configurations: unknown[]): unknown;
  compress(data: Buffer, fin: boolean, callback: Callback): void;
  decompress(data: Buffer, fin: boolean, callback: Callback): void;
}
const WsPerMessageDeflate = require(wsLib('permessage-deflate.js')) as new (options: object) => WsDeflate;
const { parse } = require(wsLib('extension.js')) as { parse(header: string): Record<string, unknown[]> };

/** Chat-like JSON of about `size` bytes: words from a seeded generator, so it compresses as text does. */
function chatMessages(size: number, count: number): Buffer[] {
  const words = ['hello', 'world', 'websocket', 'frame', 'deflate', 'packet', '你好', 'ack', 'syn', 'window'];
  let s = 17122;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
  return Array.from({ length: count }, (_, i) => {
    let text = '';
    while (text.length < size - 60) text += `${words[next() % words.length]} ${next() % 1000} `;
    return Buffer.from(JSON.stringify({ id: i, user: `user${next() % 50}`, text }).slice(0, size));
  });
}

interface Contestant {
  name: string;
  /** Compresses every message in order; resolves with the payloads (tails stripped). */
  compress(messages: readonly Buffer[]): Promise<Uint8Array[]>;
  /** Inflates every payload in order; resolves with the messages. */
  inflate(payloads: readonly Uint8Array[]): Promise<Uint8Array[]>;
}

function ours(name: string, codec: DeflateCodec): () => Contestant {
  return () => {
    const agreement = {
      serverNoContextTakeover: false,
      clientNoContextTakeover: false,
      serverMaxWindowBits: 15,
      clientMaxWindowBits: 15,
    };
    const sender = new PerMessageDeflateSession({
      role: 'server',
      agreement,
      codec,
      threshold: 0,
      maxPayload: 1 << 26,
    });
    const receiver = new PerMessageDeflateSession({
      role: 'client',
      agreement,
      codec,
      threshold: 0,
      maxPayload: 1 << 26,
    });
    return {
      name,
      compress: async (messages) => messages.map((m) => sender.compress(m) ?? m),
      inflate: async (payloads) =>
        payloads.map((p) => {
          const pieces: Uint8Array[] = [];
          receiver.beginMessage();
          if (receiver.inflate(p, (x) => pieces.push(x)) ?? receiver.endMessage((x) => pieces.push(x)))
            throw new Error(`${name}: inflate failed`);
          return Buffer.concat(pieces);
        }),
    };
  };
}

function ws(): Contestant {
  const sender = new WsPerMessageDeflate({ threshold: 0, isServer: true });
  sender.accept(parse('permessage-deflate')['permessage-deflate']!);
  const receiver = new WsPerMessageDeflate({ threshold: 0, isServer: false });
  receiver.accept(parse('permessage-deflate')['permessage-deflate']!);
  const all = (run: (done: Callback) => void) =>
    new Promise<Buffer>((resolve, reject) => run((e, r) => (e ? reject(e) : resolve(r!))));
  return {
    name: 'ws',
    compress: (messages) => Promise.all(messages.map((m) => all((done) => sender.compress(m, true, done)))),
    inflate: (payloads) =>
      Promise.all(payloads.map((p) => all((done) => receiver.decompress(Buffer.from(p), true, done)))),
  };
}

const CONTESTANTS: Array<() => Contestant> = [
  ours('ours pako', pakoCodec),
  ours('ours node:zlib', nodeZlibCodec),
  ws,
];
const SIZES: Array<[string, number, number]> = [
  ['128 B', 128, 4000],
  ['1 KiB', 1024, 2000],
  ['16 KiB', 16 * 1024, 300],
  ['256 KiB', 256 * 1024, 20],
];
const ROUNDS = Number(process.env.ROUNDS ?? 7);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number) =>
  n >= 1e5 ? `${(n / 1e3).toFixed(0)}k` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);

async function main(): Promise<void> {
  console.log(
    `permessage-deflate, Node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const ratioRows = [['message', ...CONTESTANTS.map((c) => `${c().name} size`)]];
  const speedRows = [
    [
      'message',
      'op',
      ...CONTESTANTS.map((c) => `${c().name} msg/s`),
      'pako/ws (spread)',
      'node:zlib/ws (spread)',
    ],
  ];
  for (const [label, size, count] of SIZES) {
    const messages = chatMessages(size, count);
    const raw = messages.reduce((n, m) => n + m.length, 0);
    const rates = {
      compress: CONTESTANTS.map(() => [] as number[]),
      inflate: CONTESTANTS.map(() => [] as number[]),
    };
    const sizes = CONTESTANTS.map(() => 0);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, make] of CONTESTANTS.entries()) {
        // A fresh pair per round: every round compresses the same stream from an empty window.
        const c = make();
        let t = performance.now();
        const payloads = await c.compress(messages);
        rates.compress[i]!.push(count / ((performance.now() - t) / 1000));
        t = performance.now();
        const back = await c.inflate(payloads);
        rates.inflate[i]!.push(count / ((performance.now() - t) / 1000));
        sizes[i] = payloads.reduce((n, p) => n + p.length, 0);
        if (back.length !== count || back.some((b, k) => Buffer.compare(Buffer.from(b), messages[k]!) !== 0))
          throw new Error(`${c.name}: messages differ after a round trip`);
      }
    }
    ratioRows.push([label, ...sizes.map((s) => `${((100 * s) / raw).toFixed(1)}%`)]);
    for (const op of ['compress', 'inflate'] as const) {
      const r = rates[op];
      const vsWs = (i: number) => {
        const ratios = r[i]!.map((x, k) => x / r[2]![k]!);
        return `${median(ratios).toFixed(2)}x (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`;
      };
      speedRows.push([label, op, ...r.map((xs) => fmt(median(xs))), vsWs(0), vsWs(1)]);
    }
  }
  console.log('\nCompressed size (% of the message bytes, context takeover, level 6):\n');
  printTable(ratioRows);
  console.log(`\nMessages per second (median of ${ROUNDS} interleaved rounds; ratio spread min-max):\n`);
  printTable(speedRows);
}

await main();
