/**
 * `@synack/ws-frame/node`: the sans-I/O core on real `node:net` sockets, server and client.
 *
 * Theory of operation: each socket is paired with one `WebSocketProtocol`. Bytes read go to
 * `receive()`, then the protocol's outgoing bytes are written and its events are re-emitted on a
 * `WebSocketConnection` (the same surface in both roles). Backpressure: when the socket still holds a
 * full buffer (its high-water mark) once our writes are flushed, it stops reading until 'drain', so a
 * peer that floods us with pings or echo traffic cannot grow our memory. The only wall-clock use in the package lives here: handshake and
 * close timeouts (RFC 6455 7.1.1: a client may close TCP itself if the server does not in time).
 */
import { EventEmitter } from 'node:events';
import net from 'node:net';
import { type ProtocolEvent, type SendOptions, WebSocketProtocol } from '../connection.js';
import type { WebSocketError } from '../errors.js';
import { extensionSelector, type PerMessageDeflateOptions } from '../extensions/permessage-deflate.js';
import {
  buildRejection,
  ServerHandshake,
  type ServerHandshakeOptions,
  type ServerHandshakeResult,
} from '../handshake.js';
import { type HttpRequestHead, serializeHead } from '../http-head.js';
import { defaultRandom, type RandomSource } from '../random.js';
import { parseWebSocketUrl } from '../websocket.js';

import { nodeZlibCodec } from './node-zlib-codec.js';

export { nodeZlibCodec };

/** RFC 7692 permessage-deflate on real sockets: `true` for the defaults, the codec defaults to node:zlib. */
export type NodePerMessageDeflate =
  | boolean
  | (Omit<PerMessageDeflateOptions, 'codec'> & Partial<PerMessageDeflateOptions>);

function deflateOptions(option: NodePerMessageDeflate | undefined): PerMessageDeflateOptions | null {
  if (option === undefined || option === false) return null;
  return option === true ? { codec: nodeZlibCodec } : { ...option, codec: option.codec ?? nodeZlibCodec };
}

export interface ConnectionEvents {
  open: [protocol: string];
  message: [data: string | Uint8Array, isBinary: boolean];
  ping: [data: Uint8Array];
  pong: [data: Uint8Array];
  close: [code: number, reason: string, wasClean: boolean];
  /** A protocol violation by the peer, or a socket error. Emitted only when someone listens. */
  error: [error: Error];
  /** Every protocol event, for traces. */
  protocol: [event: ProtocolEvent];
}

export interface ConnectionTimeouts {
  /** How long to wait for the peer to close TCP after the closing handshake (default 5000 ms). */
  closeTimeoutMs?: number;
}

/** One WebSocket connection over a net.Socket; the same object in server and client roles. */
export class WebSocketConnection extends EventEmitter<ConnectionEvents> {
  readonly role: 'client' | 'server';
  /** The client's request (server role) or null. */
  readonly request: HttpRequestHead | null;
  readonly remoteAddress: string | undefined;
  readonly remotePort: number | undefined;
  private closeTimer: NodeJS.Timeout | null = null;
  private readonly closeTimeoutMs: number;
  /** Core events not yet dispatched, oldest first. */
  private readonly queue: ProtocolEvent[] = [];
  private dispatching = false;
  /** Set by `flush()`: until then events wait, so the creator can attach listeners first. */
  private started = false;

