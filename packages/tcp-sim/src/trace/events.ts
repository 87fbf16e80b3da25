/**
 * The trace event schema: a public, stable, JSON-serialisable format (documented in README.md).
 * Every event has `type` (the discriminant), `seq` (its index in the trace) and `time` (virtual ms).
 * Hosts are named by their `name`; connections by their id, e.g. 'client:49152>server:80' (the
 * active opener first, so both ends of one connection share the id).
 */
import type { TcpState } from '../endpoint/states.js';
import type { TimerName } from '../endpoint/timers.js';
import type { TcpFlag } from '../wire/tcp-segment.js';

export interface SegmentView {
  readonly srcPort: number;
  readonly dstPort: number;
  /** Absolute SEG.SEQ. */
  readonly seq: number;
  /** Absolute SEG.ACK (0 without the ACK flag). */
  readonly ack: number;
  readonly flags: TcpFlag[];
  readonly window: number;
  /** Payload length in octets (SYN and FIN not counted). */
  readonly len: number;
  /** Options present on the segment (RFC 9293 3.2 MSS; RFC 7323 window scale, timestamps; RFC 2018 SACK). */
  readonly options: {
    readonly mss?: number;
    readonly windowScale?: number;
    readonly sackPermitted?: boolean;
    readonly timestamp?: { readonly value: number; readonly echo: number };
    readonly sack?: ReadonlyArray<{ readonly left: number; readonly right: number }>;
  };
  /** SEG.SEQ - ISS of the sender, when the sender has a TCB. */
  readonly relSeq?: number;
  /** SEG.ACK - IRS of the sender (i.e. relative to the receiver's ISS), when known. */
  readonly relAck?: number;
}

export type DropReason =
  | 'loss'
  | 'fault'
  | 'partition'
  | 'checksum'
  | 'malformed'
  | 'mtu'
  | 'no-route'
  | 'no-listener'
  | 'backlog'
  | 'unacceptable';

export type AppCall =
  | 'listen'
  | 'connect'
  | 'write'
  | 'end'
  | 'destroy'
  | 'read'
  | 'pause'
  | 'resume'
  | 'close';

export type ErrorCode =
  | 'ECONNREFUSED'
  | 'ECONNRESET'
  | 'EPIPE'
  | 'ETIMEDOUT'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL';

interface At {
  readonly seq: number;
  readonly time: number;
}

export type TraceEvent = At &
  (
    | {
        readonly type: 'tcp.state';
        readonly host: string;
        readonly conn: string;
        readonly from: TcpState;
        readonly to: TcpState;
        /** The RFC rule, e.g. '3.10.7.4 step 2: RST with SEG.SEQ = RCV.NXT'. */
        readonly cause: string;
      }
    | {
        /**
         * Congestion state changed (RFC 5681 / RFC 6582): emitted when cwnd or ssthresh changes,
         * with the octets in flight (SND.MAX - SND.UNA) at that moment. Not emitted without
         * congestion control.
         */
        readonly type: 'tcp.cwnd';
        readonly host: string;
        readonly conn: string;
        /** Congestion window, octets. */
        readonly cwnd: number;
        /** Slow-start threshold, octets (2^31 - 1 until the first loss). */
        readonly ssthresh: number;
        /** FlightSize, octets. */
        readonly flight: number;
        /** The rule, e.g. 'RFC 5681 3.2: third duplicate ACK, fast retransmit, enter fast recovery'. */
        readonly cause: string;
        /** The same rule as a name a viewer can branch on. */
        readonly phase: CwndPhase;
      }
    | {
        readonly type: 'segment.sent';
        readonly segmentId: number;
        readonly from: string;
        readonly to: string;
        readonly conn: string;
        readonly seg: SegmentView;
        readonly retransmission: boolean;
        /** Hex of the whole IPv4 packet ('' when the simulation runs with trace bytes off). */
        readonly bytes: string;
      }
    | {
        readonly type: 'segment.delivered';
        readonly segmentId: number;
        /** 0 for the original, 1.. for link duplicates. */
        readonly copy: number;
        readonly from: string;
        readonly to: string;
        readonly conn: string;
      }
    | {
        readonly type: 'segment.dropped';
        readonly segmentId: number;
        readonly copy: number;
        readonly from: string;
        readonly to: string;
        readonly conn: string;
        readonly reason: DropReason;
      }
    | { readonly type: 'segment.duplicated'; readonly segmentId: number; readonly copy: number }
    | {
        readonly type: 'segment.corrupted';
        readonly segmentId: number;
        readonly copy: number;
        readonly offset: number;
      }
    | {
        readonly type: 'segment.reordered';
        readonly segmentId: number;
        readonly copy: number;
        readonly extraDelay: number;
      }
    | {
        readonly type: 'segment.delayed';
        readonly segmentId: number;
        readonly copy: number;
        readonly delay: number;
      }
    | {
        readonly type: 'timer.set' | 'timer.fired';
        readonly host: string;
        readonly conn: string;
        readonly timer: TimerName;
        readonly timerId: number;
        readonly deadline: number;
      }
    | {
        readonly type: 'timer.cancelled';
        readonly host: string;
        readonly conn: string;
        readonly timer: TimerName;
        readonly timerId: number;
        readonly deadline: number;
        /** Set when the timer did not simply become unneeded (see TimerStopCause). */
        readonly stopCause?: TimerStopCause;
      }
    | {
        readonly type: 'app.call';
        readonly host: string;
        readonly conn: string;
        readonly call: AppCall;
        readonly length?: number;
      }
    | {
        readonly type: 'app.data';
        readonly host: string;
        readonly conn: string;
        readonly length: number;
        /** Offset of the first octet in the peer's byte stream (0 = the octet at IRS + 1). */
        readonly offset: number;
      }
    | {
        readonly type: 'app.event';
        readonly host: string;
        readonly conn: string;
        readonly event: 'connect' | 'connection' | 'end' | 'close' | 'drain';
      }
    | {
        readonly type: 'error';
        readonly host: string;
        readonly conn: string;
        readonly code: ErrorCode;
        readonly message: string;
      }
  );

export type TraceEventType = TraceEvent['type'];

/**
 * What moved cwnd or ssthresh: the initial window (RFC 5681 3.1), growth in slow start or congestion
 * avoidance (3.1), the third duplicate ACK (3.2 steps 2-3), window inflation by further duplicate
 * ACKs (3.2 step 4), a partial or a full ACK in NewReno recovery (RFC 6582 3.2 steps 3-4), or a
 * retransmission timeout (RFC 5681 3.1: cwnd = 1 SMSS).
 */
export type CwndPhase =
  | 'initial'
  | 'slow-start'
  | 'congestion-avoidance'
  | 'fast-retransmit'
  | 'fast-recovery'
  | 'partial-ack'
  | 'recovery-exit'
  | 'timeout';

/**
 * Why a timer was cancelled when it did not simply become unneeded: 'time-wait' (entering TIME-WAIT
 * turns off every other timer, RFC 9293 3.10.7.4), 'closed' (the connection ended: RST, ABORT, the
 * TCB deleted) or 'restarted' (a retransmitted FIN in TIME-WAIT restarts the 2MSL timeout).
 */
export type TimerStopCause = 'time-wait' | 'closed' | 'restarted';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event as produced, before the trace stamps `seq` and `time`. */
export type TraceEventInput = DistributiveOmit<TraceEvent, 'seq' | 'time'>;
