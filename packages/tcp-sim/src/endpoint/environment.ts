/**
 * What an endpoint needs from its world and what it offers its application: the simulated host
 * implements `EndpointEnvironment`, the socket implements `ConnectionObserver`. Kept apart from the
 * connection so the sender, receiver and timers depend on this narrow surface, not on each other.
 */
import type { ErrorCode, TraceEventInput } from '../trace/events.js';
import type { TraceState } from '../trace/trace.js';
import type { TcpSegment } from '../wire/tcp-segment.js';
import type { CongestionFactory } from './congestion.js';
import type { Connection } from './connection.js';
import type { TcpState } from './states.js';
import type { TimerName, TimerProfile } from './timers.js';

/** A Node-style error with a stable `code`. */
export class TcpError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'TcpError';
  }
}

/** A timer as the trace names it. */
export interface TimerHandle {
  readonly id: number;
  readonly name: TimerName;
  readonly deadline: number;
}

/** What the endpoint needs from its world (the simulated host implements it). */
export interface EndpointEnvironment {
  readonly hostName: string;
  readonly profile: TimerProfile;
  readonly congestion: CongestionFactory;
  now(): number;
  /** Hands a segment to IP; `cause` says why it was sent (the trace's `segment.sent` carries it). */
  transmit(conn: Connection, seg: TcpSegment, retransmission: boolean, cause?: string): void;
  /** Arms a timer in the scheduler's timer phase. */
  setTimer(delay: number, fire: () => void): unknown;
  clearTimer(handle: unknown): void;
  trace(event: TraceEventInput): void;
  /** Picks an ISS (RFC 9293 3.4.1) for this connection. */
  chooseIss(conn: Connection): number;
  /** A fresh timer id, unique within the simulation (for timer.* trace events). */
  nextTimerId(): number;
  /**
   * Whether trace events are seen by anyone (events and views are built only then). The trace
   * itself, read through one plain property: it is asked for nearly every event.
   */
  readonly tracing: TraceState;
  /** Called after every traced state change (the host tracks listeners, accept queues, tables). */
  stateChanged(conn: Connection, from: TcpState, to: TcpState): void;
}

/** The application side of a connection (implemented by SimSocket). */
export interface ConnectionObserver {
  onConnect(): void;
  onData(chunk: Uint8Array): void;
  onEnd(): void;
  onError(error: TcpError): void;
  onClose(hadError: boolean): void;
  onDrain(): void;
}

export interface ConnectionOptions {
  readonly id: string;
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** The remote address as a number, when the caller has it already. */
  readonly remoteAddressNumber?: number;
  /** Our MSS (link MTU - 40). */
  readonly mss: number;
  /** Receive buffer in octets (<= 65535 without window scaling). */
  readonly receiveBuffer: number;
  /** Send buffer high-water mark: write() returns false above it. */
  readonly sendHighWaterMark: number;
}
