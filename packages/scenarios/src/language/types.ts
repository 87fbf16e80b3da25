/**
 * The scenario model: what a YAML scenario file means once parsed and validated, and what the TypeScript
 * API builds directly. Times are virtual milliseconds. Once a value of these types exists it is valid:
 * the parser checks every field, endpoint name and range before a runner ever sees it.
 */
import { type ProfileSpec, TCP_STATES as TCP_STATE_NAMES, type TcpState } from '@synack/tcp-sim';
import type { SourceLocation } from './errors.js';

/** The RFC 9293 state names, as tcp-sim spells them (one list for the whole product). */
export type TcpStateName = TcpState;
export const TCP_STATES: readonly TcpStateName[] = TCP_STATE_NAMES;

export type WsStateName = 'CONNECTING' | 'OPEN' | 'CLOSING' | 'CLOSED';
export const WS_STATES: readonly WsStateName[] = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];

export type TcpFlagName = 'SYN' | 'ACK' | 'FIN' | 'RST' | 'PSH' | 'URG';
export const TCP_FLAGS: readonly TcpFlagName[] = ['SYN', 'ACK', 'FIN', 'RST', 'PSH', 'URG'];

/** One direction of the simulated link. Probabilities are 0..1; delay, jitter in ms; bandwidth in bit/s. */
export interface LinkSpec {
  readonly delay?: number;
  readonly jitter?: number;
  readonly bandwidth?: number;
  readonly loss?: number;
  readonly duplicate?: number;
  readonly reorder?: number;
  readonly corrupt?: number;
  readonly mtu?: number;
}

/** What a server endpoint's application does with each WebSocket message. */
export type ServerApp = 'echo' | 'chat' | 'none';

export interface EndpointSpec {
  readonly name: string;
  readonly role: 'client' | 'server';
  readonly address: string;
  /** Server: the port it listens on. Client: an explicit local port (else an ephemeral one). */
  readonly port?: number;
  /** Server: the listen backlog (the blog's server uses 4). */
  readonly backlog?: number;
  readonly app: ServerApp;
  /** Largest WebSocket message this endpoint accepts (close 1009 beyond it). */
  readonly maxMessageSize?: number;
  /** Subprotocols a server accepts, in preference order. */
  readonly protocols?: readonly string[];
  /** permessage-deflate (RFC 7692): a client offers it, a server accepts it. Absent = off. */
  readonly deflate?: DeflateSpec;
  /** Start with reading paused: a slow reader whose receive window fills up. */
  readonly paused?: boolean;
  /** The MSS this endpoint's host announces and never exceeds (tcp-sim `HostOptions.mss`). */
  readonly mss?: number;
  /** Server: false = the application never calls accept(), so the listen backlog fills up. */
  readonly accepts?: boolean;
  readonly at?: SourceLocation;
}

/** permessage-deflate's parameters for one endpoint (see parse-deflate.ts); {} = the defaults. */
export interface DeflateSpec {
  /** Messages shorter than this many bytes go uncompressed (default 1024). */
  readonly threshold?: number;
  readonly serverNoContextTakeover?: boolean;
  readonly clientNoContextTakeover?: boolean;
  readonly serverMaxWindowBits?: number;
  readonly clientMaxWindowBits?: number;
}

/** A message body: text, or bytes given literally or generated deterministically from a size. */
export type Payload =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array };

/** A frame written exactly as given, for misbehaving peers (unmasked, bad UTF-8, reserved bits...). */
export interface RawFrameSpec {
  /** 0..15; names in files (`text`, `ping`...) are resolved by the parser. */
  readonly opcode: number;
  readonly fin: boolean;
  readonly rsv: readonly [boolean, boolean, boolean];
  /** undefined = as the role requires (clients mask, servers do not). */
  readonly masked?: boolean;
  readonly payload: Uint8Array;
}

export type Action =
  | { readonly type: 'listen'; readonly by: string }
  | { readonly type: 'connect'; readonly by: string; readonly to: string; readonly port?: number }
  | {
      readonly type: 'open';
      readonly by: string;
      readonly to: string;
      /** Connect to this port instead of the one `to` listens on (a closed port, say). */
      readonly port?: number;
      readonly path: string;
      readonly protocols: readonly string[];
    }
  | { readonly type: 'send'; readonly by: string; readonly payload: Payload; readonly fragments: number }
  | { readonly type: 'ping'; readonly by: string; readonly payload: Uint8Array }
  | { readonly type: 'close'; readonly by: string; readonly code?: number; readonly reason?: string }
  | { readonly type: 'frames'; readonly by: string; readonly frames: readonly RawFrameSpec[] }
  | { readonly type: 'raw'; readonly by: string; readonly bytes: Uint8Array }
  | { readonly type: 'shutdown'; readonly by: string }
  | { readonly type: 'abort'; readonly by: string }
  | { readonly type: 'pause-reading'; readonly by: string }
  | { readonly type: 'resume-reading'; readonly by: string }
  | { readonly type: 'wait' };