  constructor(
    readonly socket: net.Socket,
    private readonly core: WebSocketProtocol,
    request: HttpRequestHead | null,
    timeouts: ConnectionTimeouts = {},
  ) {
    super();
    this.role = core.role;
    this.request = request;
    this.remoteAddress = socket.remoteAddress;
    this.remotePort = socket.remotePort;
    this.closeTimeoutMs = timeouts.closeTimeoutMs ?? 5000;
    // Events are dispatched as the core produces them, so a message handler runs (and can answer)
    // before the rest of the same read, e.g. the peer's Close, is processed.
    core.setEventListener((event) => {
      this.queue.push(event);
      if (this.started) this.pump();
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      // Everything written while handling one read (echoes, pongs, a close) leaves in one writev.
      socket.cork();
      try {
        this.core.receive(chunk);
        this.pump();
      } finally {
        socket.uncork();
      }
      this.applyBackpressure();
    });
    socket.on('end', () => {
      this.core.receiveEof();
      this.pump();
    });
    socket.on('drain', () => socket.resume());
    socket.on('error', (error) => this.emitError(error));
    socket.on('close', () => {
      if (this.closeTimer) clearTimeout(this.closeTimer);
      this.core.abort();
      this.pump();
    });
  }

  get readyState(): 0 | 1 | 2 | 3 {
    return this.core.readyState;
  }
  get state(): WebSocketProtocol['state'] {
    return this.core.state;
  }
  get protocol(): string {
    return this.core.protocol;
  }
  /** The Sec-WebSocket-Extensions value agreed in the handshake ('' for none). */
  get extensions(): string {
    return this.core.extensions;
  }
  /** Bytes waiting in the socket's buffer. */
  get bufferedAmount(): number {
    return this.socket.writableLength + this.core.bufferedAmount;
  }

  /** Sends a message; returns false when it was dropped because the connection is closing. */
  send(data: string | Uint8Array, options?: SendOptions): boolean {
    const queued = this.core.send(data, options);
    this.pump();
    return queued;
  }
  ping(data?: Uint8Array | string): boolean {
    const queued = this.core.ping(data);
    this.pump();
    return queued;
  }
  pong(data?: Uint8Array | string): boolean {
    const queued = this.core.pong(data);
    this.pump();
    return queued;
  }
  close(code?: number, reason?: string): void {
    this.core.close(code, reason);
    this.pump();
    // 7.1.1 lets an endpoint give up on a peer that never answers its close frame: without this timer a
    // silent peer would hold the connection (and a server's shutdown) forever.
    if (this.core.state === 'CLOSING') this.armCloseTimer();
  }
  /** Drops the TCP connection at once (RST-like); the close event reports 1006. */
  terminate(): void {
    this.socket.destroy();
  }

  /**
   * Starts dispatching (events wait until then, so the creator can attach listeners) and processes
   * output produced outside a socket callback; `pending` are bytes read before the connection existed.
   */
  flush(pending?: Uint8Array): void {
    this.started = true;
    this.pump();
    // Frames that came in the same read as the request head: parsed only now that listeners are on.
    if (pending !== undefined && pending.length > 0) {
      this.core.receive(pending);
      this.pump();
    }
  }

  /** Writes what the core queued, then dispatches queued events, each after the bytes queued before it. */
  private pump(): void {
    this.writeOutgoing();
    // A handler that sends re-enters here: its bytes are written, the outer loop dispatches the events.
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let event = this.queue.shift(); event !== undefined; event = this.queue.shift()) {
        this.writeOutgoing();
        this.emit('protocol', event);
        this.dispatch(event);
      }
    } finally {
      this.dispatching = false;
    }
    this.writeOutgoing();
  }

  private writeOutgoing(): void {
    if (this.core.bufferedAmount === 0) return;
    const socket = this.socket;
    if (socket.destroyed || socket.writableEnded) {
      this.core.takeOutgoing();
      return;
    }
    const pieces = this.core.takeOutgoing();
    // A frame's header and a large payload are separate pieces: one writev for both, not two writes.
    if (pieces.length > 1) socket.cork();
    for (const bytes of pieces) socket.write(bytes);
    if (pieces.length > 1) socket.uncork();
    // Under the read's cork every write of a large echo reports a full buffer although the writev
    // that follows usually empties it: judge by what is still buffered once the socket is uncorked.
    if (socket.writableCorked === 0) this.applyBackpressure();
  }

  /**
   * Stops reading while the socket holds a full buffer after flushing (the kernel did not take it all);
   * 'drain' resumes. A write that reported a full buffer always leads to 'drain', so this cannot stall.
   */
  private applyBackpressure(): void {
    const socket = this.socket;
    if (socket.writableLength >= socket.writableHighWaterMark && !socket.isPaused()) socket.pause();
  }

  private dispatch(event: ProtocolEvent): void {
    switch (event.type) {
      case 'open':
        this.emit('open', event.protocol);
        break;
      case 'message':
        this.emit('message', event.data, event.binary);
        break;
      case 'ping':
        this.emit('ping', event.data);
        break;
      case 'pong':
        this.emit('pong', event.data);
        break;
      case 'close':
        this.armCloseTimer();
        break;
      case 'error':
        this.emitError(event.error);
        break;
      case 'end-transport':
        if (!this.socket.destroyed) this.socket.end();
        this.armCloseTimer();
        break;
      case 'closed':
        if (this.closeTimer) clearTimeout(this.closeTimer);
        this.emit('close', event.code, event.reason, event.wasClean);
        break;
      default:
        break;
    }
  }

  private armCloseTimer(): void {
    if (this.closeTimer || this.socket.destroyed) return;
    this.closeTimer = setTimeout(() => this.socket.destroy(), this.closeTimeoutMs);
    this.closeTimer.unref();
  }

  private emitError(error: Error | WebSocketError): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}

