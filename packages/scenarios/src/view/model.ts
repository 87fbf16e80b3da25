/**
 * The view model: what the world looks like at one point of a run, derived from the trace alone.
 *
 * Every view (the TUI, the text ladder, Mermaid) reads these values rather than the machines, so that
 * stepping back is re-deriving from a shorter prefix of the trace (or re-running the same seed), and no
 * view keeps its own copy of history. `viewAt(run, cursor)` builds it; everything here is plain data.
 */
import type { CwndPhase, TimerStopCause } from '@synack/tcp-sim';
import type { TcpStateName, WsStateName } from '../language/types.js';

export type { CwndPhase, TimerStopCause };

/** SND.*, RCV.* as RFC 9293 3.3.1 names them, relative to the ISN/IRS (as Wireshark shows them). */
export interface TcbView {
  readonly iss: number;
  /** Undefined until the peer's SYN arrives (in SYN-SENT there is none to show). */
  readonly irs: number | undefined;
  readonly sndUna: number;
  readonly sndNxt: number;
  readonly sndWnd: number;
  readonly rcvNxt: number;
  readonly rcvWnd: number;
  readonly cwnd?: number;
  readonly ssthresh?: number;
  readonly srtt?: number;
  readonly rto?: number;
}

export interface TimerView {
  /** 'RTO', '2MSL', 'SYN', 'persist', 'delayed-ack', 'keepalive'. */
  readonly kind: string;
  readonly setAt: number;
  readonly deadline: number;
}

export interface TransitionView {
  readonly from: TcpStateName;
  readonly to: TcpStateName;
  readonly time: number;
  /** The rule that caused it, e.g. '3.10.7.4 step 2: RST in window'. */
  readonly cause: string;
}

export interface EndpointView {
  readonly name: string;
  readonly role: 'client' | 'server';
  readonly address: string;
  readonly port: number | undefined;
  /** The endpoint's main connection's TCP state (a listening server shows LISTEN until it accepts). */
  readonly tcp: TcpStateName;
  readonly lastTransition: TransitionView | undefined;
  readonly tcb: TcbView | undefined;
  readonly timers: readonly TimerView[];
  readonly ws: WsStateName | undefined;
}

/**
 * 'dropped': lost on the link; 'corrupted': discarded by the receiver's checksum check; 'refused':
 * reached the host, which discarded it (no listener, full backlog, unacceptable); 'duplicate': a copy
 * the link made, still on its way.
 */
export type SegmentFate = 'in-flight' | 'delivered' | 'dropped' | 'corrupted' | 'refused' | 'duplicate';

/** One arrow of the ladder: a segment on its way from one endpoint to the other. */
export interface ArrowView {
  readonly segmentId: number;
  readonly from: string;
  readonly to: string;
  readonly sentAt: number;
  /** When it arrived (or will arrive, when known), or was lost. */
  readonly endAt: number | undefined;
  readonly fate: SegmentFate;
  /** Why it was dropped or refused ('loss', 'fault', 'no-listener', 'backlog', ...). */
  readonly dropReason: string | undefined;
  readonly flags: readonly string[];
  /** Relative to the sender's ISN / the receiver's ISN, as Wireshark's "relative sequence numbers". */
  readonly seq: number;
  readonly ack: number;
  readonly len: number;
  readonly window: number;
  readonly retransmission: boolean;
  /** What the payload carries: 'HTTP GET /', 'HTTP 101', 'WS text "hi" (masked)', 'WS close 1000'... */
  readonly carries: string | undefined;
  /** The whole IPv4 packet as hex, for the inspector (decoded only when a segment is selected). */
  readonly hex: string;
  /** Which copy this arrow is: 0 for the original, 1.. for duplicates the link made. */
  readonly copy: number;
}

export interface View {
  readonly time: number;
  /** Index of the last trace event included; -1 before the first. */
  readonly cursor: number;
  readonly total: number;
  readonly endpoints: readonly EndpointView[];
  readonly arrows: readonly ArrowView[];
  /** The event at the cursor, explained: a narration key and its parameters (see narration/). */
  readonly narration: Narration | undefined;
}

