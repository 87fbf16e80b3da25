/**
 * Folds a trace prefix into a `View`.
 *
 * Theory of operation: one pass over the events, each updating a little mutable state per endpoint and
 * per segment copy; `snapshot()` freezes it into plain values. The TCB numbers are read off the wire
 * (the segments each side sent and received), relative to each side's ISN, as a capture tool shows them:
 * SND.NXT is the highest sequence sent, SND.UNA the highest acknowledgment received, RCV.NXT the
 * acknowledgment last sent, the windows the last ones advertised. RTO shows as the running timer.
 */
import type { EndpointSpec, TcpStateName, WsStateName } from '../language/types.js';
import type { SynackEvent, TcpTraceEvent, WsTraceEvent } from '../trace/events.js';
import type {
  ArrowView,
  EndpointView,
  Narration,
  SegmentFate,
  TimerView,
  TransitionView,
  View,
} from './model.js';

type Sent = Extract<TcpTraceEvent, { type: 'segment.sent' }>;
type WsPositioned = Extract<WsTraceEvent, { type: 'ws.frame' | 'ws.handshake' }>;

interface MutableArrow {
  sent: Sent;
  copy: number;
  fate: SegmentFate;
  endAt: number | undefined;
  corrupted: boolean;
  dropReason: string | undefined;
  /** The frozen view of this arrow, dropped whenever the arrow changes (snapshots reuse it). */
  view?: ArrowView | undefined;
}

interface EndpointState {
  readonly spec: EndpointSpec;
  mainConn: string | undefined;
  listening: boolean;
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
  /** Frames and handshakes this endpoint sent, by connection, in stream order. */
  readonly sentUnits: Map<string, WsPositioned[]>;
}

const MOD = 2 ** 32;

/**
 * Where a drop happened decides how it is drawn: the link lost it (half-way), the receiver's checksum
 * check discarded it (corrupted), or it reached the host, which had no use for it (refused: no
 * listener, a full backlog, an unacceptable segment).
 */
function fateOfDrop(reason: string): SegmentFate {
  if (reason === 'checksum') return 'corrupted';
  if (reason === 'no-listener' || reason === 'backlog' || reason === 'unacceptable') return 'refused';
  return 'dropped';
}
const rel = (value: number, base: number | undefined) =>
  base === undefined ? value : (value - base + MOD) % MOD;

export class ViewBuilder {
  private readonly endpoints: EndpointState[];
  private readonly byName = new Map<string, EndpointState>();
  private readonly arrows: MutableArrow[] = [];
  private readonly arrowIndex = new Map<string, MutableArrow>();
  private time = 0;
  private cursor = -1;
  private narration: Narration | undefined;

  /**
   * `arrivals` (from the whole run, keyed `segmentId/copy`) lets a segment still in flight at the
   * cursor show when it will arrive; without it `endAt` stays undefined until it does.
   */
  constructor(
    specs: readonly EndpointSpec[],
    private readonly total: number,
    private readonly arrivals?: ReadonlyMap<string, number>,
  ) {
    this.endpoints = specs.map((spec) => ({
      spec,
      mainConn: undefined,
      listening: false,
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
      sentUnits: new Map(),
    }));
    for (const e of this.endpoints) this.byName.set(e.spec.name, e);
  }

