/**
 * Errors surfaced exactly as node:net surfaces them: the same code, errno, syscall, message (with the
 * simulated address in place of 127.0.0.1), the same event order and the same final readyState, each
 * compared in the same test with a real socket on 127.0.0.1 (port 0, so nothing fixed is used).
 */
import net from 'node:net';
import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runSimulatedNetwork, type SimulatedNetwork, type Socket } from '../../src/net/index.js';

interface Observed {
  events: string[];
  error: Record<string, unknown> | undefined;
  readyState: string;
  destroyed: boolean;
}

/** Records a socket's events until 'close'; the error as its own enumerable fields plus its message. */
function observe(
  socket: net.Socket | Socket,
  extra: (events: string[]) => void = () => {},
): Promise<Observed> {
  const events: string[] = [];
  let error: Record<string, unknown> | undefined;
  for (const name of ['connect', 'end', 'finish'] as const) socket.on(name, () => events.push(name));
  socket.on('data', () => {});
  socket.on('error', (e: Error) => {
    events.push('error');
    error = fields(e);
  });
  extra(events);
  return new Promise((resolve) =>
    socket.on('close', (hadError: boolean) => {
      events.push(`close(${hadError})`);
      resolve({ events, error, readyState: socket.readyState, destroyed: socket.destroyed });
    }),
  );
}

/** An error's own enumerable fields (code, errno, syscall, address, port) and its message. */
function fields(e: Error): Record<string, unknown> {
  return { ...e, message: e.message };
}

/** The real error with the simulated endpoint's address in place of the loopback one. */
function asSimulated(real: Observed, address: string, port: number): Observed {
  if (!real.error) return real;
  const error = { ...real.error };
  if ('address' in error) error.address = address;
  if ('port' in error) error.port = port;
  error.message = String(error.message).replace(/127\.0\.0\.1:\d+/, `${address}:${port}`);
  return { ...real, error };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function realServer(onConnection: (socket: net.Socket) => void): Promise<{ port: number; close(): void }> {
  return new Promise((resolve) => {
    const s = net
      .createServer(onConnection)
      .listen(0, '127.0.0.1', () =>
        resolve({ port: (s.address() as net.AddressInfo).port, close: () => s.close() }),
      );
  });
}

const simulated = <T>(body: (n: SimulatedNetwork) => Promise<T>) =>
  runSimulatedNetwork({ seed: 1, artifacts: false }, body);

describe('errors as node:net surfaces them (compared with real loopback sockets)', () => {
  it('RFC 9293 3.10.7.3: RST for a SYN is ECONNREFUSED: connect ECONNREFUSED addr:port, then close(true)', async () => {
    const port = await freePort();
    const real = await observe(net.connect(port, '127.0.0.1'));
    const sim = await simulated((n) => observe(n.client.connect(80, 'server')));
    expect(real.error?.code).toBe('ECONNREFUSED');
    expect(sim).toEqual(asSimulated(real, '10.0.0.2', 80));
  });

  it('RFC 9293 3.10.7.4 step 2: RST on an established connection is read ECONNRESET, then close(true)', async () => {
    // The client speaks first and the server aborts on reading it, so the client is surely connected.
    const abortOnData = (s: net.Socket | Socket) => s.once('data', () => s.resetAndDestroy());
    const speak = (s: net.Socket | Socket) => observe(s.once('connect', () => s.write('hello')));
    const server = await realServer(abortOnData);
    const real = await speak(net.connect(server.port, '127.0.0.1'));
    server.close();
    const sim = await simulated(async (n) => {
      n.server.createServer(abortOnData).listen(80);
      return speak(n.client.connect(80, 'server'));
    });
    expect(real.error?.code).toBe('ECONNRESET');
    expect(sim).toEqual(real);
  });

  it('a RST after the peer FIN (CLOSE-WAIT, Linux tcp_reset) is write EPIPE at the next write', async () => {
    const script = (socket: net.Socket | Socket, later: (fn: () => void) => void) =>
      observe(socket, () =>
        socket.on('end', () => {
          socket.write('a'); // the peer has closed: its TCP answers with RST
          later(() => socket.write('b'));
        }),
      );
    const server = await realServer((s) => s.destroy());
    const real = await script(
      net.connect({ port: server.port, host: '127.0.0.1', allowHalfOpen: true }),
      (fn) => setTimeout(fn, 50),
    );
    server.close();
    const sim = await simulated(async (n) => {
      n.server.createServer((s) => s.destroy()).listen(80);
      return script(n.client.connect({ port: 80, host: 'server', allowHalfOpen: true }), (fn) =>
        setTimeout(fn, 50),
      );
    });
    expect(real.error?.code).toBe('EPIPE');
    expect(sim).toEqual(real);
  });

  it('RFC 9293 3.8.3: SYN retries exhausted is connect ETIMEDOUT addr:port (errno -ETIMEDOUT), then close(true)', async () => {
    // Loopback never loses a SYN, so the shape is Node's for a libuv connect error: errno = -ETIMEDOUT.
    const sim = await simulated(async (n) => {
      n.partition();
      return observe(n.client.connect(80, 'server'));
    });
    expect(sim).toEqual({
      events: ['error', 'close(true)'],
      error: {
        message: 'connect ETIMEDOUT 10.0.0.2:80',
        errno: -constants.errno.ETIMEDOUT,
        code: 'ETIMEDOUT',
        syscall: 'connect',
        address: '10.0.0.2',
        port: 80,
      },
      readyState: 'closed',
      destroyed: true,
    });
  });

  it('RFC 9293 3.8.3: data retries exhausted on an open connection is read ETIMEDOUT', async () => {
    const sim = await simulated(async (n) => {
      n.server.createServer(() => {}).listen(80);
      const socket = n.client.connect(80, 'server', () => {
        n.partition();
        socket.write('lost');
      });
      return observe(socket);
    });
    expect(sim.events).toEqual(['connect', 'error', 'close(true)']);
    expect(sim.error).toEqual({
      message: 'read ETIMEDOUT',
      errno: -constants.errno.ETIMEDOUT,
      code: 'ETIMEDOUT',
      syscall: 'read',
    });
  });

  it('an unknown host name is getaddrinfo ENOTFOUND, as a failed lookup in node:net', async () => {
    const sim = await simulated((n) => observe(n.client.connect(80, 'nowhere')));
    expect(sim.error).toEqual({
      message: 'getaddrinfo ENOTFOUND nowhere',
      errno: -3008,
      code: 'ENOTFOUND',
      syscall: 'getaddrinfo',
      hostname: 'nowhere',
    });
  });

  it('listen on a port in use: listen EADDRINUSE: address already in use addr:port', async () => {
    const taken = await realServer(() => {});
    const realError = await new Promise<Record<string, unknown>>((resolve) =>
      net
        .createServer()
        .on('error', (e) => resolve(fields(e)))
        .listen(taken.port, '127.0.0.1'),
    );
    taken.close();
    const simError = await simulated(
      (n) =>
        new Promise<Record<string, unknown>>((resolve) => {
          n.server.createServer().listen(80);
          n.server
            .createServer()
            .on('error', (e) => resolve(fields(e)))
            .listen(80);
        }),
    );
    const expected: Record<string, unknown> = { ...realError, address: '10.0.0.2', port: 80 };
    expected.message = String(realError.message).replace(/127\.0\.0\.1:\d+/, '10.0.0.2:80');
    expect(simError).toEqual(expected);
  });
});
