/**
 * The simulated world of one scenario run: a tcp-sim host per endpoint, the links between them, the
 * scripted faults, the servers' listeners and applications, and the sockets and WebSocket connections
 * each endpoint has. Timeline actions and TUI interventions are carried out here.
 *
 * An endpoint's current connection (the one actions, `when:` conditions, panes and state expectations
 * refer to) is its latest; earlier ones are kept in order and stay in the trace.
 */
import type { SimHost as Host, SimSocket, Simulation } from '@synack/tcp-sim';
import { concatBytes, type RandomSource } from '@synack/ws-frame';
import { ChatRoom } from '../apps/chat.js';
import type { Action, Condition, EndpointSpec, FaultSpec, LinkSpec, Scenario } from '../language/types.js';
import type { WsTraceEventInput } from '../trace/events.js';
import type { Intervention } from './run.js';
import { WsConnection } from './ws-connection.js';

export interface Endpoint {
  readonly spec: EndpointSpec;
  readonly host: Host;
  readonly sockets: SimSocket[];
  readonly ws: WsConnection[];
  /** Set when a `listen` step is in the timeline: the server then listens only when it runs. */
  readonly listensLate: boolean;
}

interface StreamRecord {
  written: Uint8Array[];
  delivered: Uint8Array[];
}

export class World {
  private readonly endpoints = new Map<string, Endpoint>();
  private readonly recorded = new Map<string, StreamRecord>();
  private readonly rooms = new Map<string, ChatRoom>();
  private connectionCount = 0;

  constructor(
    private readonly scenario: Scenario,
    private readonly sim: Simulation,
    private readonly emit: (event: WsTraceEventInput) => void,
    private readonly random: (name: string) => RandomSource,
  ) {
    for (const spec of scenario.endpoints) {
      const host = sim.addHost({
        name: spec.name,
        address: spec.address,
        ...(spec.mss === undefined ? {} : { mss: spec.mss }),
      });
      const listensLate = scenario.timeline.some(
        (s) => s.action.type === 'listen' && s.action.by === spec.name,
      );
      this.endpoints.set(spec.name, { spec, host, sockets: [], ws: [], listensLate });
    }
    this.configureLinks();
    for (const fault of scenario.faults) this.addFault(fault);
  }

  /** Servers that do not wait for a `listen` step listen at time 0. */
  start(): void {
    for (const endpoint of this.endpoints.values()) {
      if (endpoint.spec.role === 'server' && !endpoint.listensLate) this.listen(endpoint);
    }
  }

  /** Carries out one action; returns why it could not, if it could not. */
  perform(action: Action): string | undefined {
    if (action.type === 'wait') return undefined;
    const endpoint = this.endpoints.get(action.by);
    if (endpoint === undefined) return `no endpoint ${action.by}`;
    switch (action.type) {
      case 'listen':
        this.listen(endpoint);
        return undefined;
      case 'connect':
      case 'open': {
        const target = this.endpoints.get(action.to);
        const port = action.port ?? target?.spec.port;
        if (target === undefined || port === undefined) return `${action.to} has no port to connect to`;
        const socket = endpoint.host.connect({
          address: target.spec.address,
          port,
          ...this.localPort(endpoint),
        });
        this.adopt(endpoint, socket, target.spec.name);
        if (action.type === 'open') {
          socket.on('connect', () => {
            this.attachWebSocket(endpoint, socket, 'client', {
              host: `${target.spec.address}:${port}`,
              path: action.path,
              protocols: action.protocols,
            });
          });
        }
        return undefined;
      }
      case 'send':
      case 'ping':
      case 'close': {
        const ws = endpoint.ws.at(-1);
        if (ws === undefined) return `${endpoint.spec.name} has no WebSocket connection to ${action.type} on`;
        if (ws.state !== 'OPEN' && action.type !== 'close')
          return `${endpoint.spec.name}'s WebSocket is ${ws.state}, not OPEN`;
        try {
          if (action.type === 'send') {
            ws.send(
              action.payload.kind === 'text' ? action.payload.text : action.payload.bytes,
              action.fragments,
            );
          } else if (action.type === 'ping') ws.ping(action.payload);
          else ws.close(action.code, action.reason);
        } catch (error) {
          return `${action.type} refused: ${(error as Error).message}`;
        }
        return undefined;
      }
      case 'frames': {
        const ws = endpoint.ws.at(-1);
        if (ws === undefined) return `${endpoint.spec.name} has no WebSocket connection to write frames on`;
        for (const frame of action.frames) {
          ws.sendRawFrame({
            opcode: frame.opcode,
            fin: frame.fin,
            rsv: (frame.rsv[0] ? 4 : 0) | (frame.rsv[1] ? 2 : 0) | (frame.rsv[2] ? 1 : 0),
            masked: frame.masked ?? endpoint.spec.role === 'client',
            payload: frame.payload,
          });
        }
        return undefined;
      }
      case 'raw': {
        const ws = endpoint.ws.at(-1);
        if (ws !== undefined) ws.writeRaw(action.bytes);
        else {
          const socket = endpoint.sockets.at(-1);
          if (socket === undefined) return `${endpoint.spec.name} has no connection to write to`;
          socket.write(action.bytes);
        }
        return undefined;
      }
      case 'shutdown':
      case 'abort':
      case 'pause-reading':
      case 'resume-reading': {
        const socket = endpoint.sockets.at(-1);
        if (socket === undefined) return `${endpoint.spec.name} has no connection to ${action.type}`;
        if (action.type === 'shutdown') socket.end();
        else if (action.type === 'abort') socket.destroy();
        else if (action.type === 'pause-reading') socket.pause();
        else socket.resume();
        return undefined;
      }
    }
  }

