/**
 * The node:net surface over simulated TCP: a real stream.Duplex, addresses, counters, readyState,
 * 'end' / 'close' ordering, idle timeouts in virtual time, backpressure mapped to TCP's send buffer and
 * the peer's window (RFC 9293 3.8.6), Server listen / address / close, and node:http over it.
 */
import http from 'node:http';
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runSimulatedNetwork, type SimulatedNetwork, type Socket } from '../../src/net/index.js';

const simulated = <T>(body: (n: SimulatedNetwork) => Promise<T>, link = {}) =>
  runSimulatedNetwork({ seed: 3, link: { delay: 10, ...link }, artifacts: false }, body);

const once = <T = unknown>(emitter: NodeJS.EventEmitter, event: string) =>
  new Promise<T>((resolve) => emitter.once(event, (value: T) => resolve(value)));

describe('Socket: node:net surface', () => {
  it('is a stream.Duplex with addresses, counters and readyState through open, half-close and close', async () => {
    const seen = await simulated(async (n) => {
      const server = n.server.createServer((s) => s.pipe(s));
      await once(server.listen(80), 'listening');
      const socket = n.client.connect(80, 'server');
      const states = [socket.readyState];
      await once(socket, 'connect');
      states.push(socket.readyState);
      const chunks: Buffer[] = [];
      socket.on('data', (d: Buffer) => chunks.push(d));
      const events: string[] = [];
      socket.on('end', () => events.push('end'));
      socket.end('hello, simulated world');
      states.push(socket.readyState);
      const hadError = await once<boolean>(socket, 'close');
      events.push(`close(${hadError})`);
      states.push(socket.readyState);
      return {
        duplex: socket instanceof Duplex,
        states,
        events,
        text: Buffer.concat(chunks).toString(),
        local: [socket.localAddress, socket.localPort, socket.localFamily],
        remote: [socket.remoteAddress, socket.remotePort, socket.remoteFamily],
        counts: [socket.bytesRead, socket.bytesWritten],
        address: server.address(),
      };
    });
    expect(seen).toEqual({
      duplex: true,
      states: ['opening', 'open', 'readOnly', 'closed'],
      events: ['end', 'close(false)'],
      text: 'hello, simulated world',
      local: ['10.0.0.1', 49152, 'IPv4'],
      remote: ['10.0.0.2', 80, 'IPv4'],
      counts: [22, 22],
      address: { address: '10.0.0.2', family: 'IPv4', port: 80 },
    });
  });

  it("setTimeout emits 'timeout' after exactly that much idle virtual time and leaves the socket open", async () => {
    const seen = await simulated(async (n) => {
      n.server.createServer(() => {}).listen(80);
      const socket = n.client.connect(80, 'server');
      await once(socket, 'connect');
      const start = n.time.now;
      socket.setTimeout(30_000);
      await once(socket, 'timeout');
      const elapsed = n.time.now - start;
      const state = socket.readyState;
      socket.destroy();
      return { elapsed, state, dateAgrees: Date.now() - n.time.epoch === n.time.now };
    });
    expect(seen).toEqual({ elapsed: 30_000, state: 'open', dateAgrees: true });
  });

  it('RFC 9293 3.8.6: a reader that stops reading closes the window; write() returns false; drain follows reading', async () => {
    const total = 1024 * 1024;
    const seen = await simulated(async (n) => {
      let accepted: Socket | undefined;
      n.server
        .createServer({ pauseOnConnect: true }, (s) => {
          accepted = s;
        })
        .listen(80);
      const socket = n.client.connect(80, 'server');
      await once(socket, 'connect');
      const block = Buffer.alloc(16 * 1024, 7);
      let offered = 0;
      let waits = 0;
      const pump = (async () => {
        while (offered < total) {
          offered += block.length;
          if (!socket.write(block)) {
            waits++;
            await once(socket, 'drain');
          }
        }
        socket.end();
      })();
      await n.sleep(10_000);
      const stalled = {
        offered,
        peerWindow: socket.tcpSocket!.tcb.sndWnd,
        streamHolds: socket.writableLength,
      };
      let received = 0;
      accepted!.on('data', (d: Buffer) => {
        received += d.length;
      });
      accepted!.resume(); // paused on connect: a 'data' listener alone does not resume (as in Node)
      await pump;
      await once(accepted!, 'end');
      return { stalled, received, waits };
    });
    // Stalled: the receiver's window is 0 and the writer was told to wait, far short of 1 MiB.
    expect(seen.stalled.peerWindow).toBe(0);
    expect(seen.stalled.offered).toBeLessThan(256 * 1024);
    expect(seen.stalled.streamHolds).toBeGreaterThan(0);
    expect(seen.waits).toBeGreaterThan(1);
    expect(seen.received).toBe(total);
  });

  it('destroy() with unread data in TCP sends RST (RFC 1122 4.2.2.13); without, FIN (close(2) semantics)', async () => {
    const flags = await simulated(async (n) => {
      // pauseOnConnect: nothing is read, so what the client sent stays in the server's TCP.
      n.server.createServer({ pauseOnConnect: true }, (s) => setTimeout(() => s.destroy(), 100)).listen(80);
      const a = n.client.connect(80, 'server', () => a.write('unread'));
      a.on('error', () => {});
      a.resume();
      await once(a, 'close');
      const b = n.client.connect(80, 'server', () => b.destroy());
      await once(b, 'close');
      await n.sleep(1000);
      return n.simulation.trace.events.flatMap((e) =>
        e.type === 'segment.sent' && (e.seg.flags.includes('RST') || e.seg.flags.includes('FIN'))
          ? [`${e.from}:${e.seg.flags.join(',')}`]
          : [],
      );
    });
    expect(flags[0]).toBe('server:RST');
    expect(flags[1]).toBe('client:FIN,ACK');
  });
});

