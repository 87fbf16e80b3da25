/**
 * The message layer users touch, against `ws` 8.23 in the same process (speed targets live in
 * benchmarks, never in tests).
 *
 * 1. Receive: `WebSocketProtocol.receive()` (server role, events through `setEventListener`, text
 *    delivered as a string) against ws's `Receiver`, pure JS (WS_NO_BUFFER_UTIL) and with bufferutil,
 *    whose text messages are also decoded to a string (`data.toString()`), as a browser API would give
 *    them. Both get the same masked client-to-server stream, as node Buffers, cut into reads of one
 *    frame each ("whole"), 16 KiB or 64 KiB. Every pass copies the masked stream into fresh buffers
 *    first (outside the timing: both sides unmask in place) and checks afterwards the number of
 *    messages, their total length and the first message's content.
 * 2. Encode: one frame from a binary payload, masked (client) and unmasked (server): our
 *    `encodeFrameParts` (the payload as its own view when unmasked, no copy) and `encodeFrame` (one
 *    array) against ws's `Sender.frame` (readOnly: the caller's payload is left as it is, like ours).
 *    Both get the same fixed masking key (ws through `generateMask`), so neither pays for randomness.
 * Ratios are medians of interleaved rounds with the lowest and highest round (bench/rounds.ts).
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import {
  concatBytes,
  encodeFrame,
  encodeFrameParts,
  type ProtocolEvent,
  WebSocketProtocol,
} from '../src/index.js';
import { formatRatio, interleave, MIN_MS, median, type Pass, ROUNDS, ratioStats, timed } from './rounds.js';
import { printTable } from './table.js';

const require = createRequire(import.meta.url);
const wsLib = (file: string) => path.join(path.dirname(require.resolve('ws')), 'lib', file);
interface ReceiverLike {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
}
type ReceiverCtor = new (options: Record<string, unknown>) => ReceiverLike;
type FrameFn = (data: Buffer, options: Record<string, unknown>) => Buffer[];

/** Loads ws's Receiver and Sender fresh, with or without bufferutil. */
function loadWs(pureJs: boolean): { Receiver: ReceiverCtor; frame: FrameFn } {
  for (const key of Object.keys(require.cache))
    if (/[\\/]ws[\\/]lib[\\/]/.test(key)) delete require.cache[key];
  if (pureJs) process.env.WS_NO_BUFFER_UTIL = '1';
  else delete process.env.WS_NO_BUFFER_UTIL;
  const Receiver = require(wsLib('receiver.js')) as ReceiverCtor;
  const Sender = require(wsLib('sender.js')) as { frame: FrameFn };
  return { Receiver, frame: Sender.frame.bind(Sender) };
}
const wsPure = loadWs(true);
const wsNative = loadWs(false);

const SIZES: Array<[string, number]> = [
  ['16 B', 16],
  ['1 KiB', 1024],
  ['64 KiB', 64 * 1024],
  ['1 MiB', 1024 * 1024],
];
const READS: Array<[string, number]> = [
  ['whole', 0],
  ['16 KiB', 16 * 1024],
  ['64 KiB', 64 * 1024],
];
/** Payload bytes per pass (at least 4 messages). */
const STREAM_BYTES = 2 * 1024 * 1024;

/** Text of exactly `size` UTF-8 bytes: chat-like ASCII with some CJK (3-byte sequences). */
function textOfSize(size: number): string {
  const unit = 'chat message 你好 ';
  const units = Math.floor(size / Buffer.byteLength(unit));
  const text = unit.repeat(units);
  return text + 'x'.repeat(size - Buffer.byteLength(text));
}

interface Stream {
  /** The masked stream, left masked (each pass copies it). */
  bytes: Buffer;
  /** Where each read ends. */
  cuts: number[];
  messages: number;
  /** Total string length (text) or bytes (binary) of all messages. */
  total: number;
  first: string | Buffer;
}

function maskedStream(binary: boolean, size: number, read: number): Stream {
  const messages = Math.max(4, Math.ceil(STREAM_BYTES / size));
  const text = textOfSize(size);
  const payload = binary ? Uint8Array.from({ length: size }, (_, i) => (i * 13) & 0xff) : Buffer.from(text);
  const frames: Uint8Array[] = [];
  for (let i = 0; i < messages; i++)
    frames.push(
      encodeFrame({ opcode: binary ? 2 : 1, payload }, { mask: Uint8Array.of(i & 255, 0x5a, 0xa5, 0x3c) }),
    );
  const bytes = Buffer.from(concatBytes(frames));
  const cuts: number[] = [];
  if (read === 0) {
    let at = 0;
    for (const f of frames) {
      at += f.length;
      cuts.push(at);
    }
  } else for (let at = read; at - read < bytes.length; at += read) cuts.push(Math.min(at, bytes.length));
  return {
    bytes,
    cuts,
    messages,
    total: messages * (binary ? size : text.length),
    first: binary ? Buffer.from(payload) : text,
  };
}

/**
 * A fresh copy of the masked stream, cut into reads: node Buffers each with memory of its own, as a
 * socket delivers them (a read's ArrayBuffer holds that read only), so views kept of a read pin no more.
 */
function freshReads(stream: Stream): Buffer[] {
  const reads: Buffer[] = [];
  let at = 0;
  for (const cut of stream.cuts) {
    const read = Buffer.allocUnsafeSlow(cut - at);
    stream.bytes.copy(read, 0, at, cut);
    reads.push(read);
    at = cut;
  }
  return reads;
}