  intervene(intervention: Intervention): string | undefined {
    switch (intervention.kind) {
      case 'action':
        return this.perform(intervention.action);
      case 'drop-next':
      case 'corrupt-next': {
        const action = intervention.kind === 'drop-next' ? 'drop' : 'corrupt';
        const from = intervention.from;
        const to = from === undefined ? undefined : this.peerOf(from);
        this.sim.addFault({
          ...(from !== undefined && to !== undefined ? { direction: { from, to } } : {}),
          match: {},
          action,
          times: 1,
        });
        return undefined;
      }
      case 'loss':
        // Both directions of every pair, each keeping its own other settings.
        for (const [a, b] of this.pairs()) {
          this.sim.setLink(this.host(a), this.host(b), {
            forward: { ...this.linkFor(a, b), loss: intervention.probability },
            backward: { ...this.linkFor(b, a), loss: intervention.probability },
          });
        }
        return undefined;
    }
  }

  holds(condition: Condition): boolean {
    const endpoint = this.endpoints.get(condition.endpoint);
    if (endpoint === undefined) return false;
    if (condition.tcp !== undefined) {
      const socket = endpoint.sockets.at(-1);
      const state =
        socket?.state ??
        (endpoint.spec.role === 'server' && this.isListening(endpoint) ? 'LISTEN' : 'CLOSED');
      return state === condition.tcp;
    }
    return endpoint.ws.at(-1)?.state === condition.ws;
  }

  receivedMessages(): Map<string, (string | Uint8Array)[]> {
    const out = new Map<string, (string | Uint8Array)[]>();
    for (const [name, endpoint] of this.endpoints)
      out.set(
        name,
        endpoint.ws.flatMap((ws) => ws.received),
      );
    return out;
  }

  streams(): Map<string, { written: Uint8Array; delivered: Uint8Array }> {
    const out = new Map<string, { written: Uint8Array; delivered: Uint8Array }>();
    for (const [key, record] of this.recorded) {
      out.set(key, { written: concatBytes(record.written), delivered: concatBytes(record.delivered) });
    }
    return out;
  }

  private listening = new Set<string>();

  private isListening(endpoint: Endpoint): boolean {
    return this.listening.has(endpoint.spec.name);
  }

  private listen(endpoint: Endpoint): void {
    const { spec } = endpoint;
    if (spec.port === undefined) return;
    this.listening.add(spec.name);
    const listener = endpoint.host.listen(
      spec.port,
      spec.backlog === undefined ? {} : { backlog: spec.backlog },
    );
    // An application that never accepts leaves established connections queued: the backlog fills.
    if (spec.accepts === false) return;
    listener.on('connection', (socket: SimSocket) => {
      const peer = this.nameOf(socket.remoteAddress) ?? 'peer';
      this.adopt(endpoint, socket, peer);
      if (spec.paused) socket.pause();
      if (spec.app !== 'none') this.attachWebSocket(endpoint, socket, 'server', {});
    });
  }

  private adopt(endpoint: Endpoint, socket: SimSocket, peer: string): void {
    endpoint.sockets.push(socket);
    const key = `${endpoint.spec.name}>${peer}`;
    const back = `${peer}>${endpoint.spec.name}`;
    const out = this.record(key);
    const incoming = this.record(back);
    // Recorded before any other listener sees the chunk (the WebSocket layer unmasks in place).
    socket.on('data', (chunk: Uint8Array) => incoming.delivered.push(chunk.slice()));
    const write = socket.write.bind(socket);
    socket.write = (data: Uint8Array) => {
      out.written.push(data.slice());
      return write(data);
    };
  }