describe('Server', () => {
  it("listen(0) picks a port, address() reports it, and 'close' waits for the accepted connection to close", async () => {
    const seen = await simulated(async (n) => {
      const order: string[] = [];
      let accepted: Socket | undefined;
      const server = n.server.createServer((s) => {
        accepted = s;
        order.push('connection');
      });
      server.listen(0, () => order.push('listening'));
      await once(server, 'listening');
      const port = server.address()!.port;
      const socket = n.client.connect(port, 'server');
      await once(socket, 'connect');
      await n.sleep(100);
      server.close(() => order.push('close'));
      await n.sleep(100);
      order.push(`listening=${server.listening}`);
      accepted!.resume();
      socket.resume();
      accepted!.end();
      socket.end();
      await once(server, 'close');
      return { port, order };
    });
    expect(seen.port).toBeGreaterThanOrEqual(32768);
    expect(seen.order).toEqual(['listening', 'connection', 'listening=false', 'close']);
  });
});

describe('node:http over simulated TCP', () => {
  it('RFC 9112: a request and its response through http.createServer and http.request({ createConnection })', async () => {
    const seen = await simulated(
      async (n) => {
        const app = http.createServer((req, res) => {
          let body = '';
          req.on('data', (d: Buffer) => {
            body += d;
          });
          req.on('end', () => res.end(`${req.method} ${req.url} got ${body.length} octets`));
        });
        n.server.createServer((socket) => app.emit('connection', socket)).listen(8080);
        const response = await new Promise<{
          status: number;
          text: string;
          headers: http.IncomingHttpHeaders;
        }>((resolve, reject) => {
          const req = http.request(
            {
              host: 'server',
              port: 8080,
              method: 'POST',
              path: '/upload',
              // node:http types createConnection more loosely than node:net (a port may be a string).
              createConnection: n.client
                .createConnection as unknown as http.RequestOptions['createConnection'],
            },
            (res) => {
              let text = '';
              res.on('data', (d: Buffer) => {
                text += d;
              });
              res.on('end', () => resolve({ status: res.statusCode!, text, headers: res.headers }));
            },
          );
          req.on('error', reject);
          req.end('x'.repeat(100_000));
        });
        return response;
      },
      { loss: 0.05 },
    );
    expect(seen.status).toBe(200);
    expect(seen.text).toBe('POST /upload got 100000 octets');
  });
});