function check(who: string, stream: Stream, count: number, total: number, first: unknown): void {
  const same =
    typeof stream.first === 'string'
      ? first === stream.first
      : first instanceof Uint8Array && Buffer.compare(Buffer.from(first), stream.first) === 0;
  if (count !== stream.messages || total !== stream.total || !same)
    throw new Error(
      `${who}: ${count}/${stream.messages} messages, ${total}/${stream.total} total, first ok ${same}`,
    );
}

function oursReceive(stream: Stream): Pass {
  return () => {
    const reads = freshReads(stream);
    let count = 0;
    let total = 0;
    let first: unknown = null;
    const protocol = new WebSocketProtocol({ role: 'server', handshake: 'skip', maxPayload: 1 << 30 });
    protocol.setEventListener((event: ProtocolEvent) => {
      if (event.type === 'message') {
        count++;
        total += event.data.length;
        if (first === null) first = event.data;
      } else if (event.type === 'error') throw event.error;
    });
    const start = performance.now();
    for (const read of reads) protocol.receive(read);
    const ms = performance.now() - start;
    check('ours', stream, count, total, first);
    return ms;
  };
}

function wsReceive(Receiver: ReceiverCtor, stream: Stream): Pass {
  return () => {
    const reads = freshReads(stream);
    let count = 0;
    let total = 0;
    let first: unknown = null;
    const receiver = new Receiver({ isServer: true, maxPayload: 0, binaryType: 'nodebuffer' });
    receiver.on('message', (data, isBinary) => {
      const value = isBinary ? data : data.toString();
      count++;
      total += value.length;
      if (first === null) first = value;
    });
    receiver.on('error', (error) => {
      throw error;
    });
    const start = performance.now();
    for (const read of reads) receiver.write(read);
    const ms = performance.now() - start;
    check('ws', stream, count, total, first);
    return ms;
  };
}

const fmt = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(0);

function benchReceive(): void {
  console.log('\nWebSocketProtocol.receive vs ws Receiver (messages/s; ratio median (min-max) of rounds)');
  const rows: string[][] = [['message', 'reads', 'ours msg/s', 'ours/ws JS', 'ours/ws+bufferutil']];
  const only = process.env.BENCH_KINDS?.split(',') ?? ['text', 'binary'];
  for (const kind of only) {
    for (const [label, size] of SIZES) {
      for (const [readLabel, read] of READS) {
        const stream = maskedStream(kind === 'binary', size, read);
        const [o, p, n] = interleave(
          [oursReceive(stream), wsReceive(wsPure.Receiver, stream), wsReceive(wsNative.Receiver, stream)],
          stream.messages,
        ) as [number[], number[], number[]];
        rows.push([
          `${kind} ${label}`,
          readLabel,
          fmt(median(o)),
          formatRatio(ratioStats(o, p)),
          formatRatio(ratioStats(o, n)),
        ]);
      }
    }
  }
  printTable(rows);
}

function benchEncode(): void {
  console.log('\nEncoding one binary frame vs ws Sender.frame (frames/s; ratio median (min-max) of rounds)');
  const rows: string[][] = [
    [
      'payload',
      'masked',
      'ours parts/s',
      'parts/ws JS',
      'parts/ws+bu',
      'encodeFrame/ws JS',
      'encodeFrame/ws+bu',
    ],
  ];
  const key = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
  const generateMask = (mask: Buffer) => mask.set(key);
  for (const [label, size] of SIZES) {
    for (const masked of [true, false]) {
      const payload = Buffer.alloc(size, 0x61);
      const reps = Math.max(4, Math.floor((1 << 20) / (size + 64)));
      let sink = 0;
      const loop = (encode: () => Uint8Array | Uint8Array[]) =>
        timed(() => {
          for (let i = 0; i < reps; i++) {
            const out = encode();
            sink += Array.isArray(out) ? out.length : out[1]!;
          }
        });
      const mask = masked ? { mask: key } : {};
      const wsOptions = { fin: true, opcode: 2, mask: masked, readOnly: true, generateMask };
      const [parts, whole, p, n] = interleave(
        [
          loop(() => encodeFrameParts({ opcode: 2, payload }, mask)),
          loop(() => encodeFrame({ opcode: 2, payload }, mask)),
          loop(() => wsPure.frame(payload, wsOptions)),
          loop(() => wsNative.frame(payload, wsOptions)),
        ],
        reps,
      ) as [number[], number[], number[], number[]];
      if (sink === 0) throw new Error('nothing encoded');
      rows.push([
        label,
        masked ? 'yes' : 'no',
        fmt(median(parts)),
        formatRatio(ratioStats(parts, p)),
        formatRatio(ratioStats(parts, n)),
        formatRatio(ratioStats(whole, p)),
        formatRatio(ratioStats(whole, n)),
      ]);
    }
  }
  // The encoders' output is checked against each other once (same key, same bytes).
  for (const [, size] of SIZES) {
    const payload = Buffer.alloc(size, 0x62);
    for (const masked of [true, false]) {
      const ours = Buffer.from(
        concatBytes(encodeFrameParts({ opcode: 2, payload }, masked ? { mask: key } : {})),
      );
      const theirs = Buffer.concat(
        wsPure.frame(payload, { fin: true, opcode: 2, mask: masked, readOnly: true, generateMask }),
      );
      if (
        !ours.equals(theirs) ||
        !Buffer.from(encodeFrame({ opcode: 2, payload }, masked ? { mask: key } : {})).equals(theirs)
      )
        throw new Error(`encoded frames differ from ws at ${size} B (masked ${masked})`);
    }
  }
  printTable(rows);
}

console.log(
  `node ${process.version}, ${ROUNDS} interleaved rounds x >= ${MIN_MS} ms per contestant; medians with (min-max)`,
);
if (process.env.BENCH_ONLY !== 'encode') benchReceive();
if (process.env.BENCH_ONLY !== 'receive') benchEncode();