  private attachWebSocket(
    endpoint: Endpoint,
    socket: SimSocket,
    role: 'client' | 'server',
    request: { host?: string; path?: string; protocols?: readonly string[] },
  ): void {
    const n = this.connectionCount++;
    const ws = new WsConnection({
      endpoint: endpoint.spec.name,
      conn: socket.id,
      socket,
      role,
      random: this.random(`${endpoint.spec.name}/${n}`),
      emit: this.emit,
      ...request,
      ...(endpoint.spec.protocols === undefined ? {} : { acceptProtocols: endpoint.spec.protocols }),
      ...(endpoint.spec.maxMessageSize === undefined ? {} : { maxMessageSize: endpoint.spec.maxMessageSize }),
      ...(endpoint.spec.deflate === undefined ? {} : { deflate: endpoint.spec.deflate }),
    });
    endpoint.ws.push(ws);
    if (role === 'server') this.runApp(endpoint, ws, `${endpoint.spec.name}#${n}`);
  }

  private runApp(endpoint: Endpoint, ws: WsConnection, id: string): void {
    const app = endpoint.spec.app;
    if (app === 'echo') {
      ws.on({ onMessage: (data) => ws.protocol.state === 'OPEN' && ws.send(data) });
      return;
    }
    if (app !== 'chat') return;
    let room = this.rooms.get(endpoint.spec.name);
    if (room === undefined) {
      room = new ChatRoom();
      this.rooms.set(endpoint.spec.name, room);
    }
    const chat = room;
    const peer = { id, sendText: (text: string) => ws.state === 'OPEN' && ws.send(text) };
    ws.on({
      onOpen: () => chat.open(peer),
      onMessage: (data) => (typeof data === 'string' ? chat.text(peer, data) : chat.binary(peer)),
      onClosed: () => chat.close(peer),
    });
  }

  private record(key: string): StreamRecord {
    let record = this.recorded.get(key);
    if (record === undefined) {
      record = { written: [], delivered: [] };
      this.recorded.set(key, record);
    }
    return record;
  }

  private localPort(endpoint: Endpoint): { localPort?: number } {
    return endpoint.spec.role === 'client' && endpoint.spec.port !== undefined
      ? { localPort: endpoint.spec.port }
      : {};
  }

  /**
   * Each pair of hosts once, with each direction's own settings: tcp-sim's setLink given one config
   * sets both directions, so setting it per ordered pair would let the later direction overwrite the
   * earlier one (a `server>client` block would then apply both ways, a `client>server` one not at all).
   */
  private configureLinks(): void {
    for (const [a, b] of this.pairs()) {
      this.sim.setLink(this.host(a), this.host(b), {
        forward: this.linkFor(a, b),
        backward: this.linkFor(b, a),
      });
    }
  }

  private linkFor(from: string, to: string): LinkSpec {
    return { ...(this.scenario.link['*'] ?? {}), ...(this.scenario.link[`${from}>${to}`] ?? {}) };
  }

  /** Every unordered pair of endpoints, once. */
  private *pairs(): Generator<[string, string]> {
    const names = [...this.endpoints.keys()];
    for (let i = 0; i < names.length; i++)
      for (let j = i + 1; j < names.length; j++) yield [names[i]!, names[j]!];
  }

  private host(name: string): Host {
    return (this.endpoints.get(name) as Endpoint).host;
  }

  private nameOf(address: string): string | undefined {
    for (const endpoint of this.endpoints.values())
      if (endpoint.spec.address === address) return endpoint.spec.name;
    return undefined;
  }

  private peerOf(name: string): string | undefined {
    const socket = this.endpoints.get(name)?.sockets.at(-1);
    return socket === undefined ? undefined : this.nameOf(socket.remoteAddress);
  }

  private addFault(fault: FaultSpec): void {
    const { from, to, ...match } = fault.match;
    const direction =
      from !== undefined || to !== undefined
        ? { from: from ?? this.otherThan(to), to: to ?? this.otherThan(from) }
        : undefined;
    this.sim.addFault({
      ...(direction === undefined ? {} : { direction }),
      match,
      action: fault.action,
      times: fault.times,
    });
  }

  private otherThan(name: string | undefined): string {
    return [...this.endpoints.keys()].find((n) => n !== name) ?? '';
  }
}
