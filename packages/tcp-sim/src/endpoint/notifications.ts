/**
 * Notifications to the application (connect, data, end, error, close, drain), queued during an input
 * and delivered after it (`flush`), so application callbacks never run in the middle of segment
 * processing. Node's order holds: 'end' only once everything was read, 'close' after 'end', at most
 * one 'close'.
 */
import type { ConnectionObserver, TcpError } from './environment.js';

/** The application events the trace records as `app.event`. */
export type AppEvent = 'connect' | 'end' | 'close' | 'drain';

export type Notification =
  | { readonly kind: 'connect' }
  | { readonly kind: 'data' }
  | { readonly kind: 'end' }
  | { readonly kind: 'error'; readonly error: TcpError }
  | { readonly kind: 'close' }
  | { readonly kind: 'drain' };

/** What flushing needs from the connection. */
export interface NotificationTarget {
  readonly observer: ConnectionObserver | undefined;
  /** Octets received and not yet read. */
  readonly unread: number;
  /** The peer's FIN was reached in sequence. */
  readonly finReached: boolean;
  /** The connection is gone or in TIME-WAIT (an 'end' is then followed by 'close'). */
  readonly over: boolean;
  /** Hands buffered data to a flowing reader. */
  pumpData(): void;
  traceEvent(event: AppEvent): void;
}

export class Notifications {
  private queue: Notification[] = [];
  private flushing = false;
  closeNotified = false;
  endNotified = false;
  hadError = false;

  constructor(private readonly target: NotificationTarget) {}

  get pending(): number {
    return this.queue.length;
  }

  push(note: Notification): void {
    this.queue.push(note);
  }

  connect(): void {
    this.queue.push(NOTE_CONNECT);
  }

  data(): void {
    this.queue.push(NOTE_DATA);
  }

  end(): void {
    this.queue.push(NOTE_END);
  }

  drain(): void {
    this.queue.push(NOTE_DRAIN);
  }

  error(error: TcpError): void {
    this.hadError = true;
    this.queue.push({ kind: 'error', error });
  }

  /** 'close', at most once. */
  close(): void {
    if (this.closeNotified) return;
    this.closeNotified = true;
    this.queue.push(NOTE_CLOSE);
  }

  /** 'end' once the peer's FIN is reached and everything before it was read. */
  maybeEnd(): void {
    const t = this.target;
    if (t.finReached && !this.endNotified && t.unread === 0) this.queue.push(NOTE_END);
  }

  /** Delivers queued notifications to the observer, in order. Returns false while already flushing. */
  flush(): boolean {
    if (this.flushing) return false;
    this.flushing = true;
    const t = this.target;
    try {
      while (this.queue.length > 0) {
        const note = this.queue.shift()!;
        const observer = t.observer;
        switch (note.kind) {
          case 'connect':
            t.traceEvent('connect');
            observer?.onConnect();
            break;
          case 'data':
            t.pumpData();
            this.maybeEnd();
            break;
          case 'end':
            if (!this.endNotified && t.unread === 0) {
              this.endNotified = true;
              t.traceEvent('end');
              observer?.onEnd();
              if (t.over) this.close();
            }
            break;
          case 'error':
            observer?.onError(note.error);
            break;
          case 'close':
            if (t.finReached && !this.endNotified && !this.hadError && t.unread > 0) {
              // Wait for the application to read the rest; 'close' follows 'end' (as in Node).
              this.closeNotified = false;
              break;
            }
            t.traceEvent('close');
            observer?.onClose(this.hadError);
            break;
          case 'drain':
            t.traceEvent('drain');
            observer?.onDrain();
            break;
        }
      }
    } finally {
      this.flushing = false;
    }
    return true;
  }

  /** After 'close': let the queue's backing store go (a V8 array keeps it after shift()). */
  release(): void {
    this.queue = [];
  }
}

// Notifications without a payload are shared constants (one per kind), not allocated per event.
const NOTE_CONNECT: Notification = Object.freeze({ kind: 'connect' });
const NOTE_DATA: Notification = Object.freeze({ kind: 'data' });
const NOTE_END: Notification = Object.freeze({ kind: 'end' });
const NOTE_CLOSE: Notification = Object.freeze({ kind: 'close' });
const NOTE_DRAIN: Notification = Object.freeze({ kind: 'drain' });
