/**
 * `@synack/tcp-sim/net`: node:net's shape over a simulated host, so that unmodified libraries (ws,
 * node:http, your own client) run over simulated TCP, with its loss, reordering and partitions, in
 * virtual time. `createNet(sim, host)` gives `createServer`, `connect` / `createConnection`, `Socket`
 * and `Server`; `VirtualTime` makes the application's timers and the simulation share one clock;
 * `withSimulatedNetwork` (also at `@synack/tcp-sim/vitest`) wraps both for a test and writes the pcap
 * and trace of a failing run.
 */
import { isIP, isIPv4, isIPv6, type createConnection as nodeCreateConnection } from 'node:net';
import type { SimHost } from '../sim/host.js';
import type { Simulation } from '../sim/simulation.js';
import { Server, type ServerOptions } from './server.js';
import { homeOf, Socket, type SocketConnectOptions, type SocketHome, type SocketOptions } from './socket.js';

export type NetConnectOptions = SocketConnectOptions & SocketOptions;

/** node:net's functions and classes, bound to one simulated host. */
export interface SimulatedNet {
  readonly host: SimHost;
  readonly simulation: Simulation;
  createServer(connectionListener?: (socket: Socket) => void): Server;
  createServer(options: ServerOptions, connectionListener?: (socket: Socket) => void): Server;
  connect(options: NetConnectOptions, connectListener?: () => void): Socket;
  connect(port: number, host?: string, connectListener?: () => void): Socket;
  /**
   * `connect`, typed as node:net's `createConnection` so that it plugs into options typed for it
   * (ws's and node:http's `createConnection`). What it returns is this package's Socket: a Duplex with
   * node:net's socket surface, not a `net.Socket` instance. IPC paths are not supported.
   */
  createConnection: typeof nodeCreateConnection;
  /** `new net.Socket(options)`, on this host. */
  readonly Socket: new (
    options?: SocketOptions,
  ) => Socket;
  /** `new net.Server(options, listener)`, on this host. */
  readonly Server: new (
    options?: ServerOptions,
    connectionListener?: (socket: Socket) => void,
  ) => Server;
  isIP: typeof isIP;
  isIPv4: typeof isIPv4;
  isIPv6: typeof isIPv6;
}

/** node:net for `host` (a host of `simulation`, or its name). */
export function createNet(simulation: Simulation, host: SimHost | string): SimulatedNet {
  const h =
    typeof host === 'string' ? simulation.hosts.find((x) => x.name === host || x.address === host) : host;
  if (!h) throw new RangeError(`unknown host: ${String(host)}`);
  const home: SocketHome = homeOf(h, () => simulation.hosts);
  class HostSocket extends Socket {
    constructor(options: SocketOptions = {}) {
      super(options, home);
    }
  }
  class HostServer extends Server {
    constructor(options: ServerOptions = {}, connectionListener?: (socket: Socket) => void) {
      super(h!, options, connectionListener);
    }
  }
  function connect(
    a: NetConnectOptions | number | string,
    b?: string | (() => void),
    c?: () => void,
  ): Socket {
    const options: NetConnectOptions =
      typeof a === 'number' || typeof a === 'string'
        ? { port: a, ...(typeof b === 'string' ? { host: b } : {}) }
        : a;
    const listener = typeof b === 'function' ? b : c;
    const socket = new HostSocket(
      options.allowHalfOpen !== undefined ? { allowHalfOpen: options.allowHalfOpen } : {},
    );
    return socket.connect(options, listener);
  }
  function createServer(
    a?: ServerOptions | ((socket: Socket) => void),
    b?: (socket: Socket) => void,
  ): Server {
    return typeof a === 'function' ? new HostServer({}, a) : new HostServer(a ?? {}, b);
  }
  return {
    host: h,
    simulation,
    createServer,
    connect,
    createConnection: connect as unknown as typeof nodeCreateConnection,
    Socket: HostSocket,
    Server: HostServer,
    isIP,
    isIPv4,
    isIPv6,
  };
}

export { type NetError, netError } from './errors.js';
export {
  type RunArtifacts,
  runSimulatedNetwork,
  type SimulatedNetwork,
  type SimulatedNetworkOptions,
  writeRunArtifacts,
} from './network.js';
export { seedApplicationRandomness } from './random.js';
export { type ListenOptions, Server, type ServerOptions } from './server.js';
export { type ReadyState, Socket, type SocketConnectOptions, type SocketOptions } from './socket.js';
export {
  DEFAULT_EPOCH,
  type PacedOptions,
  SimulationStuckError,
  VirtualTime,
  type VirtualTimeOptions,
} from './virtual-time.js';
