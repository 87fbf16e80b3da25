/**
 * `synack connect`: a line-oriented WebSocket client on `@synack/ws-frame/node`.
 *
 * Each input line is sent as one text message; every message, ping and pong received is printed, and
 * so is the close code. The end of input (Ctrl-D on a terminal) starts the closing handshake with 1000
 * (RFC 6455 7.1.2), as does Ctrl-C; lines already typed are sent before the close frame, since frames
 * leave in order. Output is one line per event, or one JSON object per line with `json`.
 */
import readline from 'node:readline';
import { connectWebSocket, type WebSocketConnection } from '@synack/ws-frame/node';

export interface ConnectIo {
  input: NodeJS.ReadableStream;
  output: { write(chunk: string): unknown };
  errors: { write(chunk: string): unknown };
}

export interface ClientOptions {
  url: string;
  /** Offered subprotocols (Sec-WebSocket-Protocol, RFC 6455 4.1). */
  protocols?: readonly string[];
  json?: boolean;
  /** Default 10 s. */
  handshakeTimeoutMs?: number;
  /** Aborting it closes with 1000, like the end of input (the command wires SIGINT/SIGTERM to it). */
  stop?: AbortSignal;
}

export type ClientEvent =
  | { type: 'open'; url: string; protocol: string }
  | { type: 'message'; binary: false; data: string }
  | { type: 'message'; binary: true; length: number; hex: string }
  | { type: 'ping' | 'pong'; length: number; hex: string }
  | { type: 'close'; code: number; reason: string; wasClean: boolean }
  | { type: 'error'; message: string };

export interface ClientOutcome {
  /** Null when the connection never opened. */
  code: number | null;
  reason: string;
  wasClean: boolean;
}

/** Bytes shown in full for binary messages and control payloads; longer ones end with "...". */
const HEX_PREVIEW = 32;

export function formatClientEvent(event: ClientEvent, json: boolean): string {
  if (json) return JSON.stringify(event);
  switch (event.type) {
    case 'open':
      return `connected to ${event.url}${event.protocol ? ` (protocol ${event.protocol})` : ''}`;
    case 'message':
      return event.binary ? `< binary ${event.length} bytes: ${event.hex}` : `< ${event.data}`;
    case 'ping':
    case 'pong':
      return `< ${event.type} ${event.length} bytes${event.length > 0 ? `: ${event.hex}` : ''}`;
    case 'close':
      return `closed ${event.code}${event.reason ? ` ${JSON.stringify(event.reason)}` : ''}${event.wasClean ? '' : ' (not clean)'}`;
    case 'error':
      return `error: ${event.message}`;
  }
}

export function hexPreview(bytes: Uint8Array): string {
  const shown = Array.from(bytes.subarray(0, HEX_PREVIEW), (b) => b.toString(16).padStart(2, '0'));
  return shown.join(' ') + (bytes.length > HEX_PREVIEW ? ' ...' : '');
}

/** Connects, pumps lines until input ends or the server closes; resolves with how it closed. */
export async function runClient(options: ClientOptions, io: ConnectIo): Promise<ClientOutcome> {
  const json = options.json ?? false;
  const print = (event: ClientEvent) => {
    const stream = event.type === 'error' ? io.errors : io.output;
    stream.write(`${formatClientEvent(event, json)}\n`);
  };
  let settle: (outcome: ClientOutcome) => void = () => {};
  const closed = new Promise<ClientOutcome>((resolve) => {
    settle = resolve;
  });
  // Listeners go on before the first read: a server may send right behind its 101 (same TCP segment).
  const listen = (connection: WebSocketConnection) => {
    let opened = false;
    connection.once('open', (protocol) => {
      opened = true;
      print({ type: 'open', url: options.url, protocol });
    });
    // Before OPEN a close is a failed handshake: connectWebSocket rejects and the error is printed.
    connection.once('close', (code, reason, wasClean) => {
      if (!opened) return;
      print({ type: 'close', code, reason, wasClean });
      settle({ code, reason, wasClean });
    });
    connection.on('message', (data) => {
      if (typeof data === 'string') print({ type: 'message', binary: false, data });
      else print({ type: 'message', binary: true, length: data.length, hex: hexPreview(data) });
    });
    connection.on('ping', (data) => print({ type: 'ping', length: data.length, hex: hexPreview(data) }));
    connection.on('pong', (data) => print({ type: 'pong', length: data.length, hex: hexPreview(data) }));
  };
  let connection: WebSocketConnection;
  try {
    connection = await connectWebSocket(options.url, {
      ...(options.protocols && options.protocols.length > 0 ? { protocols: options.protocols } : {}),
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
      onConnection: listen,
    });
  } catch (error) {
    print({ type: 'error', message: `cannot connect to ${options.url}: ${describe(error)}` });
    return { code: null, reason: '', wasClean: false };
  }
  connection.on('error', (error) => print({ type: 'error', message: describe(error) }));

  const lines = readline.createInterface({ input: io.input, crlfDelay: Number.POSITIVE_INFINITY });
  const closeNormally = () => {
    if (connection.readyState === 1) connection.close(1000);
  };
  lines.on('line', (line) => {
    if (connection.readyState === 1) connection.send(line);
  });
  lines.on('close', closeNormally);
  lines.on('SIGINT', closeNormally);
  options.stop?.addEventListener('abort', closeNormally);

  const outcome = await closed;
  options.stop?.removeEventListener('abort', closeNormally);
  lines.off('close', closeNormally);
  lines.close();
  return outcome;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code} ${error.message}` : error.message;
  }
  return String(error);
}
