/**
 * What a view knows about each endpoint, read off the trace: its connections (by id), each with its
 * TCP state, WebSocket readyState, running timers and TCB numbers as seen on the wire.
 *
 * An endpoint's *current* connection is the latest one it took part in; panes, `when:` conditions,
 * actions and state expectations all refer to it, so a client that reconnects is followed to its new
 * connection. The TCB numbers are relative to each side's ISN, as a capture tool shows them: SND.NXT is
 * the highest sequence sent, SND.UNA the highest acknowledgment received, RCV.NXT the end of the in-order
 * data received (or the highest acknowledgment sent, when a filled hole moved it further), the windows
 * the last ones advertised; the RTO is that of the last retransmission timer armed.
 */
import type { EndpointSpec, TcpStateName, WsStateName } from '../language/types.js';
import type { WsTraceEvent } from '../trace/events.js';
import type { EndpointView, TimerView, TransitionView } from './model.js';

export type WsPositioned = Extract<WsTraceEvent, { type: 'ws.frame' | 'ws.handshake' }>;

export interface ConnectionState {
  tcp: TcpStateName;
  lastTransition: TransitionView | undefined;
  ws: WsStateName | undefined;
  timers: Map<number, TimerView>;
  iss: number | undefined;
  irs: number | undefined;
  sndNxt: number;
  sndUna: number;
  sndWnd: number;
  rcvNxt: number;
  rcvWnd: number;
  rto: number | undefined;
  /** RFC 5681 congestion window and slow-start threshold, from the last `tcp.cwnd` event. */
  cwnd: number | undefined;
  ssthresh: number | undefined;
  /** Handshakes and frames this endpoint sent on the connection, in stream order. */
  sentUnits: WsPositioned[];
}

const MOD = 2 ** 32;

/** `value` relative to `base` modulo 2^32 (the absolute value when the base is not known yet). */
export const relative = (value: number, base: number | undefined) =>
  base === undefined ? value : (value - base + MOD) % MOD;

export class EndpointState {
  readonly connections = new Map<string, ConnectionState>();
  current: string | undefined;
  listening = false;
  /** A listening endpoint's last transition before it has any connection. */
  private listenTransition: TransitionView | undefined;

  constructor(readonly spec: EndpointSpec) {}

  /** The connection's state, created when the endpoint first appears on it (it becomes current). */
  connection(conn: string): ConnectionState {
    let state = this.connections.get(conn);
    if (state === undefined) {
      state = {
        tcp: 'CLOSED',
        lastTransition: undefined,
        ws: undefined,
        timers: new Map(),
        iss: undefined,
        irs: undefined,
        sndNxt: 0,
        sndUna: 0,
        sndWnd: 0,
        rcvNxt: 0,
        rcvWnd: 0,
        rto: undefined,
        cwnd: undefined,
        ssthresh: undefined,
        sentUnits: [],
      };
      this.connections.set(conn, state);
      this.current = conn;
    }
    return state;
  }

  /** The connection if the endpoint already has it; segments of unknown connections change nothing. */
  known(conn: string): ConnectionState | undefined {
    return this.connections.get(conn);
  }

  currentConnection(): ConnectionState | undefined {
    return this.current === undefined ? undefined : this.connections.get(this.current);
  }

  listen(transition: TransitionView | undefined): void {
    this.listening = true;
    this.listenTransition = transition ?? this.listenTransition;
  }

  clone(): EndpointState {
    const copy = new EndpointState(this.spec);
    copy.current = this.current;
    copy.listening = this.listening;
    copy.listenTransition = this.listenTransition;
    for (const [conn, state] of this.connections) {
      copy.connections.set(conn, {
        ...state,
        timers: new Map(state.timers),
        sentUnits: [...state.sentUnits],
      });
    }
    return copy;
  }

  view(): EndpointView {
    const c = this.currentConnection();
    const idle: TcpStateName = this.listening ? 'LISTEN' : 'CLOSED';
    return {
      name: this.spec.name,
      role: this.spec.role,
      address: this.spec.address,
      port: this.spec.port,
      tcp: c?.tcp ?? idle,
      lastTransition: c?.lastTransition ?? this.listenTransition,
      tcb:
        c?.iss === undefined
          ? undefined
          : {
              iss: c.iss,
              irs: c.irs,
              sndUna: c.sndUna,
              sndNxt: c.sndNxt,
              sndWnd: c.sndWnd,
              rcvNxt: c.rcvNxt,
              rcvWnd: c.rcvWnd,
              ...(c.rto === undefined ? {} : { rto: c.rto }),
              ...(c.cwnd === undefined ? {} : { cwnd: c.cwnd }),
              ...(c.ssthresh === undefined ? {} : { ssthresh: c.ssthresh }),
            },
      timers: c === undefined ? [] : [...c.timers.values()],
      ws: c?.ws,
    };
  }
}
