/**
 * A browser-shaped `WebSocket` (WHATWG WebSockets standard) over any `ByteStream`, so the blog's client
 * snippet (`new WebSocket(url)`, `onopen`, `readyState == 1`, `send`, `onmessage`, `onclose`) runs
 * unchanged over a real socket or tcp-sim's simulated one.
 *
 * Theory of operation: a `WebSocketProtocol` does the protocol; this class moves bytes between it and the
 * stream and turns protocol events into DOM-like events. As in a browser, events are dispatched in later
 * tasks, never inside the call that caused them; the task queue is the injected `schedule(fn)`
 * (default `queueMicrotask`), so a simulator can run them in virtual time. No wall-clock timer is used
 * unless `timers` is given (then a client that completed the closing handshake waits at most
 * `closeTimeoutMs` for the server's FIN before aborting, RFC 6455 7.1.1).
 */

import type { ByteStream } from './byte-stream.js';
import { type ProtocolEvent, WebSocketProtocol } from './connection.js';
import { WebSocketUsageError } from './errors.js';
import {
  type Listener,
  ListenerRegistry,
  WsCloseEvent,
  WsErrorEvent,
  WsEvent,
  WsMessageEvent,
} from './events.js';
import type { PerMessageDeflateOptions } from './extensions/permessage-deflate.js';
import { defaultRandom, type RandomSource } from './random.js';
import { encodeUtf8 } from './utf8.js';

export type BinaryType = 'blob' | 'arraybuffer' | 'nodebuffer';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface WebSocketOptions {
  /** The byte stream to run over, or a factory that opens one for the URL (e.g. a TCP connect). */
  transport: ByteStream | ((url: URL) => ByteStream);
  /** Entropy for the handshake key and masks; default Web Crypto. Inject a seeded one for replay. */
  random?: RandomSource;
  /** Task queue for event dispatch; default `queueMicrotask`. */
  schedule?: (fn: () => void) => void;
  origin?: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  maxPayload?: number;
  maxFragments?: number;
  /** Offer permessage-deflate (RFC 7692), as browsers do; `extensions` then says what was agreed. */
  perMessageDeflate?: PerMessageDeflateOptions;
  timers?: Timers;
  /** How long a client waits for the server to close TCP after the closing handshake. Default 5000. */
  closeTimeoutMs?: number;
  /** Sees every protocol event synchronously (for traces). */
  onProtocolEvent?: (event: ProtocolEvent) => void;
}

type MessageData = string | ArrayBuffer | Uint8Array | Blob;

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** WHATWG "send(data)": strings, ArrayBuffer and views; Blob is not supported (it is read asynchronously). */
export type SendData = string | ArrayBuffer | ArrayBufferView;

export class WebSocket {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;
  readonly CONNECTING = CONNECTING;
  readonly OPEN = OPEN;
  readonly CLOSING = CLOSING;
  readonly CLOSED = CLOSED;

  readonly url: string;
  /** The origin of `url`, reported as MessageEvent.origin. */
  private readonly origin: string;
  onopen: ((event: WsEvent) => void) | null = null;
  onmessage: ((event: WsMessageEvent<MessageData>) => void) | null = null;
  onerror: ((event: WsErrorEvent) => void) | null = null;
  onclose: ((event: WsCloseEvent) => void) | null = null;
  binaryType: BinaryType = 'blob';

  private readyStateValue: 0 | 1 | 2 | 3 = CONNECTING;
  private protocolValue = '';
  private extensionsValue = '';
  private readonly protocolCore: WebSocketProtocol;
  private readonly stream: ByteStream;
  private readonly schedule: (fn: () => void) => void;
  private readonly listeners = new ListenerRegistry();
  private readonly options: WebSocketOptions;
  /** Bytes handed to the stream while it reported backpressure (until 'drain'). */
  private unflushed = 0;
  /** Payload bytes passed to send() after the connection started closing (WHATWG keeps counting). */
  private discarded = 0;
  private closeTimer: unknown = null;
  private errorFired = false;

