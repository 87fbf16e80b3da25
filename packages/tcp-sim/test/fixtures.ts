/**
 * Shared fixtures: a two-host world, helpers that read the trace, and a raw scripted peer.
 */
import {
  createSimulation,
  type LinkConfig,
  type SimHost,
  type SimSocket,
  type Simulation,
  type SimulationOptions,
  type TcpMachineEvent,
  type TraceEvent,
} from '../src/index.js';

/** Every event the TCP machine knows (the delayed 2MSL event aside), once each. */
export const MACHINE_EVENTS: readonly TcpMachineEvent[] = [
  { type: 'PASSIVE_OPEN', cause: 'test' },
  { type: 'ACTIVE_OPEN', cause: 'test' },
  { type: 'SEND', cause: 'test' },
  { type: 'RECEIVE', cause: 'test' },
  { type: 'CLOSE', cause: 'test' },
  { type: 'ABORT', cause: 'test' },
  { type: 'RCV.SYN', cause: 'test' },
  { type: 'RCV.SYN-ACK', cause: 'test' },
  { type: 'RCV.ACK-OF-SYN', cause: 'test' },
  { type: 'RCV.ACK-OF-FIN', cause: 'test' },
  { type: 'RCV.FIN', ourFinAcked: false, cause: 'test' },
  { type: 'RCV.FIN', ourFinAcked: true, cause: 'test' },
  { type: 'RCV.RST', cause: 'test' },
  { type: 'TIMEOUT.USER', cause: 'test' },
];

export interface World {
  sim: Simulation;
  client: SimHost;
  server: SimHost;
}

export function world(options: Partial<SimulationOptions> = {}, link: LinkConfig = { delay: 5 }): World {
  const sim = createSimulation({ seed: 1, profile: { msl: 1000 }, ...options });
  const client = sim.addHost({ name: 'client', address: '10.0.0.1' });
  const server = sim.addHost({ name: 'server', address: '10.0.0.2' });
  sim.setLink(client, server, link);
  return { sim, client, server };
}

/** A world where the server is a raw scripted peer. */
export function rawWorld(options: Partial<SimulationOptions> = {}): World {
  const sim = createSimulation({ seed: 1, profile: { msl: 1000 }, ...options });
  const client = sim.addHost({ name: 'client', address: '10.0.0.1' });
  const server = sim.addHost({ name: 'server', address: '10.0.0.2', raw: true });
  sim.setLink(client, server, { delay: 5 });
  return { sim, client, server };
}

export type Of<T extends TraceEvent['type']> = Extract<TraceEvent, { type: T }>;

export function eventsOf<T extends TraceEvent['type']>(sim: Simulation, type: T): Of<T>[] {
  return sim.trace.events.filter((e): e is Of<T> => e.type === type);
}

/** The state path of one host's connection, e.g. ['SYN-SENT', 'ESTABLISHED', ...]. */
export function statePath(sim: Simulation, host: string): string[] {
  return eventsOf(sim, 'tcp.state')
    .filter((e) => e.host === host)
    .map((e) => e.to);
}

export function sentBy(sim: Simulation, host: string): Of<'segment.sent'>[] {
  return eventsOf(sim, 'segment.sent').filter((e) => e.from === host);
}

export const text = (s: string) => new TextEncoder().encode(s);
export const str = (b: Uint8Array) => new TextDecoder().decode(b);

/** Collects everything a socket reads. */
export function collect(socket: SimSocket): {
  data: () => string;
  bytes: () => Uint8Array;
  ended: () => boolean;
} {
  const chunks: Uint8Array[] = [];
  let ended = false;
  socket.on('data', (c) => chunks.push(c));
  socket.on('end', () => {
    ended = true;
  });
  const bytes = () => {
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  };
  return { data: () => str(bytes()), bytes, ended: () => ended };
}

/** An echo-free server that reads everything and half-closes when the client does. */
export function acceptAll(server: SimHost, port = 80): { sockets: SimSocket[] } {
  const sockets: SimSocket[] = [];
  server.listen(port).on('connection', (s) => {
    sockets.push(s);
    s.on('data', () => {});
    s.on('end', () => s.end());
  });
  return { sockets };
}