export interface HttpResponse {
  status: number;
  statusText?: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface WebSocketServerOptions extends ConnectionTimeouts {
  host?: string;
  /** 0 picks a free port. Default 17122 (the blog's port). */
  port?: number;
  /** Largest message accepted (RFC 6455 10.4), default 16 MiB; larger ones close with 1009. */
  maxPayload?: number;
  maxFragments?: number;
  /** Subprotocol selection (RFC 6455 4.2.2): return one of `offered`, or null. */
  handleProtocols?: ServerHandshakeOptions['selectProtocol'];
  verifyRequest?: ServerHandshakeOptions['verifyRequest'];
  /** Answers plain HTTP requests (no Upgrade: websocket), e.g. `GET /`. Without it they get 400. */
  onHttpRequest?: (request: HttpRequestHead, respond: (response: HttpResponse) => void) => void;
  /** Time allowed for the request head (default 10000 ms). */
  handshakeTimeoutMs?: number;
  /** Largest request head accepted (default 16 KiB); a larger one gets 431 (RFC 6585 5). */
  maxHandshakeBytes?: number;
  /** Accept permessage-deflate (RFC 7692) offers. Default off. */
  perMessageDeflate?: NodePerMessageDeflate;
}

export interface WebSocketServerEvents {
  connection: [connection: WebSocketConnection];
  /** A handshake was refused (400/426/431) or a socket failed before the handshake. */
  rejected: [info: { httpStatus: number; reason: string; remoteAddress: string | undefined }];
  error: [error: Error];
}

export class WebSocketServer extends EventEmitter<WebSocketServerEvents> {
  private readonly live = new Set<WebSocketConnection>();

  constructor(
    readonly server: net.Server,
    private readonly options: WebSocketServerOptions,
  ) {
    super();
    server.on('connection', (socket) => this.accept(socket));
    server.on('error', (error) => {
      if (this.listenerCount('error') > 0) this.emit('error', error);
    });
  }

  /** Open connections, oldest first. */
  get connections(): WebSocketConnection[] {
    return [...this.live];
  }

  address(): { host: string; port: number } {
    const a = this.server.address() as net.AddressInfo;
    return { host: a.address, port: a.port };
  }

  /** Stops accepting, closes every connection with `code` (default 1001 Going Away), then resolves. */
  async close(code = 1001, reason = 'server shutting down'): Promise<void> {
    const closing = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.live) {
      if (c.state === 'OPEN') c.close(code, reason);
      else if (c.state === 'CONNECTING') c.terminate();
    }
    await closing;
  }

