/**
 * Benchmarks against `ws` in the same process, on identical bytes (ARCHITECTURE.md: speed targets live here,
 * never in tests). Prints tables of ratios; the README records the latest figures.
 *
 * 1. Frame decoding: our FrameParser (with a sink that makes each payload contiguous, as ws does)
 *    against ws's Receiver, pure JS and with bufferutil, on the same masked client-to-server streams
 *    of binary frames of 16 B, 1 KiB, 64 KiB and 1 MiB, fed in 64 KiB chunks like socket reads.
 * 2. Unmasking: our applyMask (JS) and WebAssembly SIMD masker against ws's pure-JS unmask and
 *    bufferutil's native unmask.
 * The echo comparison of the node:net server against a ws server is bench/echo.ts, run by the same
 * `bench` script in a fresh process so that JIT state from these loops does not skew it.
 * Unmasking in place flips payloads back and forth between runs; binary frames make that harmless.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  applyMaskJs,
  concatBytes,
  createSimdMasker,
  encodeFrame,
  type FrameHeader,
  FrameParser,
  type FrameSink,
} from '../src/index.js';
import { printTable } from './table.js';

const require = createRequire(import.meta.url);
/** ws's internals are not in its exports map; reach them by path from its entry point. */
const wsLib = (file: string) => path.join(path.dirname(require.resolve('ws')), 'lib', file);
type Unmask = (buffer: Buffer, mask: Buffer) => void;
interface ReceiverLike {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: (data: Buffer) => void): void;
}
type ReceiverCtor = new (options: Record<string, unknown>) => ReceiverLike;

/** Loads ws's Receiver and buffer-util fresh, with or without bufferutil. */
function loadWs(pureJs: boolean): { Receiver: ReceiverCtor; unmask: Unmask } {
  for (const key of Object.keys(require.cache))
    if (/[\\/]ws[\\/]lib[\\/]/.test(key)) delete require.cache[key];
  if (pureJs) process.env.WS_NO_BUFFER_UTIL = '1';
  else delete process.env.WS_NO_BUFFER_UTIL;
  const Receiver = require(wsLib('receiver.js')) as ReceiverCtor;
  const { unmask } = require(wsLib('buffer-util.js')) as { unmask: Unmask };
  return { Receiver, unmask };
}

const wsPure = loadWs(true);
const wsNative = loadWs(false);
const bufferutil = require('bufferutil') as { unmask: Unmask };
const simd = createSimdMasker();

const SIZES: Array<[string, number]> = [
  ['16 B', 16],
  ['1 KiB', 1024],
  ['64 KiB', 64 * 1024],
  ['1 MiB', 1024 * 1024],
];
const CHUNK = 64 * 1024;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const MIN_MS = Number(process.env.BENCH_MS ?? 250);

/**
 * Runs each contestant (a function that processes `units` items) for at least MIN_MS per round, the
 * contestants taking turns round after round so that load from other processes hits all of them alike;
 * reports each one's best round, in units per second.
 */
function race(contestants: Array<() => void>, units: number): number[] {
  for (const fn of contestants) fn(); // warm-up
  const best = contestants.map(() => 0);
  for (let r = 0; r < ROUNDS; r++) {
    contestants.forEach((fn, c) => {
      let iterations = 0;
      const start = performance.now();
      let elapsed = 0;
      do {
        fn();
        iterations++;
        elapsed = performance.now() - start;
      } while (elapsed < MIN_MS);
      best[c] = Math.max(best[c]!, (iterations * units) / (elapsed / 1000));
    });
  }
  return best;
}

/** A masked client-to-server stream of binary frames, cut into socket-sized chunks. */
function maskedStream(size: number): { chunks: Buffer[]; frames: number } {
  const frames = Math.max(8, Math.ceil((4 * 1024 * 1024) / (size + 14)));
  const payload = Uint8Array.from({ length: size }, (_, i) => (i * 13) & 0xff);
  const parts: Uint8Array[] = [];
  for (let i = 0; i < frames; i++) {
    parts.push(encodeFrame({ opcode: 2, payload }, { mask: Uint8Array.of(i & 255, 0x5a, 0xa5, 0x3c) }));
  }
  const all = Buffer.from(concatBytes(parts));
  const chunks: Buffer[] = [];
  for (let at = 0; at < all.length; at += CHUNK) chunks.push(all.subarray(at, at + CHUNK));
  return { chunks, frames };
}