  constructor(
    url: string | URL,
    protocols: string | readonly string[] | undefined,
    options: WebSocketOptions,
  ) {
    const parsed = parseWebSocketUrl(url);
    this.url = parsed.href;
    this.origin = parsed.origin;
    this.options = options;
    this.schedule = options.schedule ?? queueMicrotask;
    const list = protocols === undefined ? [] : typeof protocols === 'string' ? [protocols] : [...protocols];
    this.protocolCore = new WebSocketProtocol({
      role: 'client',
      random: options.random ?? defaultRandom,
      handshake: {
        host: parsed.host,
        path: `${parsed.pathname}${parsed.search}`,
        protocols: list,
        ...(options.origin !== undefined ? { origin: options.origin } : {}),
        ...(options.headers !== undefined ? { headers: options.headers } : {}),
      },
      ...(options.maxPayload !== undefined ? { maxPayload: options.maxPayload } : {}),
      ...(options.maxFragments !== undefined ? { maxFragments: options.maxFragments } : {}),
      ...(options.perMessageDeflate !== undefined ? { perMessageDeflate: options.perMessageDeflate } : {}),
    });
    this.stream = typeof options.transport === 'function' ? options.transport(parsed) : options.transport;
    this.stream.on('data', (chunk) => {
      this.protocolCore.receive(chunk);
      this.pump();
    });
    this.stream.on('end', () => {
      this.protocolCore.receiveEof();
      this.pump();
    });
    this.stream.on('drain', () => {
      this.unflushed = 0;
    });
    this.stream.on('error', (error) => {
      if (this.protocolCore.state !== 'CLOSED') this.fireError(error);
    });
    this.stream.on('close', () => {
      this.protocolCore.abort();
      this.pump();
    });
    this.pump();
  }

  get readyState(): 0 | 1 | 2 | 3 {
    return this.readyStateValue;
  }
  get protocol(): string {
    return this.protocolValue;
  }
  get extensions(): string {
    return this.extensionsValue;
  }
  /** Bytes queued but not yet handed to the network, as far as the stream's backpressure tells us. */
  get bufferedAmount(): number {
    return this.unflushed + this.discarded + this.protocolCore.bufferedAmount;
  }