export type ActionType = Action['type'];

/** A condition a step can wait for: an endpoint reaching a TCP state or a WebSocket readyState. */
export interface Condition {
  readonly endpoint: string;
  readonly tcp?: TcpStateName;
  readonly ws?: WsStateName;
}

/**
 * When a step runs. `at` is absolute virtual time; `after` is relative to the previous step; `when` waits
 * for a condition (then `after`, if also given, counts from the moment it holds). With none, a step runs
 * as soon as the previous one has run.
 */
export interface Timing {
  readonly at?: number;
  readonly after?: number;
  readonly when?: Condition;
  /** How long `when` may wait before the run fails (default 120 s of virtual time). */
  readonly timeout?: number;
}

export interface TimelineStep {
  readonly timing: Timing;
  readonly action: Action;
  readonly source: SourceLocation;
}

export interface SegmentMatch {
  readonly from?: string;
  readonly to?: string;
  readonly flags?: readonly TcpFlagName[];
  /** Match the nth (1-based) segment that satisfies the rest of the predicate. */
  readonly nth?: number;
  readonly payloadIncludes?: string;
}

export type FaultAction = 'drop' | 'duplicate' | 'corrupt' | { readonly delay: number };

export interface FaultSpec {
  readonly match: SegmentMatch & {
    /** SEG.SEQ relative to the sender's ISN, `to` excluded. */
    readonly seq?: { readonly from?: number; readonly to?: number };
    /** Virtual send time in ms, `to` excluded. */
    readonly time?: { readonly from?: number; readonly to?: number };
  };
  readonly action: FaultAction;
  /** How many matching segments it applies to (default 1; `Infinity` for all). */
  readonly times: number;
  readonly source: SourceLocation;
}

/** One expected segment: direction, exact flag set, and optionally relative seq/ack, length, frame. */
export interface SegmentPattern {
  readonly from: string;
  readonly to: string;
  readonly flags: readonly TcpFlagName[];
  readonly seq?: number;
  readonly ack?: number;
  readonly len?: number;
  /** The opcode of the first WebSocket frame that starts in this segment, or 'http' for the handshake. */
  readonly carries?: string;
  readonly retransmission?: boolean;
  readonly text: string;
}

/** A received message: its exact text, or its kind and length (for large generated payloads). */
export interface MessageMatch {
  readonly kind?: 'text' | 'binary';
  readonly text?: string;
  readonly length?: number;
}

export type Expectation =
  | { readonly type: 'state'; readonly endpoint: string; readonly tcp: TcpStateName; readonly at?: number }
  | {
      readonly type: 'ready-state';
      readonly endpoint: string;
      readonly ws: WsStateName;
      readonly at?: number;
    }
  | {
      readonly type: 'segments';
      readonly mode: 'in-order' | 'exactly';
      readonly patterns: readonly SegmentPattern[];
    }
  | { readonly type: 'received'; readonly endpoint: string; readonly messages: readonly MessageMatch[] }
  | { readonly type: 'close-code'; readonly endpoint: string; readonly code: number }
  | { readonly type: 'delivered-intact'; readonly from: string; readonly to: string }
  | { readonly type: 'no-timers-left' }
  | {
      readonly type: 'count';
      readonly event: string;
      readonly match: SegmentMatch;
      readonly min?: number;
      readonly max?: number;
    }
  | { readonly type: 'error'; readonly endpoint: string; readonly code: string };

export type ExpectationType = Expectation['type'];

export interface LocatedExpectation {
  readonly expectation: Expectation;
  readonly source: SourceLocation;
}

export interface Scenario {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly seed: number;
  /** tcp-sim's timer profile: `rfc`, `linux`, or a base with overrides. */
  readonly profile: ProfileSpec;
  /** Per direction, keyed `from>to` by endpoint name; `*` is the default for every direction. */
  readonly link: Readonly<Record<string, LinkSpec>>;
  readonly endpoints: readonly EndpointSpec[];
  readonly timeline: readonly TimelineStep[];
  readonly faults: readonly FaultSpec[];
  readonly expect: readonly LocatedExpectation[];
  /** Stop the run at this virtual time at the latest (default 10 minutes). */
  readonly until: number;
  readonly file: string;
}
