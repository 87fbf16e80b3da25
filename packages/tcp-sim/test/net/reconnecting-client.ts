/**
 * A reconnecting client, as an application would write one: a heartbeat every second, the peer
 * declared gone after 3 s without an echo, a connect timeout of 3 s, and exponential backoff
 * (250 ms * 2^n, capped at 8 s) between attempts. It runs on node:net or on @synack/tcp-sim/net alike
 * (the reconnect test and the bench use it on both).
 */

/** What the client needs of a socket: node:net's Socket and tcp-sim's both have it. */
export interface ClientSocket {
  setTimeout(ms: number, callback?: () => void): unknown;
  write(data: string): boolean;
  destroy(): unknown;
  on(event: 'connect' | 'data' | 'error' | 'close', listener: (...args: never[]) => void): unknown;
}

export interface LogEntry {
  /** ms since the client started (Date.now() based: virtual time in a simulation). */
  readonly at: number;
  readonly what: string;
}

export function reconnectingClient(connect: () => ClientSocket, log: LogEntry[]): { stop(): void } {
  const start = Date.now();
  let attempt = 0;
  let stopped = false;
  let current: ClientSocket | undefined;
  const note = (what: string) => log.push({ at: Date.now() - start, what });
  const open = () => {
    note('connect');
    const socket = connect();
    current = socket;
    socket.setTimeout(3000, () => socket.destroy()); // no handshake within 3 s: give up
    let beat: ReturnType<typeof setInterval> | undefined;
    let heard = 0;
    socket.on('connect', () => {
      note('open');
      attempt = 0;
      socket.setTimeout(0);
      heard = Date.now();
      beat = setInterval(() => {
        if (Date.now() - heard > 3000)
          socket.destroy(); // no echo for 3 s: the peer is gone
        else socket.write('ping\n');
      }, 1000);
    });
    socket.on('data', () => {
      heard = Date.now();
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(beat);
      if (stopped) return;
      const delay = Math.min(8000, 250 * 2 ** attempt++);
      note(`retry in ${delay}`);
      setTimeout(open, delay);
    });
  };
  open();
  return {
    stop() {
      stopped = true;
      current?.destroy();
    },
  };
}