  send(data: SendData): void {
    if (this.readyStateValue === CONNECTING) {
      throw new WebSocketUsageError(
        'ERR_INVALID_STATE',
        "Failed to execute 'send' on 'WebSocket': Still in CONNECTING state.",
      );
    }
    const bytes = typeof data === 'string' ? null : toBytes(data);
    if (this.protocolCore.state !== 'OPEN') {
      this.discarded += bytes ? bytes.length : encodeUtf8(data as string).length;
      return;
    }
    this.protocolCore.send(bytes ?? (data as string));
    this.pump();
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new WebSocketUsageError(
        'ERR_INVALID_ACCESS',
        `The close code must be 1000 or in 3000-4999; got ${code}`,
      );
    }
    if (reason !== undefined && encodeUtf8(reason).length > 123) {
      throw new WebSocketUsageError('ERR_SYNTAX', 'The close reason must not be longer than 123 bytes');
    }
    if (this.readyStateValue === CLOSING || this.readyStateValue === CLOSED) return;
    if (this.protocolCore.state === 'CONNECTING') {
      // WHATWG: "Fail the WebSocket connection and set readyState to CLOSING."
      this.fireError(new Error('WebSocket was closed before the connection was established'));
    }
    this.readyStateValue = CLOSING;
    if (this.protocolCore.state === 'OPEN' || this.protocolCore.state === 'CONNECTING') {
      // WHATWG "close the WebSocket": "If reason is non-empty but code is null, then set code to 1000".
      // (WebSocketProtocol.close keeps RFC 6455's stricter shape and refuses a reason without a code.)
      const reasonText = reason ?? '';
      this.protocolCore.close(code ?? (reasonText === '' ? undefined : 1000), reasonText);
    }
    this.pump();
    // 7.1.1: a peer that never answers our close frame must not hold the connection forever.
    if (this.protocolCore.state === 'CLOSING') this.armCloseTimer();
  }

  addEventListener(type: 'open', listener: Listener<WsEvent>, options?: { once?: boolean }): void;
  addEventListener(
    type: 'message',
    listener: Listener<WsMessageEvent<MessageData>>,
    options?: { once?: boolean },
  ): void;
  addEventListener(type: 'error', listener: Listener<WsErrorEvent>, options?: { once?: boolean }): void;
  addEventListener(type: 'close', listener: Listener<WsCloseEvent>, options?: { once?: boolean }): void;
  addEventListener(type: string, listener: Listener<never>, options?: { once?: boolean }): void {
    this.listeners.add(type, listener, options?.once ?? false);
  }

  removeEventListener(type: string, listener: Listener<never>): void {
    this.listeners.remove(type, listener);
  }

  /** Moves bytes out to the stream and turns protocol events into scheduled DOM-like events. */
  private pump(): void {
    for (const bytes of this.protocolCore.takeOutgoing()) {
      if (this.unflushed > 0 || !this.stream.write(bytes)) this.unflushed += bytes.length;
    }
    for (const event of this.protocolCore.takeEvents()) {
      this.options.onProtocolEvent?.(event);
      this.handle(event);
    }
  }

  private handle(event: ProtocolEvent): void {
    switch (event.type) {
      case 'open':
        this.schedule(() => {
          if (this.readyStateValue !== CONNECTING) return;
          this.readyStateValue = OPEN;
          this.protocolValue = event.protocol;
          this.extensionsValue = event.extensions;
          this.fire(new WsEvent('open'));
        });
        break;
      case 'message': {
        const data: MessageData = event.binary ? this.binary(event.data) : event.data;
        this.schedule(() => this.fire(new WsMessageEvent(data, this.origin)));
        break;
      }
      case 'close':
        // 7.1.1: wait for the server's FIN, but not forever.
        if (this.protocolCore.state === 'CLOSING') this.armCloseTimer();
        this.schedule(() => {
          if (this.readyStateValue === OPEN) this.readyStateValue = CLOSING;
        });
        break;
      case 'error':
        this.fireError(event.error);
        break;
      case 'end-transport':
        this.stream.end();
        break;
      case 'closed':
        if (this.closeTimer !== null) this.options.timers?.clearTimeout(this.closeTimer);
        if (!event.wasClean && this.readyStateValue === CONNECTING)
          this.fireError(new Error('WebSocket connection failed'));
        this.schedule(() => {
          this.readyStateValue = CLOSED;
          this.fire(new WsCloseEvent(event));
        });
        break;
      default:
        break;
    }
  }

  private armCloseTimer(): void {
    const timers = this.options.timers;
    if (timers === undefined || this.closeTimer !== null) return;
    this.closeTimer = timers.setTimeout(() => this.stream.destroy(), this.options.closeTimeoutMs ?? 5000);
  }

  private binary(data: Uint8Array): ArrayBuffer | Uint8Array | Blob {
    if (this.binaryType === 'arraybuffer') return copyToArrayBuffer(data);
    if (this.binaryType === 'nodebuffer') {
      const B = (globalThis as { Buffer?: { from(b: ArrayBufferLike, o: number, l: number): Uint8Array } })
        .Buffer;
      return B ? B.from(data.buffer, data.byteOffset, data.length) : data;
    }
    return new Blob([copyToArrayBuffer(data)]);
  }

  private fireError(error: Error): void {
    if (this.errorFired) return;
    this.errorFired = true;
    this.schedule(() => this.fire(new WsErrorEvent(error)));
  }

  private fire(event: WsEvent): void {
    event.target = this;
    const handler = (this as unknown as Record<string, unknown>)[`on${event.type}`];
    const report = (error: unknown) =>
      queueMicrotask(() => {
        throw error;
      });
    if (typeof handler === 'function') {
      try {
        handler.call(this, event);
      } catch (error) {
        report(error);
      }
    }
    this.listeners.dispatch(event, report);
  }
}

/** WHATWG "parse a WebSocket URL": ws/wss (http/https mapped), no fragment. */
export function parseWebSocketUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    throw new WebSocketUsageError('ERR_SYNTAX', `Invalid URL ${String(url)}`);
  }
  if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
  else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    throw new WebSocketUsageError('ERR_SYNTAX', `The URL's scheme must be ws or wss; got ${parsed.protocol}`);
  }
  if (parsed.hash !== '')
    throw new WebSocketUsageError('ERR_SYNTAX', 'The URL contains a fragment identifier');
  return parsed;
}

function toBytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
  // A Blob (read asynchronously in browsers) or anything else: refuse rather than send something else.
  throw new WebSocketUsageError('ERR_INVALID_ARGUMENT', 'send() takes a string, an ArrayBuffer or a view');
}

function copyToArrayBuffer(data: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(data.length);
  new Uint8Array(out).set(data);
  return out;
}

/** A constructor bound to options, so `new WebSocket(url, protocols?)` works as in a browser. */
export function defineWebSocket(options: WebSocketOptions): {
  new (url: string | URL, protocols?: string | readonly string[]): WebSocket;
  readonly CONNECTING: 0;
  readonly OPEN: 1;
  readonly CLOSING: 2;
  readonly CLOSED: 3;
} {
  return class BoundWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | readonly string[]) {
      super(url, protocols, options);
    }
  };
}