  private accept(socket: net.Socket): void {
    const deflate = deflateOptions(this.options.perMessageDeflate);
    const handshake = new ServerHandshake({
      ...(deflate ? { selectExtensions: extensionSelector(deflate) } : {}),
      ...(this.options.handleProtocols ? { selectProtocol: this.options.handleProtocols } : {}),
      ...(this.options.verifyRequest ? { verifyRequest: this.options.verifyRequest } : {}),
      ...(this.options.maxHandshakeBytes !== undefined
        ? { maxHeadBytes: this.options.maxHandshakeBytes }
        : {}),
    });
    const timeoutMs = this.options.handshakeTimeoutMs ?? 10_000;
    // RFC 9110 15.5.9: 408 when the request head did not arrive in time; the peer is told, and the
    // 'rejected' event lets the server log it, instead of the socket just vanishing.
    const timer = setTimeout(() => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      this.refuseWith(socket, 408, `request head not complete within ${timeoutMs} ms`);
    }, timeoutMs);
    timer.unref();
    const onError = () => socket.destroy();
    // A peer that half-closes before its request head is complete can never complete it: drop it now
    // instead of holding the socket (allowHalfOpen) until the handshake timeout.
    const onEnd = () => socket.destroy();
    const onClose = () => clearTimeout(timer);
    const onData = (chunk: Buffer) => {
      const result = handshake.push(chunk);
      if (result.status === 'incomplete') return;
      socket.off('data', onData);
      socket.off('end', onEnd);
      if (result.status === 'rejected') {
        this.refuse(socket, result, timer);
        return;
      }
      socket.off('error', onError);
      socket.off('close', onClose);
      clearTimeout(timer);
      const core = new WebSocketProtocol({
        role: 'server',
        handshake: { ...result, rest: new Uint8Array(0) },
        ...(this.options.maxPayload !== undefined ? { maxPayload: this.options.maxPayload } : {}),
        ...(this.options.maxFragments !== undefined ? { maxFragments: this.options.maxFragments } : {}),
        ...(deflate ? { perMessageDeflate: deflate } : {}),
      });
      const connection = new WebSocketConnection(socket, core, result.request, this.options);
      this.live.add(connection);
      connection.on('close', () => this.live.delete(connection));
      this.emit('connection', connection);
      connection.flush(result.rest);
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('end', onEnd);
    socket.on('close', onClose);
  }

  /**
   * Answers a request that is not a WebSocket upgrade we accept (4.2.1: an HTTP error) or hands a plain
   * HTTP request to `onHttpRequest`. The socket keeps its error handler (a reset while we answer must
   * not become an uncaught exception) and, once answered, lives at most `closeTimeoutMs` more: with
   * allowHalfOpen a peer that never sends its FIN would otherwise hold it, and `close()`, forever.
   * Until the application answers, the handshake timer still bounds it.
   */
  private refuse(
    socket: net.Socket,
    result: Extract<ServerHandshakeResult, { status: 'rejected' }>,
    handshakeTimer: NodeJS.Timeout,
  ): void {
    const answered = (write: () => void) => {
      clearTimeout(handshakeTimer);
      if (socket.destroyed) return;
      write();
      const linger = setTimeout(() => socket.destroy(), this.options.closeTimeoutMs ?? 5000);
      linger.unref();
      socket.once('close', () => clearTimeout(linger));
    };
    if (!result.isUpgradeRequest && result.request && this.options.onHttpRequest) {
      this.options.onHttpRequest(result.request, (response) => answered(() => respondHttp(socket, response)));
      return;
    }
    this.emit('rejected', {
      httpStatus: result.httpStatus,
      reason: result.reason,
      remoteAddress: socket.remoteAddress,
    });
    answered(() => socket.end(result.response));
  }

  /** Answers with an HTTP error of our own (408), reports it, and lets the socket linger briefly. */
  private refuseWith(socket: net.Socket, httpStatus: number, reason: string): void {
    this.emit('rejected', { httpStatus, reason, remoteAddress: socket.remoteAddress });
    if (socket.destroyed) return;
    socket.end(buildRejection(httpStatus, reason));
    const linger = setTimeout(() => socket.destroy(), this.options.closeTimeoutMs ?? 5000);
    linger.unref();
    socket.once('close', () => clearTimeout(linger));
  }
}

