/**
 * Socket: a `stream.Duplex` over one simulated TCP connection, with the surface of node:net's Socket
 * that libraries use (connect, setNoDelay, setKeepAlive, setTimeout, addresses, bytesRead/Written,
 * readyState, end, destroy, resetAndDestroy; 'connect', 'ready', 'timeout', 'end', 'close' with
 * hadError, and errors with Node's codes).
 *
 * Theory of operation: the simulated socket (SimSocket, the kernel's side) holds the TCP send buffer
 * and receive buffer; this object is the stream in front of it, as net.Socket is the stream in front of
 * a file descriptor.
 * - Writing: `_write` hands the chunk to TCP; when TCP's send buffer is above its high-water mark (the
 *   peer's window or cwnd hold data back) the callback waits for TCP's 'drain', so the stream's own
 *   buffer fills and `write()` returns false: backpressure is the send buffer and the window.
 * - Reading: TCP's data is pushed into the stream; when the stream's buffer is full the TCP socket is
 *   paused, so unread data stays in TCP's receive buffer and RCV.WND shrinks (the sender stops); `_read`
 *   resumes it.
 * - Closing follows the kernel: `end()` sends FIN after the data; `destroy()` is close(2): FIN, or RST
 *   when received data is unread (RFC 1122 4.2.2.13); `resetAndDestroy()` is an abort (RST). TCP lives
 *   on after the stream is gone (FIN-WAIT, TIME-WAIT), as in the kernel.
 * - 'close' is emitted once, after 'error' if there was one, with hadError.
 */
import { Duplex } from 'node:stream';
import type { TcpError } from '../endpoint/connection.js';
import type { SimHost } from '../sim/host.js';
import type { SimSocket } from '../sim/socket.js';
import { fromTcpError, type NetError, notFoundError } from './errors.js';

export interface SocketOptions {
  /** Keep the writable side open after the peer's FIN (default false, as node:net). */
  readonly allowHalfOpen?: boolean;
}

export interface SocketConnectOptions {
  /** A number, or a numeric string (as node:net accepts). */
  readonly port: number | string;
  /** A simulated host's name or address; 'localhost' and '127.0.0.1' mean this host. */
  readonly host?: string;
  readonly localPort?: number;
  /** Idle timeout, as `socket.setTimeout(timeout)`. */
  readonly timeout?: number;
  readonly noDelay?: boolean;
  readonly keepAlive?: boolean;
  readonly keepAliveInitialDelay?: number;
}

export type ReadyState = 'opening' | 'open' | 'readOnly' | 'writeOnly' | 'closed';

/** How a socket finds the host it belongs to and the address behind a name. */
export interface SocketHome {
  readonly host: SimHost;
  /** A name or address to an address of the simulation, or undefined (unknown name). */
  resolve(name: string): string | undefined;
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1', '0.0.0.0', '::']);

/** Resolves host names within a simulation: host names, their addresses, and this host's loopback names. */
export function homeOf(host: SimHost, hosts: () => readonly SimHost[]): SocketHome {
  return {
    host,
    resolve(name) {
      if (LOCAL_NAMES.has(name)) return host.address;
      for (const h of hosts()) if (h.name === name || h.address === name) return h.address;
      return /^\d+\.\d+\.\d+\.\d+$/.test(name) ? name : undefined;
    },
  };
}

export class Socket extends Duplex {
  /** True while the three-way handshake is under way (as net.Socket). */
  connecting = false;
  /** The idle timeout in ms, or undefined. */
  timeout: number | undefined;
  private tcp: SimSocket | undefined;
  private readonly home: SocketHome | undefined;
  private read_ = 0;
  private written = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** A write waiting for the handshake or for TCP's 'drain'. */
  private waiting: { data: Uint8Array | undefined; callback: (error?: Error | null) => void } | undefined;
  private finalWaiting: ((error?: Error | null) => void) | undefined;
  private noDelay: boolean | undefined;
  private keepAlive: { enable: boolean; delay: number | undefined } | undefined;
  private peer: { address: string; port: number } | undefined;
  private local: { address: string; port: number } | undefined;
  private closeEmitted = false;
  private peerEnded = false;
  /** A RST arrived after the peer's FIN; the next write fails with EPIPE. */
  private broken = false;

  constructor(options: SocketOptions = {}, home?: SocketHome) {
    super({ allowHalfOpen: options.allowHalfOpen ?? false, emitClose: false, decodeStrings: true });
    this.home = home;
  }

  /** @internal An accepted connection (server side), already established. */
  static accepted(tcp: SimSocket, options: SocketOptions & { pauseOnConnect?: boolean }): Socket {
    const socket = new Socket(options);
    socket.attach(tcp);
    if (options.pauseOnConnect) {
      // As node:net: nothing is read until the application reads, so data waits in TCP's buffer.
      socket.pause();
      tcp.pause();
    }
    socket.established();
    return socket;
  }

