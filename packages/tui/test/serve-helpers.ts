/** Shared by the serve/connect tests: a server on an ephemeral loopback port, raw sockets, waiting. */
import { EventEmitter, once } from 'node:events';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli/main.js';
import { type ServeHandle, type ServeOptions, startServer, type TimedLogEntry } from '../src/serve/index.js';

export interface TestServer {
  handle: ServeHandle;
  logs: TimedLogEntry[];
  port: number;
}

export async function startTestServer(options: ServeOptions = {}): Promise<TestServer> {
  const logs: TimedLogEntry[] = [];
  const handle = await startServer({ host: '127.0.0.1', port: 0, ...options, log: (e) => logs.push(e) });
  return { handle, logs, port: handle.port };
}

/** Polls `predicate` every 5 ms; fails after `timeoutMs` with `what`. */
export async function waitFor(predicate: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A raw TCP peer that records every byte the server sends. */
export class RawPeer {
  readonly socket: net.Socket;
  private chunks: Buffer[] = [];
  closed = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (c: Buffer) => this.chunks.push(c));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
    });
  }

  static async connect(port: number): Promise<RawPeer> {
    // No Nagle: small writes must not wait for the server's delayed ACK.
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    await once(socket, 'connect');
    return new RawPeer(socket);
  }

  get received(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.received.toString('latin1');
  }

  /** Sends a valid opening handshake and waits for the 101; returns what followed it. */
  async upgrade(): Promise<void> {
    this.socket.write(upgradeRequest());
    await waitFor(() => this.text().includes('\r\n\r\n'), '101 response');
    const head = this.text();
    if (!head.startsWith('HTTP/1.1 101 ')) throw new Error(`expected 101, got ${head.slice(0, 40)}`);
    const end = this.received.indexOf('\r\n\r\n') + 4;
    this.chunks = [this.received.subarray(end)];
  }

  /** Everything received after the 101 head (after `upgrade`). */
  frames(): Buffer {
    return this.received;
  }

  async closedWithin(ms = 5000): Promise<void> {
    await waitFor(() => this.closed, 'the server to close TCP', ms);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export function upgradeRequest(fields: Record<string, string | null> = {}): string {
  const base: Record<string, string | null> = {
    Host: '127.0.0.1',
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version': '13',
    ...fields,
  };
  const lines = Object.entries(base).flatMap(([k, v]) => (v === null ? [] : [`${k}: ${v}`]));
  return `GET / HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** A client frame, masked with `mask` (RFC 6455 5.2), or unmasked when `mask` is null. */
export function clientFrame(
  opcode: number,
  payload: Uint8Array,
  mask: Uint8Array | null = Uint8Array.of(1, 2, 3, 4),
  fin = true,
): Buffer {
  const n = payload.length;
  const lengthBytes = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const head = Buffer.alloc(2 + lengthBytes + (mask ? 4 : 0));
  head[0] = (fin ? 0x80 : 0) | opcode;
  head[1] = (mask ? 0x80 : 0) | (n < 126 ? n : n < 65536 ? 126 : 127);
  if (lengthBytes === 2) head.writeUInt16BE(n, 2);
  if (lengthBytes === 8) head.writeBigUInt64BE(BigInt(n), 2);
  const body = Buffer.from(payload);
  if (mask) {
    mask.forEach((b, i) => {
      head[2 + lengthBytes + i] = b;
    });
    for (let i = 0; i < body.length; i++) body[i] = (body[i] ?? 0) ^ (mask[i % 4] ?? 0);
  }
  return Buffer.concat([head, body]);
}

/** The close code in the first close frame (opcode 8) the server sent, or null. Server frames are unmasked. */
export function serverCloseCode(bytes: Buffer): number | null {
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = (bytes[at] ?? 0) & 0x0f;
    let length = (bytes[at + 1] ?? 0) & 0x7f;
    let offset = at + 2;
    if (length === 126) {
      length = bytes.readUInt16BE(offset);
      offset += 2;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(offset));
      offset += 8;
    }
    if (opcode === 8) return length >= 2 ? bytes.readUInt16BE(offset) : 1005;
    at = offset + length;
  }
  return null;
}

/**
 * Runs the CLI in process, as `synack ARGV` runs it: piped stdin, captured stdout and stderr, and a
 * signal source of its own (emit 'SIGTERM' on `signals`), all riding along in io.
 */
export function runCli(argv: string[]) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c) => {
    out += String(c);
  });
  stderr.on('data', (c) => {
    err += String(c);
  });
  const signals = new EventEmitter();
  // (A variable, not a literal: the commands that read stdin and signals widen CliIo with them.)
  const io = { stdin, stdout, stderr, signals, env: {}, cwd: process.cwd() };
  const exit = main(argv, io);
  return { stdin, signals, exit, out: () => out, err: () => err };
}