function respondHttp(socket: net.Socket, response: HttpResponse): void {
  const body =
    typeof response.body === 'string'
      ? new TextEncoder().encode(response.body)
      : (response.body ?? new Uint8Array(0));
  const fields: Array<[string, string]> = Object.entries(response.headers ?? {});
  fields.push(['Content-Length', String(body.length)], ['Connection', 'close']);
  const head = serializeHead(`HTTP/1.1 ${response.status} ${response.statusText ?? 'OK'}`, fields);
  socket.write(head);
  socket.end(body);
}

/** Starts a WebSocket server on node:net; resolves once it listens. */
export function createWebSocketServer(options: WebSocketServerOptions = {}): Promise<WebSocketServer> {
  const server = net.createServer({ allowHalfOpen: true });
  const wss = new WebSocketServer(server, options);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 17122, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve(wss);
    });
  });
}

export interface ConnectOptions extends ConnectionTimeouts {
  protocols?: readonly string[];
  origin?: string;
  headers?: ReadonlyArray<readonly [string, string]>;
  maxPayload?: number;
  maxFragments?: number;
  random?: RandomSource;
  /** Offer permessage-deflate (RFC 7692). Default off. */
  perMessageDeflate?: NodePerMessageDeflate;
  /** Time allowed for TCP connect plus the opening handshake (default 10000 ms). */
  handshakeTimeoutMs?: number;
  /**
   * Called with the connection before any byte is read, to attach listeners: messages the server sends
   * right behind its 101 arrive in the same read and are emitted before the returned promise settles.
   */
  onConnection?: (connection: WebSocketConnection) => void;
}

/** Opens a client connection; resolves when OPEN, rejects if TCP or the handshake fails. */
export function connectWebSocket(
  url: string | URL,
  options: ConnectOptions = {},
): Promise<WebSocketConnection> {
  const target = parseWebSocketUrl(url);
  if (target.protocol === 'wss:')
    return Promise.reject(new Error('wss: is not supported by this adapter (no TLS)'));
  const socket = net.connect({
    host: target.hostname.replace(/^\[|\]$/g, ''),
    port: Number(target.port || 80),
    allowHalfOpen: true,
  });
  const core = new WebSocketProtocol({
    role: 'client',
    random: options.random ?? defaultRandom,
    handshake: {
      host: target.host,
      path: `${target.pathname}${target.search}`,
      ...(options.protocols ? { protocols: options.protocols } : {}),
      ...(options.origin !== undefined ? { origin: options.origin } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
    },
    ...(options.maxPayload !== undefined ? { maxPayload: options.maxPayload } : {}),
    ...(options.maxFragments !== undefined ? { maxFragments: options.maxFragments } : {}),
    ...(options.perMessageDeflate ? { perMessageDeflate: deflateOptions(options.perMessageDeflate)! } : {}),
  });
  const connection = new WebSocketConnection(socket, core, null, options);
  options.onConnection?.(connection);
  return new Promise((resolve, reject) => {
    let failure: Error | null = null;
    const timer = setTimeout(() => {
      failure = new Error('opening handshake timed out');
      socket.destroy();
    }, options.handshakeTimeoutMs ?? 10_000);
    const onProtocol = (event: ProtocolEvent) => {
      if (event.type === 'error') failure = event.error;
    };
    const onError = (error: Error) => {
      failure ??= error;
    };
    connection.on('protocol', onProtocol);
    connection.on('error', onError);
    connection.once('open', () => {
      clearTimeout(timer);
      connection.off('protocol', onProtocol);
      connection.off('error', onError);
      resolve(connection);
    });
    connection.once('close', () => {
      clearTimeout(timer);
      reject(failure ?? new Error('connection closed before the opening handshake completed'));
    });
    connection.flush();
  });
}
