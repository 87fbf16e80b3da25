/**
 * SimSocket: the application's handle on one simulated connection, shaped like node:net's Socket so
 * that it satisfies the ByteStream contract ws-frame consumes (write / end / destroy, and 'data',
 * 'end', 'close', 'error', 'drain'). Reading follows Node's streams: the socket starts paused and
 * flows once a 'data' listener is attached; `pause()` stops reading, so unread data fills the receive
 * buffer and shrinks RCV.WND; `read(n)` pulls octets explicitly while paused.
 */
import type { Connection, ConnectionObserver, TcpError } from '../endpoint/connection.js';
import type { TcpState } from '../endpoint/states.js';
import type { TcbSnapshot } from '../endpoint/tcb.js';
import { Emitter } from './emitter.js';

export class SimSocket extends Emitter implements ConnectionObserver {
  private explicitlyPaused = false;
  private destroyedFlag = false;
  /** For a passively opened connection: the listening socket that announces it once established. */
  private acceptedBy: { deliverEstablished(socket: SimSocket): void } | undefined;

  constructor(
    /** The endpoint behind this socket (internal; use the socket's own methods). */
    private readonly conn: Connection,
    readonly hostName: string,
  ) {
    super();
    conn.observer = this;
  }

  /** Connection id, the active opener first: 'client:49152>server:80'. */
  get id(): string {
    return this.conn.id;
  }
  get localAddress(): string {
    return this.conn.localAddress;
  }
  get localPort(): number {
    return this.conn.localPort;
  }
  get remoteAddress(): string {
    return this.conn.remoteAddress;
  }
  get remotePort(): number {
    return this.conn.remotePort;
  }
  /** The RFC 9293 state name. */
  get state(): TcpState {
    return this.conn.state;
  }
  /** A read-only copy of the TCB and RTT estimators. */
  get tcb(): TcbSnapshot {
    return this.conn.snapshot();
  }
  /** Octets received and buffered but not yet read. */
  get readableLength(): number {
    return this.conn.readableLength;
  }
  /** Octets written and not yet acknowledged by the peer. */
  get writableLength(): number {
    return this.conn.writableLength;
  }
  get destroyed(): boolean {
    return this.destroyedFlag;
  }
  /** Timers currently armed on this connection (for tests and views). */
  get timers(): readonly string[] {
    return this.conn.timersArmed;
  }

  /** Queues data (RFC 9293 3.10.2 SEND). false = above the send high-water mark: wait for 'drain'. */
  write(data: Uint8Array | string): boolean {
    const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
    this.conn.userCall('write', bytes.length);
    return this.conn.send(bytes);
  }

  /**
   * Half-close: our FIN after the queued data (RFC 9293 3.10.4 CLOSE). Optional final data first.
   * Before the connection is established this is Node's `end()` before `connect`: the FIN waits
   * for the handshake (a socket-level choice; TCP's own CLOSE in SYN-SENT, which `close()` makes,
   * deletes the TCB).
   */
  end(data?: Uint8Array | string): void {
    if (data !== undefined) this.write(data);
    this.conn.userCall('end');
    this.conn.close({ afterConnect: true });
  }

  /**
   * Full close: FIN, and no more reading. With unread data, or data arriving later, a RST goes out
   * instead (RFC 1122 4.2.2.13).
   */
  close(): void {
    this.conn.userCall('close');
    this.conn.closeFully();
  }

  /** Abort: RST (RFC 9293 3.10.5 ABORT). */
  destroy(error?: Error): void {
    if (this.destroyedFlag) return;
    this.destroyedFlag = true;
    this.conn.userCall('destroy');
    if (error) this.emitEvent('error', error);
    this.conn.abort();
  }

  /** TCP_NODELAY (default false: Nagle's algorithm on, RFC 1122 4.2.3.4, unless the profile says otherwise). */
  setNoDelay(noDelay = true): this {
    this.conn.setNoDelay(noDelay);
    return this;
  }

  /** SO_KEEPALIVE (RFC 1122 4.2.3.6; off by default), with the idle time before the first probe. */
  setKeepAlive(enable = false, initialDelay?: number): this {
    this.conn.setKeepAlive(enable, initialDelay !== undefined && initialDelay > 0 ? initialDelay : undefined);
    return this;
  }

  /** Explicit read (RFC 9293 3.10.3 RECEIVE): up to `size` buffered octets, or null if none. */
  read(size?: number): Uint8Array | null {
    this.conn.userCall('read', size);
    return this.conn.receive(size) ?? null;
  }

  pause(): this {
    this.explicitlyPaused = true;
    this.conn.userCall('pause');
    this.conn.pause();
    return this;
  }

  resume(): this {
    this.explicitlyPaused = false;
    this.conn.userCall('resume');
    this.conn.resume();
    return this;
  }

  on(event: 'connect', listener: () => void): this;
  on(event: 'data', listener: (chunk: Uint8Array) => void): this;
  on(event: 'end', listener: () => void): this;
  on(event: 'close', listener: (hadError: boolean) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'drain', listener: () => void): this;
  on(event: string, listener: (...args: never[]) => void): this {
    this.addListener(event, listener as (...args: unknown[]) => void);
    if (event === 'data' && !this.explicitlyPaused) this.conn.resume();
    return this;
  }

  once(event: 'connect' | 'end' | 'drain', listener: () => void): this;
  once(event: 'data', listener: (chunk: Uint8Array) => void): this;
  once(event: 'close', listener: (hadError: boolean) => void): this;
  once(event: 'error', listener: (error: Error) => void): this;
  once(event: string, listener: (...args: never[]) => void): this {
    this.addListener(event, listener as (...args: unknown[]) => void, true);
    return this;
  }

  off(event: string, listener: (...args: never[]) => void): this {
    this.removeListener(event, listener as (...args: unknown[]) => void);
    return this;
  }

  /** @internal Called by the host for passive sockets: announce on the listener once established. */
  acceptOn(listener: { deliverEstablished(socket: SimSocket): void }): void {
    this.acceptedBy = listener;
  }

  // ConnectionObserver (called by the connection when it flushes its notifications)
  onConnect(): void {
    if (this.acceptedBy) this.acceptedBy.deliverEstablished(this);
    else this.emitEvent('connect');
  }
  onData(chunk: Uint8Array): void {
    this.emitEvent('data', chunk);
  }
  onEnd(): void {
    this.emitEvent('end');
  }
  onError(error: TcpError): void {
    this.emitEvent('error', error);
  }
  onClose(hadError: boolean): void {
    this.emitEvent('close', hadError);
  }
  onDrain(): void {
    this.emitEvent('drain');
  }
}
