/**
 * Liveness for real connections: heartbeat pings and the idle timeout.
 *
 * Theory of operation: one sweep timer per concern for the whole server, not one timer per connection.
 * - Heartbeat (RFC 6455 5.5.2: a ping "may serve either as a keepalive or as a means to verify that the
 *   remote endpoint is still responsive"): every `pingIntervalMs` each OPEN connection that answered the
 *   previous ping (or sent anything since) gets a new one; one that did not is a dead peer and is dropped
 *   without a close frame, since nobody is there to read it.
 * - Idle: a connection with no data message in either direction for `idleTimeoutMs` is closed with 1001
 *   (7.4.1: the endpoint is "going away" from it). The sweep runs every quarter of the timeout, so a
 *   connection is closed between 1x and 1.25x the timeout.
 */
import type { WebSocketConnection } from '@synack/ws-frame/node';

export interface LivenessOptions {
  /** 0 turns heartbeat pings off. */
  pingIntervalMs: number;
  /** 0 turns the idle timeout off. */
  idleTimeoutMs: number;
  /** Monotonic milliseconds. */
  now: () => number;
  onDead: (tracked: Tracked) => void;
  onIdle: (tracked: Tracked) => void;
}

export interface Tracked {
  readonly connection: WebSocketConnection;
  /** A ping went out and nothing has been heard since. */
  awaitingPong: boolean;
  /** Last data message, either direction. */
  lastMessageAt: number;
}

export class Liveness {
  private readonly tracked = new Set<Tracked>();
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly options: LivenessOptions) {
    if (options.pingIntervalMs > 0)
      this.timers.push(setInterval(() => this.heartbeat(), options.pingIntervalMs));
    if (options.idleTimeoutMs > 0)
      this.timers.push(setInterval(() => this.sweepIdle(), Math.max(10, options.idleTimeoutMs / 4)));
    // The listening socket keeps the process alive; these timers must not.
    for (const timer of this.timers) timer.unref();
  }

  track(connection: WebSocketConnection): Tracked {
    const entry: Tracked = { connection, awaitingPong: false, lastMessageAt: this.options.now() };
    this.tracked.add(entry);
    const heard = () => {
      entry.awaitingPong = false;
    };
    connection.on('pong', heard);
    connection.on('ping', heard);
    connection.on('message', heard);
    connection.once('close', () => this.tracked.delete(entry));
    return entry;
  }

  /** Records a data message (either direction) for the idle timeout. */
  touch(entry: Tracked): void {
    entry.lastMessageAt = this.options.now();
  }

  get size(): number {
    return this.tracked.size;
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.tracked.clear();
  }

  private heartbeat(): void {
    for (const entry of this.tracked) {
      if (entry.connection.readyState !== 1) continue;
      if (entry.awaitingPong) {
        this.options.onDead(entry);
        continue;
      }
      entry.awaitingPong = true;
      entry.connection.ping();
    }
  }

  private sweepIdle(): void {
    const now = this.options.now();
    for (const entry of this.tracked) {
      if (entry.connection.readyState !== 1) continue;
      if (now - entry.lastMessageAt >= this.options.idleTimeoutMs) this.options.onIdle(entry);
    }
  }
}