/** Counts frames, making each payload contiguous exactly as ws's Receiver does before emitting. */
class CountingSink implements FrameSink {
  frames = 0;
  bytes = 0;
  private pieces: Uint8Array[] = [];
  onHeader(): void {
    this.pieces = [];
  }
  onPayload(chunk: Uint8Array): void {
    this.pieces.push(chunk);
  }
  onFrameEnd(h: FrameHeader): void {
    this.bytes += concatBytes(this.pieces, h.payloadLength).length;
    this.frames++;
  }
  onError(error: Error): void {
    throw error;
  }
}

const fmt = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

function benchParser(): void {
  console.log('\nFrame decoding, masked binary frames in 64 KiB chunks (frames/s, MB/s of payload)');
  const rows: string[][] = [['size', 'ours', 'ws (JS)', 'ws+bufferutil', 'ours/ws JS', 'ours/ws+bu']];
  for (const [label, size] of SIZES) {
    const { chunks, frames } = maskedStream(size);
    const sink = new CountingSink();
    const ours = () => {
      const parser = new FrameParser(sink, { role: 'server', maxPayloadLength: 1 << 30 });
      for (const c of chunks) parser.push(c);
    };
    const runWs = (Receiver: ReceiverCtor) => () => {
      const receiver = new Receiver({ isServer: true, maxPayload: 0, binaryType: 'nodebuffer' });
      let n = 0;
      receiver.on('message', () => n++);
      for (const c of chunks) receiver.write(c);
      if (n !== frames) throw new Error(`ws decoded ${n} of ${frames} frames`);
    };
    const [o, p, n] = race([ours, runWs(wsPure.Receiver), runWs(wsNative.Receiver)], frames) as [
      number,
      number,
      number,
    ];
    const cell = (perSec: number) => `${fmt(perSec)}/s ${((perSec * size) / 1e6).toFixed(0)} MB/s`;
    rows.push([label, cell(o), cell(p), cell(n), ratio(o, p), ratio(o, n)]);
  }
  printTable(rows);
}

function benchUnmask(): void {
  console.log('\nUnmasking in place (MB/s)');
  const rows: string[][] = [
    [
      'size',
      'ours JS',
      'ours SIMD',
      'ws JS',
      'bufferutil',
      'JS/ws JS',
      'SIMD/ws JS',
      'SIMD/bufferutil',
      'JS/bufferutil',
    ],
  ];
  const key = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  for (const [label, size] of SIZES) {
    const reps = Math.max(1, Math.floor((1 << 20) / size));
    const data = Buffer.alloc(size, 7);
    const repeat = (f: (b: Buffer) => void) => () => {
      for (let i = 0; i < reps; i++) f(data);
    };
    const contestants = [
      repeat((b) => applyMaskJs(b, key)),
      repeat((b) => wsPure.unmask(b, key)),
      repeat((b) => bufferutil.unmask(b, key)),
      ...(simd ? [repeat((b) => simd.applyMask(b, key))] : []),
    ];
    const [oursJs, wsJs, native, oursSimd = Number.NaN] = race(contestants, reps).map(
      (perSec) => (perSec * size) / 1e6,
    ) as [number, number, number, number?];
    rows.push([
      label,
      oursJs.toFixed(0),
      oursSimd.toFixed(0),
      wsJs.toFixed(0),
      native.toFixed(0),
      ratio(oursJs, wsJs),
      ratio(oursSimd, wsJs),
      ratio(oursSimd, native),
      ratio(oursJs, native),
    ]);
  }
  printTable(rows);
}

console.log(
  `node ${process.version}, ${ROUNDS} rounds x >= ${MIN_MS} ms, best round reported; SIMD ${simd ? 'on' : 'unavailable'}`,
);
benchParser();
benchUnmask();
