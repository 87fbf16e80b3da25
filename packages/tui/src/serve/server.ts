/**
 * `synack serve`: a real WebSocket server on `@synack/ws-frame/node`, in echo or chat mode.
 *
 * Theory of operation: the ws-frame adapter does the protocol (handshake, frames, close, and reading
 * backpressure: a connection whose socket buffer is full stops being read until it drains). This module
 * adds what a real server needs around it:
 * - plain HTTP: `GET /` gets the blog's browser client (page.ts), other paths 404, other methods 405;
 * - limits: request head size (431), message size (1009), a cap on bytes queued for one peer and one
 *   for all peers together, so peers that stop reading cannot make us buffer without bound (in chat
 *   mode other members' messages would otherwise pile up): past a cap the slowest peers are dropped
 *   (peer.ts); a chat broadcast is encoded once and its bytes shared by every member's queue;
 * - liveness (liveness.ts): heartbeat pings find dead peers, the idle timeout closes quiet ones;
 * - one log entry per connection and per close, with the code, built by pure functions (log.ts) from
 *   the per-connection `ServePeer`;
 * - shutdown: stop accepting, close every WebSocket with 1001, drop what has not finished in time.
 */
import type net from 'node:net';
import { type ChatPeer, ChatRoom } from '@synack/scenarios';
import { type SendOptions, WebSocketError } from '@synack/ws-frame';
import {
  createWebSocketServer,
  type HttpResponse,
  type WebSocketConnection,
  type WebSocketServer,
} from '@synack/ws-frame/node';
import { Liveness, type Tracked } from './liveness.js';
import { closeEntry, type LogSink, openEntry, type ServeLogEntry } from './log.js';
import { renderClientPage } from './page.js';
import { ServePeer, slowestOverBudget } from './peer.js';

export type ServeMode = 'echo' | 'chat';
export const SERVE_MODES: readonly ServeMode[] = ['echo', 'chat'];

export interface ServeOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 17122 (the blog's port); 0 picks a free one. */
  port?: number;
  /** Default 'echo'. */
  mode?: ServeMode;
  /** Largest message accepted, in bytes (RFC 6455 10.4); larger ones close with 1009. Default 16 MiB. */
  maxPayload?: number;
  /** Largest HTTP request head; larger ones get 431. Default 16 KiB. */
  maxHandshakeBytes?: number;
  /**
   * Bytes queued for one peer before it counts as a slow reader and is dropped. Default maxPayload +
   * 1 MiB. Keep it well above what one read can make us write (the adapter stops reading a peer whose
   * buffer is full, but a chat sender also receives its own broadcast).
   */
  maxBufferedBytes?: number;
  /**
   * Bytes queued for all peers together; past it the peers with the most queued are dropped, slowest
   * first, until the total is back under it. Shared broadcast bytes count once per peer, so this
   * over-estimates memory: a conservative bound. Default 128 MiB.
   */
  maxBufferedBytesTotal?: number;
  /** Heartbeat ping period; a peer silent for a whole period after a ping is dropped. 0 = off. Default 30 s. */
  pingIntervalMs?: number;
  /** Close with 1001 after this long without a data message either way. 0 = off. Default 10 min. */
  idleTimeoutMs?: number;
  /** Time allowed for the request head. Default 10 s. */
  handshakeTimeoutMs?: number;
  /** Time the peer has to answer our close frame before TCP is dropped. Default 5 s. */
  closeTimeoutMs?: number;
  /** Receives every log entry; default: none. */
  log?: LogSink;
  /** Accept permessage-deflate (RFC 7692) offers, as browsers make on every connection. Default true. */
  perMessageDeflate?: boolean;
}