  apply(event: SynackEvent): void {
    this.time = event.time;
    this.cursor = event.seq;
    this.narration = undefined;
    switch (event.type) {
      case 'tcp.state':
        this.onState(event);
        return;
      case 'segment.sent':
        this.onSent(event);
        return;
      case 'segment.delivered':
        this.onArrival(event.segmentId, event.copy, 'delivered');
        return;
      case 'segment.dropped':
        this.onArrival(event.segmentId, event.copy, fateOfDrop(event.reason), event.reason);
        return;
      case 'segment.corrupted': {
        const arrow = this.arrowIndex.get(`${event.segmentId}/${event.copy}`);
        if (arrow) {
          arrow.corrupted = true;
          arrow.view = undefined;
        }
        return;
      }
      case 'segment.duplicated':
        this.onDuplicated(event.segmentId, event.copy);
        return;
      case 'timer.set':
      case 'timer.fired':
      case 'timer.cancelled':
        this.onTimer(event);
        return;
      case 'app.call': {
        const endpoint = this.byName.get(event.host);
        if (endpoint && event.call === 'listen') endpoint.listening = true;
        if (endpoint) this.narration = { key: 'app-call', endpoint: event.host, call: event.call };
        return;
      }
      case 'error':
        this.narration = { key: 'error', endpoint: event.host, code: event.code, message: event.message };
        return;
      case 'ws.frame':
      case 'ws.handshake':
        this.onWsUnit(event);
        return;
      case 'ws.message':
        this.narration = {
          key: 'ws-message',
          endpoint: event.endpoint,
          text: event.preview,
          length: event.length,
        };
        return;
      case 'ws.state': {
        const endpoint = this.byName.get(event.endpoint);
        if (endpoint && this.isMain(endpoint, event.conn)) endpoint.ws = event.to;
        this.narration = { key: 'ws-state', endpoint: event.endpoint, from: event.from, to: event.to };
        return;
      }
      case 'ws.close':
        this.narration = {
          key: 'ws-close',
          endpoint: event.endpoint,
          code: event.code,
          reason: event.reason,
        };
        return;
      default:
        return;
    }
  }

  /** An independent copy, so a viewer can keep checkpoints and step back without replaying from 0. */
  clone(): ViewBuilder {
    const copy = new ViewBuilder(
      this.endpoints.map((e) => e.spec),
      this.total,
      this.arrivals,
    );
    copy.endpoints.forEach((target, i) => {
      const source = this.endpoints[i] as EndpointState;
      Object.assign(target, {
        ...source,
        timers: new Map(source.timers),
        sentUnits: new Map([...source.sentUnits].map(([conn, units]) => [conn, [...units]])),
      });
    });
    for (const arrow of this.arrows) {
      const twin = { ...arrow };
      copy.arrows.push(twin);
      copy.arrowIndex.set(`${arrow.sent.segmentId}/${arrow.copy}`, twin);
    }
    copy.time = this.time;
    copy.cursor = this.cursor;
    copy.narration = this.narration;
    return copy;
  }

  snapshot(): View {
    return {
      time: this.time,
      cursor: this.cursor,
      total: this.total,
      endpoints: this.endpoints.map((e) => this.endpointView(e)),
      arrows: this.arrows.map((a) => {
        a.view ??= this.arrowView(a);
        return a.view;
      }),
      narration: this.narration,
    };
  }

  /** The first connection an endpoint takes part in is the one its panes show. */
  private isMain(endpoint: EndpointState, conn: string): boolean {
    if (endpoint.mainConn === undefined) endpoint.mainConn = conn;
    return endpoint.mainConn === conn;
  }

  private onState(event: Extract<TcpTraceEvent, { type: 'tcp.state' }>): void {
    const endpoint = this.byName.get(event.host);
    if (endpoint === undefined) return;
    const transition = { from: event.from, to: event.to, time: event.time, cause: event.cause };
    this.narration = { key: 'state-change', endpoint: event.host, transition };
    // A listening socket is not a connection: show LISTEN until the first real connection appears.
    if (
      event.to === 'LISTEN' ||
      (event.from === 'LISTEN' && event.to === 'CLOSED' && endpoint.mainConn === undefined)
    ) {
      endpoint.listening = event.to === 'LISTEN';
      if (endpoint.mainConn === undefined) {
        endpoint.tcp = event.to;
        endpoint.lastTransition = transition;
      }
      return;
    }
    if (!this.isMain(endpoint, event.conn)) return;
    endpoint.tcp = event.to;
    endpoint.lastTransition = transition;
  }

