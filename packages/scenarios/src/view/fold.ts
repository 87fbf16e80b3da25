/**
 * Folds a trace prefix into a `View`.
 *
 * Theory of operation: one pass over the events, each updating the state of an endpoint's connection
 * (`connection-state.ts`) or of a segment copy on the link (an arrow); `snapshot()` freezes it into
 * plain values, reusing the frozen arrow of every segment that has not changed since the last snapshot,
 * so stepping through a long run costs little per frame. `clone()` lets a viewer keep checkpoints.
 */
import type { EndpointSpec } from '../language/types.js';
import type { SynackEvent, TcpTraceEvent } from '../trace/events.js';
import { type ConnectionState, EndpointState, relative, type WsPositioned } from './connection-state.js';
import type { ArrowView, Narration, SegmentFate, TimerView, View } from './model.js';

type Sent = Extract<TcpTraceEvent, { type: 'segment.sent' }>;
type TimerEvent = Extract<TcpTraceEvent, { type: 'timer.set' | 'timer.fired' | 'timer.cancelled' }>;

interface MutableArrow {
  sent: Sent;
  copy: number;
  fate: SegmentFate;
  endAt: number | undefined;
  corrupted: boolean;
  dropReason: string | undefined;
  /** The frozen view of this arrow, dropped whenever the arrow changes (snapshots reuse it). */
  view: ArrowView | undefined;
}

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

const seqSpace = (flags: readonly string[]) =>
  (flags.includes('SYN') ? 1 : 0) + (flags.includes('FIN') ? 1 : 0);

