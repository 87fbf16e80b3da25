/**
 * The synack trace: tcp-sim's events (segments, states, timers, application calls) interleaved with
 * the WebSocket and scenario events this package adds, in the order they happened. It is a public,
 * stable format (JSON Lines export), documented in the package README.
 *
 * WebSocket frame and handshake events carry `offset`: where their first byte sits in the sending
 * direction's TCP byte stream (0 = the octet after the SYN). Views map them onto segments through the
 * segments' relative sequence numbers, which is how a ladder shows which frame rode in which segment.
 */
import type { TraceEvent as TcpTraceEvent } from '@synack/tcp-sim';
import type { WsStateName } from '../language/types.js';

export type { TcpTraceEvent };

interface At {
  readonly seq: number;
  readonly time: number;
}

export type Direction = 'sent' | 'received';

export type WsTraceEvent = At &
  (
    | {
        readonly type: 'ws.handshake';
        readonly endpoint: string;
        readonly conn: string;
        readonly direction: Direction;
        readonly kind: 'request' | 'response';
        /** The start line: `GET /chat HTTP/1.1` or `HTTP/1.1 101 Switching Protocols`. */
        readonly line: string;
        readonly offset: number;
        readonly length: number;
      }
    | {
        readonly type: 'ws.frame';
        readonly endpoint: string;
        readonly conn: string;
        readonly direction: Direction;
        readonly opcode: number;
        readonly opcodeName: string;
        readonly fin: boolean;
        readonly rsv: number;
        readonly masked: boolean;
        /** Hex of the 4-byte masking key, when masked. */
        readonly maskKey?: string;
        readonly payloadLength: number;
        readonly headerLength: number;
        readonly offset: number;
      }
    | {
        readonly type: 'ws.message';
        readonly endpoint: string;
        readonly conn: string;
        readonly direction: Direction;
        readonly kind: 'text' | 'binary';
        readonly length: number;
        /** The text, cut to 200 characters with an ellipsis when longer. */
        readonly preview?: string;
        /** The message came compressed (permessage-deflate, RFC 7692): `length` is its inflated size. */
        readonly compressed?: boolean;
      }
    | {
        readonly type: 'ws.state';
        readonly endpoint: string;
        readonly conn: string;
        readonly from: WsStateName;
        readonly to: WsStateName;
      }
    | {
        readonly type: 'ws.close';
        readonly endpoint: string;
        readonly conn: string;
        /** The code this endpoint's onclose reported (1005 none given, 1006 abnormal). */
        readonly code: number;
        readonly reason: string;
        readonly wasClean: boolean;
      }
    | {
        readonly type: 'ws.error';
        readonly endpoint: string;
        readonly conn: string;
        readonly code: string;
        readonly closeCode: number;
        readonly message: string;
      }
    | {
        readonly type: 'scenario.step';
        readonly index: number;
        readonly action: string;
        readonly by: string;
        readonly line: number;
        readonly column: number;
      }
    | {
        readonly type: 'scenario.failure';
        /** A step that could not run (its `when` timed out, or the endpoint had no connection); -1 for an intervention. */
        readonly index: number;
        readonly message: string;
      }
  );

export type SynackEvent = TcpTraceEvent | WsTraceEvent;
export type SynackEventType = SynackEvent['type'];

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type WsTraceEventInput = DistributiveOmit<WsTraceEvent, 'seq' | 'time'>;
