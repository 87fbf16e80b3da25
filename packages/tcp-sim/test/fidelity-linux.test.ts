/**
 * Fidelity to real Linux: the same six exchanges run over real node:net sockets on 127.0.0.1
 * (captured on lo with dumpcap, tshark's capture engine) and in the simulator with the `linux`
 * profile; the segment sequences must match: direction, flags, SEQ/ACK relative to each ISN and
 * payload length. Pure ACKs are compared apart (only that each side's last ACK agrees): whether an
 * ACK rides alone or on data races with delayed ACK and quick-ACK mode.
 *
 * Needs root (or CAP_NET_RAW) and dumpcap: skipped with a message locally when capture is
 * impossible, failed when CI is set.
 */
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureProblem,
  isPureAck,
  LoopbackCapture,
  type Row,
  realExchange,
  rowText,
  simRows,
  sleep,
  toRows,
} from './linux-capture.js';
import { createSimulation, type SimHost, type SimSocket, type Simulation } from './shim.js';

const inCi = process.env.CI === 'true' || process.env.CI === '1';
const problem = captureProblem();
if (problem && !inCi) console.warn(`[tcp-sim] fidelity test skipped: ${problem}`);

interface Exchange {
  readonly name: string;
  /** Real Linux: server (undefined = nobody listens) and client behaviour. */
  readonly realServer?: (s: net.Socket) => void;
  readonly realClient: (c: net.Socket) => void;
  readonly pauseOnConnect?: boolean;
  /** The same in the simulator. */
  readonly simServer?: (s: SimSocket, sim: Simulation) => void;
  readonly simClient: (c: SimSocket, sim: Simulation) => void;
}

const EXCHANGES: Exchange[] = [
  {
    name: 'normal open, data both ways, client closes first',
    realServer: (s) => {
      s.on('data', () => s.write('world'));
      s.on('end', () => s.end());
    },
    realClient: (c) => {
      c.on('connect', () => c.write('hello'));
      c.on('data', () => c.end());
    },
    simServer: (s) => {
      s.on('data', () => s.write('world'));
      s.on('end', () => s.end());
    },
    simClient: (c) => {
      c.on('connect', () => c.write('hello'));
      c.on('data', () => c.end());
    },
  },
  {
    name: 'server closes first',
    realServer: (s) => {
      s.write('bye');
      s.end();
    },
    realClient: (c) => {
      c.on('data', () => {});
      c.on('end', () => c.end());
    },
    simServer: (s) => {
      s.write('bye');
      s.end();
    },
    simClient: (c) => {
      c.on('data', () => {});
      c.on('end', () => c.end());
    },
  },
  {
    name: 'connection refused',
    realClient: () => {},
    simClient: () => {},
  },
  {
    name: 'half-close: the client ends its side, the server answers, then ends',
    realServer: (s) => {
      s.on('data', () => {});
      s.on('end', () => {
        s.write('resp');
        s.end();
      });
    },
    realClient: (c) => {
      c.on('connect', () => {
        c.write('req');
        c.end();
      });
      c.on('data', () => {});
    },
    simServer: (s) => {
      s.on('data', () => {});
      s.on('end', () => {
        s.write('resp');
        s.end();
      });
    },
    simClient: (c) => {
      c.on('connect', () => {
        c.write('req');
        c.end();
      });
      c.on('data', () => {});
    },
  },
  {
    name: 'abort (SO_LINGER 0: resetAndDestroy / destroy)',
    realServer: (s) => {
      s.on('data', () => {});
    },
    realClient: (c) => {
      c.on('connect', () => c.write('x'));
      c.on('connect', () => setTimeout(() => c.resetAndDestroy(), 50));
    },
    simServer: (s) => {
      s.on('data', () => {});
    },
    simClient: (c, sim) => {
      c.on('connect', () => c.write('x'));
      c.on('connect', () => sim.schedule(50, () => c.destroy()));
    },
  },
  {
    name: 'close with unread data (RFC 1122 4.2.2.13: RST instead of FIN)',
    pauseOnConnect: true,
    realServer: (s) => {
      setTimeout(() => s.destroy(), 50); // close(2) with 'unread data' still in the kernel
    },
    realClient: (c) => {
      c.on('connect', () => c.write('unread data'));
    },
    simServer: (s, sim) => {
      sim.schedule(50, () => s.close()); // full close: RST because data is unread
    },
    simClient: (c) => {
      c.on('connect', () => c.write('unread data'));
    },
  },
];

function simulate(x: Exchange): Row[] {
  const sim = createSimulation({ seed: 1, profile: 'linux' });
  const client: SimHost = sim.addHost({ name: 'client', address: '10.0.0.1' });
  const server: SimHost = sim.addHost({ name: 'server', address: '10.0.0.2' });
  sim.setLink(client, server, { delay: 0.05, mtu: 65535 });
  if (x.simServer) {
    const serverFn = x.simServer;
    server.listen(80).on('connection', (s) => {
      s.on('error', () => {});
      serverFn(s, sim);
    });
  }
  const c = client.connect({ address: '10.0.0.2', port: 80 });
  c.on('error', () => {});
  x.simClient(c, sim);
  sim.run({ until: 10_000 });
  return simRows(sim);
}

// Server ports below Linux's ephemeral range (32768-60999): a port in it can be held by any client
// socket on the machine (a parallel test run, a benchmark's loopback connections), which made
// listen() fail with EADDRINUSE now and then.
const BASE = 20_000 + (process.pid % 1200) * 10;
const real = new Map<string, Row[]>();
let capture: LoopbackCapture | undefined;

describe.skipIf(problem !== undefined && !inCi)(
  'fidelity: the linux profile against real Linux on loopback',
  () => {
    beforeAll(async () => {
      if (problem) throw new Error(`CI: capture on lo is required: ${problem}`);
      capture = new LoopbackCapture([BASE, BASE + EXCHANGES.length - 1]);
      await capture.start();
      for (const [i, x] of EXCHANGES.entries()) {
        await realExchange(
          BASE + i,
          x.realServer,
          x.realClient,
          x.pauseOnConnect ? { pauseOnConnect: true } : {},
        );
        await sleep(20);
      }
      const byPort = await capture.stop();
      for (const [i, x] of EXCHANGES.entries()) {
        real.set(x.name, toRows(byPort.get(BASE + i) ?? []));
      }
    }, 60_000);

    afterAll(() => capture?.dispose());

    it.each(EXCHANGES.map((x) => [x.name, x] as const))('%s', (_name, x) => {
      const linux = real.get(x.name)!;
      const sim = simulate(x);
      if (process.env.SYNACK_FIDELITY_PRINT) {
        console.log(
          `${x.name}\n  linux: ${linux.map(rowText).join(' | ')}\n  sim:   ${sim.map(rowText).join(' | ')}`,
        );
      }
      expect(linux.length).toBeGreaterThan(0);
      const strip = (rows: Row[]) => rows.filter((r) => !isPureAck(r)).map(rowText);
      expect(
        strip(sim),
        `linux:\n${linux.map(rowText).join('\n')}\nsim:\n${sim.map(rowText).join('\n')}`,
      ).toEqual(strip(linux));
      // Each side's last acknowledgment agrees (everything the peer sent was acknowledged alike).
      const lastAck = (rows: Row[], from: 'c' | 's') =>
        rows.filter((r) => r.from === from && r.ack !== undefined).at(-1)?.ack;
      expect(lastAck(sim, 'c')).toBe(lastAck(linux, 'c'));
      expect(lastAck(sim, 's')).toBe(lastAck(linux, 's'));
    });
  },
);
