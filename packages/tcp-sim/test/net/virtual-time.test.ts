/**
 * One virtual clock for the application and the simulation (ARCHITECTURE.md: one virtual clock): instant mode drives
 * @sinonjs/fake-timers, so `setTimeout`, `setInterval`, `Date.now()` and `performance.now()` read
 * the simulation's time; microtasks, `process.nextTick` and `setImmediate` run at the instant that
 * queued them; the same seed gives the same trace; paced mode follows the wall clock.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation } from '../../src/index.js';
import { runSimulatedNetwork, SimulationStuckError, VirtualTime } from '../../src/net/index.js';

describe('instant mode', () => {
  it("application timers, Date.now() and performance.now() read the simulation's clock", async () => {
    const seen = await runSimulatedNetwork({ seed: 1, artifacts: false }, async (n) => {
      const t0 = { date: Date.now(), perf: performance.now(), sim: n.simulation.now };
      const ticks: number[] = [];
      await new Promise<void>((resolve) => {
        const id = setInterval(() => {
          ticks.push(n.simulation.now);
          if (ticks.length === 4) {
            clearInterval(id);
            resolve();
          }
        }, 30_000);
      });
      return {
        ticks,
        dateMoved: Date.now() - t0.date,
        perfMoved: performance.now() - t0.perf,
        simMoved: n.simulation.now - t0.sim,
      };
    });
    expect(seen).toEqual({
      ticks: [30_000, 60_000, 90_000, 120_000],
      dateMoved: 120_000,
      perfMoved: 120_000,
      simMoved: 120_000,
    });
  });

  it('microtasks, nextTick and setImmediate (also chained) run at the instant that queued them', async () => {
    const seen = await runSimulatedNetwork({ seed: 1, artifacts: false }, async (n) => {
      const log: string[] = [];
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          const at = () => n.time.now;
          Promise.resolve().then(() => log.push(`microtask@${at()}`));
          process.nextTick(() => log.push(`nextTick@${at()}`));
          setImmediate(() => {
            log.push(`immediate@${at()}`);
            setImmediate(() => log.push(`immediate2@${at()}`));
          });
          setTimeout(() => {
            log.push(`timer@${at()}`);
            resolve();
          }, 1);
        }, 500),
      );
      return log;
    });
    expect(seen).toEqual(['nextTick@500', 'microtask@500', 'immediate@500', 'immediate2@500', 'timer@501']);
  });

  it('the same seed gives the same trace (timers, Math.random, loss); another seed does not', async () => {
    const run = (seed: number) =>
      runSimulatedNetwork(
        { seed, link: { delay: 15, jitter: 5, loss: 0.2 }, artifacts: false },
        async (n) => {
          n.server.createServer((s) => s.pipe(s)).listen(80);
          const socket = n.client.connect(80, 'server');
          socket.resume();
          for (let i = 0; i < 20; i++) {
            await n.sleep(Math.floor(Math.random() * 100)); // the application's own randomness, seeded
            socket.write(`message ${i}`);
          }
          socket.end();
          await new Promise((resolve) => socket.on('close', resolve));
          return JSON.stringify(n.simulation.trace.events);
        },
      );
    const a = await run(9);
    expect(await run(9)).toBe(a);
    expect(await run(10)).not.toBe(a);
  });

  it('a program that can no longer progress fails with SimulationStuckError instead of hanging', async () => {
    const never = runSimulatedNetwork({ seed: 1, artifacts: false }, () => new Promise<void>(() => {}));
    await expect(never).rejects.toThrow(SimulationStuckError);
    const forever = runSimulatedNetwork({ seed: 1, artifacts: false, maxTime: 60_000 }, async () => {
      setInterval(() => {}, 1000);
      await new Promise<void>(() => {});
    });
    await expect(forever).rejects.toThrow(/maxTime \(60000 ms\)/);
  });

  it('uninstall puts the real timers and Date back', async () => {
    const sim = createSimulation({ seed: 1 });
    const time = VirtualTime.instant(sim);
    expect(Date.now()).toBe(time.epoch);
    time.uninstall();
    expect(Math.abs(Date.now() - performance.timeOrigin - performance.now())).toBeLessThan(1000);
    await new Promise((resolve) => setImmediate(resolve));
  });
});

describe('paced mode', () => {
  it('virtual time follows the wall clock at the speed factor, with the simulation in step', async () => {
    const seen = await runSimulatedNetwork(
      { seed: 1, mode: 'paced', speed: 100, artifacts: false },
      async (n) => {
        n.server.createServer((s) => s.pipe(s)).listen(80);
        const socket = n.client.connect(80, 'server');
        const echoed = new Promise<string>((resolve) =>
          socket.once('data', (d: Buffer) => resolve(String(d))),
        );
        socket.write('paced');
        const text = await echoed;
        await n.sleep(1000);
        socket.destroy();
        return { text, virtual: n.time.now, simAgrees: n.simulation.now <= n.time.now };
      },
    );
    expect(seen.text).toBe('paced');
    expect(seen.virtual).toBeGreaterThanOrEqual(1000);
    expect(seen.simAgrees).toBe(true);
  });

  it('rejects a speed that is not a positive number', () => {
    const sim = createSimulation({ seed: 1 });
    expect(() => VirtualTime.paced(sim, { speed: 0 })).toThrow(RangeError);
  });
});
