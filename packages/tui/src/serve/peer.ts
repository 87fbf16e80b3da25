/**
 * One WebSocket connection as `synack serve` sees it: what it exchanged, why it ended, and the rules
 * for sending to it (a per-peer cap on queued bytes). The server keeps one per connection; the log
 * entries are built from it by the pure functions in log.ts.
 */
import type { SendOptions } from '@synack/ws-frame';
import type { WebSocketConnection } from '@synack/ws-frame/node';
import type { Tracked } from './liveness.js';

/** Set when the server ends the connection: what it sent (or 1006 when it dropped TCP) and why. */
export interface Ending {
  code: number;
  reason: string;
  note: string;
}

export class ServePeer {
  messagesIn = 0;
  messagesOut = 0;
  ending: Ending | null = null;
  /** A socket error seen on the way (ECONNRESET, EPIPE): why the transport went away. */
  transportNote: string | null = null;

  constructor(
    readonly id: number,
    readonly tracked: Tracked,
    readonly remote: string,
    readonly path: string,
    readonly openedAt: number,
    /** Bytes queued for this peer past which it counts as a slow reader and is dropped. */
    private readonly maxBufferedBytes: number,
  ) {}

  get connection(): WebSocketConnection {
    return this.tracked.connection;
  }

  /** Bytes queued for this peer and not yet taken by the kernel. */
  get bufferedBytes(): number {
    return this.connection.bufferedAmount;
  }

  /** Sends unless the connection is closing; drops the peer once its queue passes the cap. */
  send(data: string | Uint8Array, options?: SendOptions): boolean {
    if (!this.connection.send(data, options)) return false;
    this.messagesOut++;
    const queued = this.bufferedBytes;
    if (queued > this.maxBufferedBytes) this.drop(`slow reader: ${queued} bytes queued`);
    return true;
  }

  /** Ends the connection without a close frame: the peer cannot or will not read one. */
  drop(note: string): void {
    this.ending ??= { code: 1006, reason: '', note };
    this.connection.terminate();
  }

  closeWith(code: number, reason: string, note: string): void {
    this.ending ??= { code, reason, note };
    this.connection.close(code, reason);
  }
}

/**
 * A bound on the bytes queued for all peers together (a per-peer cap alone lets N slow peers hold N
 * times it). Returns the peers to drop to get back within `maxTotal`, slowest first: the ones with
 * the most bytes queued, which are the furthest behind. Ties keep the given order.
 */
export function slowestOverBudget<P extends { bufferedBytes: number }>(
  peers: Iterable<P>,
  maxTotal: number,
): Array<{ peer: P; queued: number; total: number }> {
  const queued = [...peers].map((peer) => ({ peer, queued: peer.bufferedBytes }));
  let total = queued.reduce((sum, q) => sum + q.queued, 0);
  if (total <= maxTotal) return [];
  const drop: Array<{ peer: P; queued: number; total: number }> = [];
  for (const q of queued.sort((a, b) => b.queued - a.queued)) {
    if (total <= maxTotal || q.queued === 0) break;
    drop.push({ ...q, total });
    total -= q.queued;
  }
  return drop;
}