export class ViewBuilder {
  private endpoints: EndpointState[];
  private byName = new Map<string, EndpointState>();
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
    this.endpoints = specs.map((spec) => new EndpointState(spec));
    for (const e of this.endpoints) this.byName.set(e.spec.name, e);
  }

  apply(event: SynackEvent): void {
    this.time = event.time;
    this.cursor = event.seq;
    this.narration = undefined;
    switch (event.type) {
      case 'tcp.state':
        this.onState(event);
        break;
      case 'segment.sent':
        this.onSent(event);
        break;
      case 'segment.delivered':
        this.onArrival(event.segmentId, event.copy, 'delivered');
        break;
      case 'segment.dropped':
        this.onArrival(event.segmentId, event.copy, fateOfDrop(event.reason), event.reason);
        break;
      case 'segment.corrupted': {
        const arrow = this.change(`${event.segmentId}/${event.copy}`, (a) => {
          a.corrupted = true;
        });
        this.narrateFault(arrow, 'corrupted', 0);
        break;
      }
      case 'segment.duplicated':
        this.narrateFault(this.onDuplicated(event.segmentId, event.copy), 'duplicated', 0);
        break;
      case 'segment.reordered':
        this.narrateFault(
          this.arrowIndex.get(`${event.segmentId}/${event.copy}`),
          'reordered',
          event.extraDelay,
        );
        break;
      case 'segment.delayed':
        this.narrateFault(this.arrowIndex.get(`${event.segmentId}/${event.copy}`), 'delayed', event.delay);
        break;
      case 'timer.set':
      case 'timer.fired':
      case 'timer.cancelled':
        this.onTimer(event);
        break;
      case 'tcp.cwnd': {
        const connection = this.byName.get(event.host)?.known(event.conn);
        if (connection) {
          connection.cwnd = event.cwnd;
          connection.ssthresh = event.ssthresh;
        }
        this.narration = {
          key: 'cwnd',
          endpoint: event.host,
          cwnd: event.cwnd,
          ssthresh: event.ssthresh,
          flight: event.flight,
          phase: event.phase,
        };
        break;
      }
      case 'app.data':
        this.narration = {
          key: 'app-data',
          endpoint: event.host,
          length: event.length,
          offset: event.offset,
        };
        break;
      case 'app.event':
        this.narration = { key: 'app-event', endpoint: event.host, event: event.event };
        break;
      case 'app.call':
        if (event.call === 'listen') this.byName.get(event.host)?.listen(undefined);
        this.narration = { key: 'app-call', endpoint: event.host, call: event.call };
        break;
      case 'error':
        this.narration = { key: 'error', endpoint: event.host, code: event.code, message: event.message };
        break;
      case 'ws.frame':
      case 'ws.handshake':
        this.onWsUnit(event);
        break;
      case 'ws.message':
        this.narration = {
          key: 'ws-message',
          endpoint: event.endpoint,
          text: event.preview,
          length: event.length,
        };
        break;
      case 'ws.state': {
        const connection = this.byName.get(event.endpoint)?.known(event.conn);
        if (connection) connection.ws = event.to;
        this.narration = { key: 'ws-state', endpoint: event.endpoint, from: event.from, to: event.to };
        break;
      }
      case 'ws.close':
        this.narration = {
          key: 'ws-close',
          endpoint: event.endpoint,
          code: event.code,
          reason: event.reason,
        };
        break;
      case 'ws.error':
        this.narration = {
          key: 'ws-error',
          endpoint: event.endpoint,
          code: event.code,
          closeCode: event.closeCode,
          message: event.message,
        };
        break;
      case 'scenario.step':
        this.narration = {
          key: 'scenario-step',
          step: event.index + 1,
          line: event.line,
          action: event.action,
          by: event.by,
        };
        break;
      case 'scenario.failure':
        this.narration = {
          key: 'scenario-failure',
          step: event.index < 0 ? undefined : event.index + 1,
          message: event.message,
        };
        break;
      default:
        break;
    }
  }

  /** An independent copy, so a viewer can keep checkpoints and step back without replaying from 0. */
  clone(): ViewBuilder {
    const copy = new ViewBuilder([], this.total, this.arrivals);
    copy.endpoints = this.endpoints.map((e) => e.clone());
    copy.byName = new Map(copy.endpoints.map((e) => [e.spec.name, e]));
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
      endpoints: this.endpoints.map((e) => e.view()),
      arrows: this.arrows.map((a) => {
        a.view ??= this.arrowView(a);
        return a.view;
      }),
      narration: this.narration,
    };
  }

  private onState(event: Extract<TcpTraceEvent, { type: 'tcp.state' }>): void {
    const endpoint = this.byName.get(event.host);
    if (endpoint === undefined) return;
    const transition = { from: event.from, to: event.to, time: event.time, cause: event.cause };
    this.narration = { key: 'state-change', endpoint: event.host, transition };
    const connection = endpoint.connection(event.conn);
    connection.tcp = event.to;
    connection.lastTransition = transition;
  }

  private onSent(event: Sent): void {
    const arrow = this.addArrow(event, 0, 'in-flight');
    const { seg } = event;
    const sender = this.byName.get(event.from)?.known(event.conn);
    if (sender) {
      if (seg.flags.includes('SYN')) sender.iss = seg.seq;
      // A SYN,ACK acknowledges IRS + 1: the passive side learns IRS with the SYN that created its
      // connection, which the trace shows arriving before the connection existed.
      if (seg.flags.includes('SYN') && seg.flags.includes('ACK') && sender.irs === undefined) {
        sender.irs = relative(seg.ack, 1);
      }
      const end = relative(seg.seq + seg.len + seqSpace(seg.flags), sender.iss);
      if (end > sender.sndNxt || sender.sndNxt === 0) sender.sndNxt = end;
      if (seg.flags.includes('ACK')) sender.rcvNxt = Math.max(sender.rcvNxt, relative(seg.ack, sender.irs));
      sender.rcvWnd = seg.window;
    }
    const handshake = seg.flags.includes('SYN')
      ? seg.flags.includes('ACK')
        ? 2
        : 1
      : this.thirdHandshake(event);
    this.narration = { key: 'segment-sent', arrow: this.arrowView(arrow), firstHandshake: handshake };
  }

  /** The first pure ACK a client sends on a connection, after only its SYN: the handshake's third. */
  private thirdHandshake(event: Sent): 3 | undefined {
    const { flags, len } = event.seg;
    if (flags.length !== 1 || flags[0] !== 'ACK' || len !== 0) return undefined;
    if (this.byName.get(event.from)?.spec.role !== 'client') return undefined;
    const earlier = this.arrows.filter(
      (a) => a.sent.conn === event.conn && a.sent.from === event.from && a.sent !== event,
    );
    return earlier.every((a) => a.sent.seg.flags.includes('SYN')) ? 3 : undefined;
  }

  private onArrival(segmentId: number, copy: number, fate: SegmentFate, reason?: string): void {
    const arrow = this.change(`${segmentId}/${copy}`, (a) => {
      a.fate = a.corrupted && fate === 'dropped' ? 'corrupted' : fate;
      a.dropReason = reason;
      a.endAt = this.time;
    });
    if (arrow === undefined) return;
    if (fate !== 'delivered') {
      this.narration = { key: 'segment-lost', arrow: this.arrowView(arrow), reason: reason ?? fate };
      return;
    }
    const { seg } = arrow.sent;
    const receiver = this.byName.get(arrow.sent.to)?.known(arrow.sent.conn);
    if (receiver) {
      if (seg.flags.includes('SYN')) receiver.irs = seg.seq;
      // RCV.NXT moves as in-order data arrives, before any ACK (delayed or not) says so.
      const start = relative(seg.seq, receiver.irs);
      const end = start + seg.len + seqSpace(seg.flags);
      if (start <= receiver.rcvNxt && end > receiver.rcvNxt) receiver.rcvNxt = end;
      if (seg.flags.includes('ACK')) {
        const acked = relative(seg.ack, receiver.iss);
        if (acked > receiver.sndUna) receiver.sndUna = acked;
      }
      receiver.sndWnd = seg.window;
    }
    this.narration = { key: 'segment-delivered', arrow: this.arrowView(arrow) };
  }

  private onDuplicated(segmentId: number, copy: number): MutableArrow | undefined {
    const original = this.arrowIndex.get(`${segmentId}/0`);
    return original === undefined ? undefined : this.addArrow(original.sent, copy, 'duplicate');
  }

  private narrateFault(
    arrow: MutableArrow | undefined,
    fault: 'duplicated' | 'corrupted' | 'reordered' | 'delayed',
    delay: number,
  ): void {
    if (arrow !== undefined)
      this.narration = { key: 'segment-fault', arrow: this.arrowView(arrow), fault, delay };
  }

  private onTimer(event: TimerEvent): void {
    const connection = this.byName.get(event.host)?.known(event.conn);
    if (connection === undefined) return;
    const timer: TimerView = { kind: event.timer, setAt: event.time, deadline: event.deadline };
    if (event.type === 'timer.set') {
      connection.timers.set(event.timerId, timer);
      if (event.timer === 'RTO') connection.rto = event.deadline - event.time;
      this.narration = { key: 'timer-set', endpoint: event.host, timer };
      return;
    }
    const running = connection.timers.get(event.timerId);
    connection.timers.delete(event.timerId);
    this.narration =
      event.type === 'timer.fired'
        ? { key: 'timer-fired', endpoint: event.host, timer: running ?? timer }
        : {
            key: 'timer-cancelled',
            endpoint: event.host,
            timer: running ?? timer,
            cause: event.type === 'timer.cancelled' ? event.stopCause : undefined,
          };
  }

  private onWsUnit(event: WsPositioned): void {
    if (event.direction === 'sent') this.byName.get(event.endpoint)?.known(event.conn)?.sentUnits.push(event);
    if (event.type === 'ws.handshake') {
      const status = /^HTTP\/\d\.\d (\d{3})/.exec(event.line)?.[1];
      this.narration = {
        key: 'ws-handshake',
        endpoint: event.endpoint,
        direction: event.direction,
        kind: event.kind,
        line: event.line,
        status: status === undefined ? undefined : Number(status),
        length: event.length,
      };
      return;
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

  private addArrow(sent: Sent, copy: number, fate: SegmentFate): MutableArrow {
    const arrow: MutableArrow = {
      sent,
      copy,
      fate,
      endAt: undefined,
      corrupted: false,
      dropReason: undefined,
      view: undefined,
    };
    this.arrows.push(arrow);
    this.arrowIndex.set(`${sent.segmentId}/${copy}`, arrow);
    return arrow;
  }

  /** Applies a change to an arrow and forgets its frozen view. */
  private change(key: string, update: (arrow: MutableArrow) => void): MutableArrow | undefined {
    const arrow = this.arrowIndex.get(key);
    if (arrow === undefined) return undefined;
    update(arrow);
    arrow.view = undefined;
    return arrow;
  }

  private arrowView(a: MutableArrow): ArrowView {
    const { sent } = a;
    const { seg } = sent;
    const sender = this.byName.get(sent.from)?.known(sent.conn);
    // A segment sent without a TCB (a RST from a host with no connection) takes its sequence number
    // from the ACK field of the segment it answers (RFC 9293 3.10.7.1): that is the receiver's view of
    // the sender's space, its IRS. Its ACK field acknowledges the receiver's own space, from its ISS.
    // So every seq and ack in one column is relative, as a capture tool shows them.
    const receiver = sender === undefined ? this.peerConnection(sent) : undefined;
    const relSeq = seg.relSeq ?? relative(seg.seq, sender?.iss ?? receiver?.irs);
    const irs = sender?.irs ?? receiver?.iss;
    const relAck = seg.relAck ?? (seg.flags.includes('ACK') ? relative(seg.ack, irs) : 0);
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
      carries: seg.len > 0 ? carriedBy(sender?.sentUnits, relSeq - 1, seg.len) : undefined,
      hex: sent.bytes,
    };
  }

  private peerConnection(sent: Sent): ConnectionState | undefined {
    const receiver = this.byName.get(sent.to);
    return receiver?.known(sent.conn) ?? receiver?.currentConnection();
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
  if (unit.type === 'ws.handshake') {
    const words = unit.line.split(' ');
    return unit.line.startsWith('GET') ? `HTTP ${words.slice(0, 2).join(' ')}` : words.slice(0, 2).join(' ');
  }
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

export type { ConnectionState };