export type Narration =
  | {
      readonly key: 'segment-sent';
      readonly arrow: ArrowView;
      readonly firstHandshake: 1 | 2 | 3 | undefined;
    }
  | { readonly key: 'segment-delivered'; readonly arrow: ArrowView }
  | { readonly key: 'segment-lost'; readonly arrow: ArrowView; readonly reason: string }
  | { readonly key: 'state-change'; readonly endpoint: string; readonly transition: TransitionView }
  | { readonly key: 'timer-set' | 'timer-fired'; readonly endpoint: string; readonly timer: TimerView }
  | {
      readonly key: 'ws-frame';
      readonly endpoint: string;
      readonly direction: 'sent' | 'received';
      readonly opcode: string;
      readonly length: number;
      readonly masked: boolean;
    }
  | {
      readonly key: 'ws-message';
      readonly endpoint: string;
      readonly text: string | undefined;
      readonly length: number;
    }
  | {
      readonly key: 'ws-state';
      readonly endpoint: string;
      readonly from: WsStateName;
      readonly to: WsStateName;
    }
  | { readonly key: 'ws-close'; readonly endpoint: string; readonly code: number; readonly reason: string }
  | { readonly key: 'app-call'; readonly endpoint: string; readonly call: string }
  | { readonly key: 'error'; readonly endpoint: string; readonly code: string; readonly message: string }
  | {
      readonly key: 'timer-cancelled';
      readonly endpoint: string;
      readonly timer: TimerView;
      /** Set when the timer did not simply become unneeded: TIME-WAIT entered, the connection ended, 2MSL restarted. */
      readonly cause: TimerStopCause | undefined;
    }
  | {
      readonly key: 'segment-fault';
      readonly arrow: ArrowView;
      /** What the link did to the segment on its way (the drop itself is narrated as 'segment-lost'). */
      readonly fault: 'duplicated' | 'corrupted' | 'reordered' | 'delayed';
      /** Extra delay in ms, for 'reordered' and 'delayed'. */
      readonly delay: number;
    }
  | {
      readonly key: 'cwnd';
      readonly endpoint: string;
      /** Octets (RFC 5681 cwnd, ssthresh, FlightSize). */
      readonly cwnd: number;
      readonly ssthresh: number;
      readonly flight: number;
      /** What moved it (tcp-sim's CwndPhase: slow start, fast retransmit, a timeout...). */
      readonly phase: CwndPhase;
    }
  | {
      readonly key: 'app-data';
      readonly endpoint: string;
      readonly length: number;
      /** Offset of the first octet in the peer's byte stream (0 = the first data octet after its SYN). */
      readonly offset: number;
    }
  | {
      readonly key: 'app-event';
      readonly endpoint: string;
      readonly event: 'connect' | 'connection' | 'end' | 'close' | 'drain';
    }
  | {
      readonly key: 'ws-handshake';
      readonly endpoint: string;
      readonly direction: 'sent' | 'received';
      readonly kind: 'request' | 'response';
      /** The HTTP start line. */
      readonly line: string;
      /** Status code of a response (101 accepts the upgrade), undefined for a request. */
      readonly status: number | undefined;
      readonly length: number;
    }
  | {
      readonly key: 'ws-error';
      readonly endpoint: string;
      readonly code: string;
      /** The close code the endpoint answers with (RFC 6455 7.4.1). */
      readonly closeCode: number;
      readonly message: string;
    }
  | {
      readonly key: 'scenario-step';
      /** 1-based step number and the scenario file line it comes from. */
      readonly step: number;
      readonly line: number;
      readonly action: string;
      /** The endpoint doing it ('' for `wait`). */
      readonly by: string;
    }
  | { readonly key: 'scenario-failure'; readonly step: number | undefined; readonly message: string };
