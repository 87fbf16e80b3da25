/**
 * Server: node:net's Server over a simulated host's listening socket (RFC 9293 3.10.1 passive OPEN).
 * listen / close / address / getConnections, events 'listening', 'connection', 'close', 'error', with
 * Node's timing: 'listening' and a listen error come on a later tick; 'close' comes once the server
 * has stopped listening and every connection it accepted has closed.
 */
import { EventEmitter } from 'node:events';
import { TcpError } from '../endpoint/connection.js';
import type { SimHost, SimListener } from '../sim/host.js';
import { listenError } from './errors.js';
import { Socket, type SocketOptions } from './socket.js';

export interface ServerOptions extends SocketOptions {
  /** Accepted sockets start paused (as node:net's pauseOnConnect). */
  readonly pauseOnConnect?: boolean;
}

export interface ListenOptions {
  readonly port?: number;
  readonly host?: string;
  readonly backlog?: number;
}

/** Ports handed out for listen(0), per host, in order (node:net picks a free one at random). */
const nextFreePort = new WeakMap<SimHost, number>();
const FIRST_FREE_PORT = 32768;

export class Server extends EventEmitter {
  /** Refuse connections beyond this many (as net.Server#maxConnections); undefined = no limit. */
  maxConnections: number | undefined;
  private listener: SimListener | undefined;
  private readonly live = new Set<Socket>();
  private closing = false;

  constructor(
    private readonly host: SimHost,
    private readonly options: ServerOptions = {},
    connectionListener?: (socket: Socket) => void,
  ) {
    super();
    if (connectionListener) this.on('connection', connectionListener);
  }

  get listening(): boolean {
    return this.listener !== undefined;
  }

  listen(port?: number, host?: string, backlog?: number, callback?: () => void): this;
  listen(port: number, host: string, callback?: () => void): this;
  listen(port: number, callback?: () => void): this;
  listen(options: ListenOptions, callback?: () => void): this;
  listen(callback?: () => void): this;
  listen(...args: unknown[]): this {
    const callback = typeof args[args.length - 1] === 'function' ? (args.pop() as () => void) : undefined;
    const options: ListenOptions =
      typeof args[0] === 'object' && args[0] !== null
        ? (args[0] as ListenOptions)
        : {
            ...(typeof args[0] === 'number' ? { port: args[0] } : {}),
            ...(typeof args[1] === 'string' ? { host: args[1] } : {}),
            ...(typeof args[2] === 'number' ? { backlog: args[2] } : {}),
          };
    if (this.listener)
      throw Object.assign(new Error('Listen method has been called more than once without closing.'), {
        code: 'ERR_SERVER_ALREADY_LISTEN',
      });
    if (callback) this.once('listening', callback);
    const backlog = options.backlog ?? 511;
    const requested = options.port ?? 0;
    try {
      this.listener =
        requested === 0 ? this.listenOnFreePort(backlog) : this.host.listen(requested, { backlog });
    } catch (error) {
      if (!(error instanceof TcpError)) throw error;
      process.nextTick(() => this.emit('error', listenError('EADDRINUSE', this.host.address, requested)));
      return this;
    }
    this.closing = false;
    this.listener.on('connection', (tcp) => {
      if (this.maxConnections !== undefined && this.live.size >= this.maxConnections) {
        tcp.close();
        return;
      }
      const socket = Socket.accepted(tcp, this.options);
      this.live.add(socket);
      socket.once('close', () => {
        this.live.delete(socket);
        this.maybeEmitClose();
      });
      this.emit('connection', socket);
    });
    process.nextTick(() => this.emit('listening'));
    return this;
  }

  private listenOnFreePort(backlog: number): SimListener {
    for (let tries = 0; tries < 32768; tries++) {
      const port = nextFreePort.get(this.host) ?? FIRST_FREE_PORT;
      nextFreePort.set(this.host, port >= 65535 ? FIRST_FREE_PORT : port + 1);
      try {
        return this.host.listen(port, { backlog });
      } catch (error) {
        if (!(error instanceof TcpError)) throw error;
      }
    }
    throw new TcpError('EADDRINUSE', 'no free port');
  }

  /** Stops listening; 'close' follows once every accepted connection has closed. */
  close(callback?: (error?: Error) => void): this {
    if (!this.listener) {
      const error = Object.assign(new Error('Server is not running.'), { code: 'ERR_SERVER_NOT_RUNNING' });
      if (callback) process.nextTick(() => callback(error));
      return this;
    }
    if (callback) this.once('close', () => callback());
    this.listener.close();
    this.listener = undefined;
    this.closing = true;
    this.maybeEmitClose();
    return this;
  }

  private maybeEmitClose(): void {
    if (!this.closing || this.live.size > 0) return;
    this.closing = false;
    process.nextTick(() => this.emit('close'));
  }

  address(): { address: string; family: string; port: number } | null {
    return this.listener ? { address: this.host.address, family: 'IPv4', port: this.listener.port } : null;
  }

  getConnections(callback: (error: Error | null, count: number) => void): this {
    process.nextTick(() => callback(null, this.live.size));
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}
