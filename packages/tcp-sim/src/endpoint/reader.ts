/**
 * The application's side of the receive buffer (RFC 9293 3.10.3 RECEIVE, in Node's stream shape):
 * in-order octets are buffered and announced, handed out while the reader flows or pulled with
 * `receive`, and what is read reopens the window: the receiver (receiver.ts) says when that deserves
 * a window update, and here it is sent, or left to ride on the ACK of the segment being processed.
 */
import type { ConnectionObserver, EndpointEnvironment } from './environment.js';
import type { Notifications } from './notifications.js';
import type { Receiver } from './receiver.js';
import type { TcpState } from './states.js';

export interface ReaderPort {
  readonly id: string;
  readonly env: EndpointEnvironment;
  readonly state: TcpState;
  readonly observer: ConnectionObserver | undefined;
  /** A segment is being processed (its ACK is still to go out). */
  readonly processing: boolean;
  sendAck(cause: string): void;
}

export class Reader {
  /** Node's flowing mode: a 'data' listener is attached and the socket is not paused. */
  flowing = false;

  constructor(
    private readonly port: ReaderPort,
    private readonly receiver: Receiver,
    private readonly notes: Notifications,
  ) {}

  /** In-order octets for the application (traced as app.data with their stream offset). */
  deliver(chunk: Uint8Array): void {
    const env = this.port.env;
    if (env.tracing.observed)
      env.trace({
        type: 'app.data',
        host: env.hostName,
        conn: this.port.id,
        length: chunk.length,
        offset: this.receiver.deliveredOffset,
      });
    this.receiver.buffer(chunk);
    this.notes.data();
  }

  /** 3.10.3 RECEIVE, pull style: up to `max` octets, or undefined if nothing is buffered. */
  receive(max: number): Uint8Array | undefined {
    const out = this.receiver.take(max);
    if (out) this.consumed(out.length);
    this.notes.maybeEnd();
    return out;
  }

  /** Hands buffered data to a flowing reader. */
  pump(): void {
    const chunks = this.receiver.chunks;
    while (this.flowing && chunks.length > 0) {
      const chunk = chunks.shift()!;
      this.consumed(chunk.length);
      this.port.observer?.onData(chunk);
    }
  }

  /** The application read `n` octets: a window update when the receiver says it is due. */
  private consumed(n: number): void {
    const growth = this.receiver.consume(n);
    if (growth === undefined) return;
    if (this.port.processing) {
      // The ACK owed for this segment carries the window update; a window that was closed is
      // announced at once (RFC 9293 3.8.6.2.2), otherwise the delayed-ACK policy decides.
      if (growth === 'closed') this.receiver.ackNow = true;
      return;
    }
    const s = this.port.state;
    if (s !== 'CLOSED' && s !== 'LISTEN' && s !== 'SYN-SENT' && !this.receiver.finReached)
      this.port.sendAck('3.8.6.2.2 window update');
  }
}