  // ------------------------------------------------------------------------------------------
  // Connecting

  connect(options: SocketConnectOptions, connectListener?: () => void): this;
  connect(port: number, host?: string, connectListener?: () => void): this;
  connect(port: number, connectListener?: () => void): this;
  connect(a: SocketConnectOptions | number, b?: string | (() => void), c?: () => void): this {
    const given: SocketConnectOptions =
      typeof a === 'number' || typeof a === 'string'
        ? { port: a, ...(typeof b === 'string' ? { host: b } : {}) }
        : a;
    // As node:net, a port may be a numeric string (ws passes the URL's port as it is).
    const options = { ...given, port: typeof given.port === 'string' ? Number(given.port) : given.port };
    const listener = typeof b === 'function' ? b : c;
    if (listener) this.once('connect', listener);
    if (!this.home) throw new TypeError('this Socket has no simulated host: use net.Socket of createNet()');
    if (this.tcp) throw new Error('socket is already connected');
    if (!(Number.isInteger(options.port) && options.port >= 0 && options.port < 65536)) {
      const error = new RangeError(`Port should be >= 0 and < 65536. Received ${String(options.port)}.`);
      (error as RangeError & { code: string }).code = 'ERR_SOCKET_BAD_PORT';
      throw error;
    }
    if (options.timeout !== undefined) this.setTimeout(options.timeout);
    if (options.noDelay) this.setNoDelay(true);
    if (options.keepAlive) this.setKeepAlive(true, options.keepAliveInitialDelay);
    this.connecting = true;
    const hostName = options.host ?? 'localhost';
    const address = this.home.resolve(hostName);
    // As node:net, the lookup answers on a later tick (even for an address), so listeners attached
    // right after connect() see every event.
    process.nextTick(() => {
      if (this.destroyed) return;
      if (address === undefined) {
        this.connecting = false;
        this.destroy(notFoundError(hostName));
        return;
      }
      const tcp = this.home!.host.connect({
        address,
        port: options.port,
        ...(options.localPort !== undefined ? { localPort: options.localPort } : {}),
      });
      this.peer = { address: tcp.remoteAddress, port: tcp.remotePort };
      this.attach(tcp);
    });
    return this;
  }