  private onSent(event: Sent): void {
    const arrow: MutableArrow = {
      sent: event,
      copy: 0,
      fate: 'in-flight',
      endAt: undefined,
      corrupted: false,
      dropReason: undefined,
    };
    this.arrows.push(arrow);
    this.arrowIndex.set(`${event.segmentId}/0`, arrow);
    const sender = this.byName.get(event.from);
    const flags = event.seg.flags;
    if (sender && this.isMain(sender, event.conn)) {
      if (flags.includes('SYN')) sender.iss = event.seg.seq;
      const end =
        event.seg.seq + event.seg.len + (flags.includes('SYN') ? 1 : 0) + (flags.includes('FIN') ? 1 : 0);
      const relEnd = rel(end, sender.iss);
      if (relEnd > sender.sndNxt || sender.sndNxt === 0) sender.sndNxt = relEnd;
      if (flags.includes('ACK')) sender.rcvNxt = rel(event.seg.ack, sender.irs);
      sender.rcvWnd = event.seg.window;
    }
    const firstHandshake = flags.includes('SYN')
      ? flags.includes('ACK')
        ? 2
        : 1
      : this.isThirdHandshake(event);
    this.narration = { key: 'segment-sent', arrow: this.arrowView(arrow), firstHandshake };
  }

  private isThirdHandshake(event: Sent): 3 | undefined {
    const flags = event.seg.flags;
    if (flags.length !== 1 || flags[0] !== 'ACK' || event.seg.len !== 0) return undefined;
    const sender = this.byName.get(event.from);
    const earlierAcks = this.arrows.filter(
      (a) => a.sent.conn === event.conn && a.sent.from === event.from && a.sent !== event,
    );
    return sender?.spec.role === 'client' && earlierAcks.every((a) => a.sent.seg.flags.includes('SYN'))
      ? 3
      : undefined;
  }

  private onArrival(segmentId: number, copy: number, fate: SegmentFate, reason?: string): void {
    const arrow = this.arrowIndex.get(`${segmentId}/${copy}`);
    if (arrow === undefined) return;
    arrow.view = undefined;
    arrow.fate = arrow.corrupted && fate === 'dropped' ? 'corrupted' : fate;
    arrow.dropReason = reason;
    arrow.endAt = this.time;
    if (fate !== 'delivered') {
      this.narration = { key: 'segment-lost', arrow: this.arrowView(arrow), reason: reason ?? fate };
      return;
    }
    const receiver = this.byName.get(arrow.sent.to);
    const seg = arrow.sent.seg;
    if (receiver && this.isMain(receiver, arrow.sent.conn)) {
      if (seg.flags.includes('SYN')) receiver.irs = seg.seq;
      if (seg.flags.includes('ACK')) {
        const acked = rel(seg.ack, receiver.iss);
        if (acked > receiver.sndUna) receiver.sndUna = acked;
      }
      receiver.sndWnd = seg.window;
    }
    this.narration = { key: 'segment-delivered', arrow: this.arrowView(arrow) };
  }

  private onDuplicated(segmentId: number, copy: number): void {
    const original = this.arrowIndex.get(`${segmentId}/0`);
    if (original === undefined) return;
    const arrow: MutableArrow = {
      sent: original.sent,
      copy,
      fate: 'duplicate',
      endAt: undefined,
      corrupted: false,
      dropReason: undefined,
    };
    this.arrows.push(arrow);
    this.arrowIndex.set(`${segmentId}/${copy}`, arrow);
  }

  private onTimer(
    event: Extract<TcpTraceEvent, { type: 'timer.set' | 'timer.fired' | 'timer.cancelled' }>,
  ): void {
    const endpoint = this.byName.get(event.host);
    if (endpoint === undefined) return;
    const timer: TimerView = { kind: event.timer, setAt: event.time, deadline: event.deadline };
    if (event.type === 'timer.set') {
      endpoint.timers.set(event.timerId, timer);
      if (event.timer === 'RTO') endpoint.rto = event.deadline - event.time;
      this.narration = { key: 'timer-set', endpoint: event.host, timer };
    } else {
      const running = endpoint.timers.get(event.timerId);
      endpoint.timers.delete(event.timerId);
      if (event.type === 'timer.fired') {
        this.narration = { key: 'timer-fired', endpoint: event.host, timer: running ?? timer };
      }
    }
  }