export interface ServeHandle {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly mode: ServeMode;
  /** TCP connections held, upgraded or not. */
  readonly socketCount: number;
  /** WebSocket connections not yet CLOSED. */
  readonly connectionCount: number;
  /** Bytes queued for output to all peers (socket buffers included). */
  readonly bufferedBytes: number;
  /**
   * Stops accepting, closes every WebSocket with 1001 and resolves once every socket is gone; sockets
   * still open after `graceMs` (default closeTimeoutMs + 1 s) are dropped. Idempotent.
   */
  stop(signal?: string, graceMs?: number): Promise<void>;
}

const MiB = 1024 * 1024;

export async function startServer(options: ServeOptions = {}): Promise<ServeHandle> {
  const mode = options.mode ?? 'echo';
  const maxPayload = options.maxPayload ?? 16 * MiB;
  const maxBufferedBytes = options.maxBufferedBytes ?? maxPayload + MiB;
  const maxBufferedBytesTotal = options.maxBufferedBytesTotal ?? 128 * MiB;
  const closeTimeoutMs = options.closeTimeoutMs ?? 5000;
  const sink = options.log;
  const log = (entry: ServeLogEntry) => sink?.({ time: new Date().toISOString(), ...entry });
  const page = renderClientPage(mode);

  const wss: WebSocketServer = await createWebSocketServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 17122,
    maxPayload,
    closeTimeoutMs,
    perMessageDeflate: options.perMessageDeflate ?? true,
    handshakeTimeoutMs: options.handshakeTimeoutMs ?? 10_000,
    ...(options.maxHandshakeBytes !== undefined ? { maxHandshakeBytes: options.maxHandshakeBytes } : {}),
    // RFC 6455 4.2.2 item 5.4: a client offering the mode's name as a subprotocol gets it; others get none.
    handleProtocols: (offered) => (offered.includes(mode) ? mode : null),
    onHttpRequest: (request, respond) => {
      const response = answerHttp(request.method, request.target, page);
      log({
        event: 'http',
        method: request.method,
        path: request.target.slice(0, 200),
        status: response.status,
      });
      respond(response);
    },
  });

  /** Every TCP connection held, with a promise settled when it is gone. */
  const sockets = new Map<net.Socket, Promise<void>>();
  wss.server.on('connection', (socket) => {
    sockets.set(
      socket,
      new Promise((resolve) =>
        socket.once('close', () => {
          sockets.delete(socket);
          resolve();
        }),
      ),
    );
  });
  wss.on('rejected', (info) =>
    log({
      event: 'rejected',
      remote: info.remoteAddress ?? '?',
      status: info.httpStatus,
      reason: info.reason,
    }),
  );

  const peers = new Map<WebSocketConnection, ServePeer>();
  const byTracked = new Map<Tracked, ServePeer>();
  const liveness = new Liveness({
    pingIntervalMs: options.pingIntervalMs ?? 30_000,
    idleTimeoutMs: options.idleTimeoutMs ?? 600_000,
    now: () => performance.now(),
    onDead: (entry) => byTracked.get(entry)?.drop('dead peer: no pong'),
    onIdle: (entry) => byTracked.get(entry)?.closeWith(1001, 'idle timeout', 'idle'),
  });
  const send = (peer: ServePeer, data: string | Uint8Array, sendOptions?: SendOptions) => {
    if (peer.send(data, sendOptions)) liveness.touch(peer.tracked);
  };
  /** The global bound: past it, the peers furthest behind are dropped first, each logged with why. */
  const enforceBudget = () => {
    for (const { peer, queued, total } of slowestOverBudget(peers.values(), maxBufferedBytesTotal))
      peer.drop(
        `slow reader: ${queued} bytes queued; ${total} queued for all peers, above ${maxBufferedBytesTotal} (slowest dropped first)`,
      );
  };

  const room = new ChatRoom();
  /** A text broadcast to the whole room is encoded once; every member queues the same bytes. */
  const encoded = { text: '', bytes: new Uint8Array(0) };
  const sendText = (peer: ServePeer, text: string) => {
    if (text !== encoded.text) {
      encoded.text = text;
      encoded.bytes = encoder.encode(text);
    }
    send(peer, encoded.bytes, { binary: false });
  };
  let nextId = 1;
  wss.on('connection', (connection) => {
    const tracked = liveness.track(connection);
    const peer = new ServePeer(
      nextId++,
      tracked,
      formatRemote(connection.remoteAddress, connection.remotePort),
      connection.request?.target ?? '/',
      performance.now(),
      maxBufferedBytes,
    );
    peers.set(connection, peer);
    byTracked.set(tracked, peer);
    const chatPeer: ChatPeer = { id: String(peer.id), sendText: (text) => sendText(peer, text) };
    log(openEntry(peer, connection.protocol, connection.extensions));

    connection.on('message', (data) => {
      peer.messagesIn++;
      liveness.touch(tracked);
      if (mode === 'echo') send(peer, data);
      else {
        if (typeof data === 'string') room.text(chatPeer, data);
        else room.binary(chatPeer);
        enforceBudget();
      }
    });
    connection.on('error', (error) => {
      // 7.1.7: the adapter already failed the connection with the mapped code; remember it for the log.
      if (error instanceof WebSocketError)
        peer.ending ??= { code: error.closeCode, reason: '', note: error.code };
      else peer.transportNote ??= errorNote(error);
    });
    connection.on('close', (code, reason, wasClean) => {
      peers.delete(connection);
      byTracked.delete(tracked);
      if (mode === 'chat') room.close(chatPeer);
      log(closeEntry(peer, { code, reason, wasClean }, performance.now()));
    });
    if (mode === 'chat') room.open(chatPeer);
  });

  const { host, port } = wss.address();
  let stopping: Promise<void> | null = null;
  const stop = (signal = 'stop', graceMs = closeTimeoutMs + 1000): Promise<void> => {
    stopping ??= (async () => {
      log({ event: 'shutdown', signal, open: wss.connections.length });
      liveness.stop();
      const upgraded = new Set(wss.connections.map((c) => c.socket));
      // Sockets still in the opening handshake have nothing to be told: drop them now.
      for (const socket of sockets.keys()) if (!upgraded.has(socket)) socket.destroy();
      for (const peer of peers.values())
        if (peer.connection.readyState === 1)
          peer.ending ??= { code: 1001, reason: 'server shutting down', note: 'shutdown' };
      const grace = setTimeout(() => {
        for (const socket of sockets.keys()) socket.destroy();
      }, graceMs);
      await wss.close(1001, 'server shutting down');
      await Promise.all(sockets.values());
      clearTimeout(grace);
      log({ event: 'stopped' });
    })();
    return stopping;
  };
  const url = `ws://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  log({ event: 'listening', url, host, port, mode });
  return {
    host,
    port,
    url,
    mode,
    get socketCount() {
      return sockets.size;
    },
    get connectionCount() {
      return wss.connections.length;
    },
    get bufferedBytes() {
      return wss.connections.reduce((sum, c) => sum + c.bufferedAmount, 0);
    },
    stop,
  };
}

const encoder = new TextEncoder();

/** The plain-HTTP side: the page at `/`, 405 for other methods there, 404 elsewhere. */
export function answerHttp(method: string, target: string, page: string): HttpResponse {
  const path = target.split('?', 1)[0];
  if (path !== '/')
    return { status: 404, statusText: 'Not Found', headers: TEXT, body: `no page at ${path}\n` };
  if (method !== 'GET')
    return {
      status: 405,
      statusText: 'Method Not Allowed',
      headers: { ...TEXT, Allow: 'GET' },
      body: `${method} is not allowed here\n`,
    };
  return {
    status: 200,
    statusText: 'OK',
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' },
    body: page,
  };
}

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

function formatRemote(address: string | undefined, port: number | undefined): string {
  const host = address?.includes(':') ? `[${address}]` : (address ?? '?');
  return `${host}:${port ?? '?'}`;
}

function errorNote(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? error.message;
}