  private attach(tcp: SimSocket): void {
    this.tcp = tcp;
    if (this.noDelay !== undefined) tcp.setNoDelay(this.noDelay);
    if (this.keepAlive) tcp.setKeepAlive(this.keepAlive.enable, this.keepAlive.delay);
    tcp.on('connect', () => this.established());
    tcp.on('data', (chunk) => {
      if (this.destroyed) return;
      this.read_ += chunk.length;
      this.touch();
      if (!this.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))) tcp.pause();
    });
    tcp.on('end', () => {
      this.peerEnded = true;
      this.touch();
      this.push(null);
    });
    tcp.on('error', (error) => this.tcpFailed(error as TcpError));
    tcp.on('drain', () => {
      const waiting = this.waiting;
      if (waiting && waiting.data === undefined) {
        this.waiting = undefined;
        waiting.callback();
      }
    });
    tcp.on('close', (hadError) => {
      // After both FINs the stream ends by itself once its data is read (autoDestroy); a TCP that
      // closed any other way without an error (none known) still ends the stream.
      if (hadError || this.destroyed || (this.peerEnded && this.writableFinished)) return;
      this.destroy();
    });
  }

  private established(): void {
    if (this.destroyed) return;
    const tcp = this.tcp!;
    this.connecting = false;
    this.peer = { address: tcp.remoteAddress, port: tcp.remotePort };
    this.local = { address: tcp.localAddress, port: tcp.localPort };
    this.touch();
    const waiting = this.waiting;
    if (waiting?.data) {
      this.waiting = undefined;
      this.writeToTcp(waiting.data, waiting.callback);
    }
    const final = this.finalWaiting;
    if (final) {
      this.finalWaiting = undefined;
      this._final(final);
    }
    this.emit('connect');
    this.emit('ready');
  }

  private tcpFailed(error: TcpError): void {
    if (error.code === 'ECONNRESET' && this.peerEnded && !this.connecting) {
      // Linux (tcp_reset) records a RST in CLOSE-WAIT as EPIPE, and with reading over after the
      // peer's FIN nobody sees it until the next write: `write EPIPE`, as node:net reports it.
      this.broken = true;
      return;
    }
    const nodeError = fromTcpError(
      error.code,
      this.connecting,
      this.peer?.address ?? '',
      this.peer?.port ?? 0,
    );
    this.connecting = false;
    const waiting = this.waiting;
    this.waiting = undefined;
    if (!this.destroyed) this.destroy(nodeError);
    waiting?.callback();
  }

  // ------------------------------------------------------------------------------------------
  // The stream

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    const data = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.connecting || !this.tcp) {
      this.waiting = { data, callback };
      return;
    }
    this.writeToTcp(data, callback);
  }

  private writeToTcp(data: Uint8Array, callback: (error?: Error | null) => void): void {
    if (this.broken) return void callback(fromTcpError('EPIPE', false, '', 0));
    this.written += data.length;
    this.touch();
    const below = this.tcp!.write(data);
    if (this.destroyed) return void callback();
    if (below) callback();
    else this.waiting = { data: undefined, callback };
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.connecting || !this.tcp) {
      this.finalWaiting = callback;
      return;
    }
    if (this.broken) return void callback(fromTcpError('EPIPE', false, '', 0));
    this.tcp.end();
    callback();
  }

  override _read(): void {
    this.tcp?.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.clearIdleTimer();
    const tcp = this.tcp;
    // A user's destroy() is close(2): FIN, or RST with unread data; while the SYN is out, the
    // connection is simply forgotten (RFC 9293 3.10.4/3.10.5 in SYN-SENT: delete the TCB, send nothing).
    // After a TCP error there is nothing to close.
    if (tcp && !error && tcp.state === 'SYN-SENT') tcp.destroy();
    else if (tcp && !error && tcp.state !== 'CLOSED') tcp.close();
    const hadError = error !== null && error !== undefined;
    callback(error);
    // After the 'error' that callback queues, as Node emits 'close' once the handle is closed.
    process.nextTick(() => this.emitClose(hadError));
  }

  private emitClose(hadError: boolean): void {
    if (this.closeEmitted) return;
    this.closeEmitted = true;
    this.emit('close', hadError);
  }

  /** Abort: RST (net.Socket#resetAndDestroy). */
  resetAndDestroy(): this {
    if (this.tcp && this.tcp.state !== 'CLOSED') this.tcp.destroy();
    if (!this.destroyed) this.destroy();
    return this;
  }

  destroySoon(): void {
    if (this.writable) this.end();
    if (this.writableFinished) this.destroy();
    else this.once('finish', () => this.destroy());
  }

  // ------------------------------------------------------------------------------------------
  // Options

  setNoDelay(noDelay = true): this {
    this.noDelay = noDelay;
    this.tcp?.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable = false, initialDelay?: number): this {
    this.keepAlive = { enable, delay: initialDelay };
    this.tcp?.setKeepAlive(enable, initialDelay);
    return this;
  }

  /**
   * Idle timeout: 'timeout' after `ms` without reading or writing (the socket stays open, as in Node).
   * Runs on the global setTimeout, so in instant mode it is a virtual timer.
   */
  setTimeout(ms: number, callback?: () => void): this {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`bad timeout ${ms}`);
    if (callback) {
      if (ms === 0) this.off('timeout', callback);
      else this.once('timeout', callback);
    }
    this.timeout = ms === 0 ? undefined : ms;
    this.clearIdleTimer();
    this.touch();
    return this;
  }

  private touch(): void {
    if (this.timeout === undefined || this.destroyed) return;
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.emit('timeout');
    }, this.timeout);
  }

  private clearIdleTimer(): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }

  // ------------------------------------------------------------------------------------------
  // What net.Socket reports

  get readyState(): ReadyState {
    if (this.connecting) return 'opening';
    if (this.readable && this.writable) return 'open';
    if (this.readable && !this.writable) return 'readOnly';
    if (!this.readable && this.writable) return 'writeOnly';
    return 'closed';
  }

  /** True until connected (as net.Socket). */
  get pending(): boolean {
    return !this.tcp || this.connecting;
  }

  get bytesRead(): number {
    return this.read_;
  }

  /** Octets handed to TCP plus those still queued in the stream (as net.Socket counts them). */
  get bytesWritten(): number {
    return this.written + this.writableLength;
  }

  get remoteAddress(): string | undefined {
    return this.peer?.address;
  }
  get remotePort(): number | undefined {
    return this.peer?.port;
  }
  get remoteFamily(): string | undefined {
    return this.peer ? 'IPv4' : undefined;
  }
  get localAddress(): string | undefined {
    return this.local?.address;
  }
  get localPort(): number | undefined {
    return this.local?.port;
  }
  get localFamily(): string | undefined {
    return this.local ? 'IPv4' : undefined;
  }

  address(): { address: string; family: string; port: number } | Record<string, never> {
    return this.local ? { address: this.local.address, family: 'IPv4', port: this.local.port } : {};
  }

  /** The simulated TCP socket behind this stream (state, TCB, timers), once connecting has begun. */
  get tcpSocket(): SimSocket | undefined {
    return this.tcp;
  }
}

export type { NetError };