  private onWsUnit(event: WsPositioned): void {
    if (event.direction === 'sent') {
      const endpoint = this.byName.get(event.endpoint);
      const units = endpoint?.sentUnits.get(event.conn) ?? [];
      units.push(event);
      endpoint?.sentUnits.set(event.conn, units);
    }
    if (event.type === 'ws.frame') {
      this.narration = {
        key: 'ws-frame',
        endpoint: event.endpoint,
        direction: event.direction,
        opcode: event.opcodeName,
        length: event.payloadLength,
        masked: event.masked,
      };
    }
  }

  private endpointView(e: EndpointState): EndpointView {
    const hasTcb = e.iss !== undefined;
    return {
      name: e.spec.name,
      role: e.spec.role,
      address: e.spec.address,
      port: e.spec.port,
      tcp: e.tcp,
      lastTransition: e.lastTransition,
      tcb: hasTcb
        ? {
            iss: e.iss ?? 0,
            irs: e.irs ?? 0,
            sndUna: e.sndUna,
            sndNxt: e.sndNxt,
            sndWnd: e.sndWnd,
            rcvNxt: e.rcvNxt,
            rcvWnd: e.rcvWnd,
            ...(e.rto === undefined ? {} : { rto: e.rto }),
          }
        : undefined,
      timers: [...e.timers.values()],
      ws: e.ws,
    };
  }

  private arrowView(a: MutableArrow): ArrowView {
    const { sent } = a;
    const sender = this.byName.get(sent.from);
    const seg = sent.seg;
    const relSeq = seg.relSeq ?? rel(seg.seq, sender?.iss);
    // A segment sent without a TCB (a RST to a closed port) acknowledges the receiver's sequence space.
    const irs = sender?.irs ?? this.byName.get(sent.to)?.iss;
    const relAck = seg.relAck ?? (seg.flags.includes('ACK') ? rel(seg.ack, irs) : 0);
    return {
      segmentId: sent.segmentId,
      copy: a.copy,
      from: sent.from,
      to: sent.to,
      sentAt: sent.time,
      endAt: a.endAt ?? this.arrivals?.get(`${sent.segmentId}/${a.copy}`),
      fate: a.fate,
      dropReason: a.dropReason,
      flags: seg.flags,
      seq: relSeq,
      ack: relAck,
      len: seg.len,
      window: seg.window,
      retransmission: sent.retransmission,
      carries: seg.len > 0 ? carriedBy(sender?.sentUnits.get(sent.conn), relSeq - 1, seg.len) : undefined,
      hex: sent.bytes,
    };
  }
}

/** A label for what a segment's payload [start, start+len) of the stream carries. */
export function carriedBy(
  units: readonly WsPositioned[] | undefined,
  start: number,
  len: number,
): string | undefined {
  if (units === undefined) return undefined;
  const inside = units.filter((u) => u.offset >= start && u.offset < start + len);
  if (inside.length === 0) {
    const spanning = units.findLast((u) => u.offset < start);
    return spanning ? `${unitLabel(spanning)} (cont.)` : undefined;
  }
  const first = unitLabel(inside[0] as WsPositioned);
  return inside.length === 1 ? first : `${first} +${inside.length - 1}`;
}

function unitLabel(unit: WsPositioned): string {
  if (unit.type === 'ws.handshake')
    return unit.line.startsWith('GET')
      ? `HTTP ${unit.line.split(' ').slice(0, 2).join(' ')}`
      : unit.line.split(' ').slice(0, 2).join(' ');
  const fin = unit.fin ? '' : ' FIN=0';
  const mask = unit.masked ? ' masked' : '';
  return `WS ${unit.opcodeName} ${unit.payloadLength}B${fin}${mask}`;
}

/** The view after the first `cursor + 1` events. */
export function foldTrace(
  trace: readonly SynackEvent[],
  endpoints: readonly EndpointSpec[],
  cursor: number,
): View {
  const builder = new ViewBuilder(endpoints, trace.length);
  const last = Math.min(cursor, trace.length - 1);
  for (let i = 0; i <= last; i++) builder.apply(trace[i] as SynackEvent);
  return builder.snapshot();
}
