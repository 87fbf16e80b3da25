/**
 * One virtual clock for the application and the simulation: @sinonjs/fake-timers (the library behind
 * vitest's `vi.useFakeTimers`) replaces the application's `setTimeout`, `setInterval`, `Date`,
 * `performance.now` and `process.hrtime`, and a driver moves that clock and the simulation's scheduler
 * together.
 *
 * Theory of operation. The fake clock holds the application's timers plus one "wake" timer at the
 * simulation's next event (rounded up to the clock's whole milliseconds). The driver repeats:
 *   1. settle: let the real event loop run everything due *now*: microtasks, `process.nextTick`
 *      callbacks and `setImmediate` callbacks (these three stay real; the driver counts pending
 *      immediates and waits until there are none, so a chain of immediates runs at one instant);
 *   2. re-arm the wake timer (the application may have written, which schedules segments);
 *   3. fire the earliest fake timer (`clock.next()`), which moves the clock to its time. Before an
 *      application timer's callback runs, the simulation is run up to that time, so the simulated
 *      network and `Date.now()` never disagree; the wake timer runs the simulation to its time.
 * Instant mode does step 3 at once (a 2-minute scenario runs in milliseconds); paced mode first waits
 * for the wall clock, at `speed` virtual ms per wall ms.
 *
 * Determinism: everything the driver runs is ordered by (virtual time, timer creation order), and the
 * real queues it settles in between hold only work the same run put there, so the same seed and the
 * same program give the same trace. Real I/O (a real socket, a file read) is the exception: it
 * completes in wall time, so a run that waits on it is no longer a function of its seed.
 * At one virtual instant: simulator events (arrivals, TCP timers) due at or before an application
 * timer's time run before its callback; a timer created with delay 0 inside a timer callback runs 1 ms
 * later (fake-timers' rule, like Node's minimum of 1 ms).
 */
import { type Clock, withGlobal } from '@sinonjs/fake-timers';
import type { Simulation } from '../sim/simulation.js';

export interface VirtualTimeOptions {
  /** Wall-clock date (ms since 1970) that virtual time 0 maps to; default 2026-01-01T00:00:00Z. */
  readonly epoch?: number;
  /** Give up when virtual time passes this many ms (default 24 h): a program that never settles fails. */
  readonly maxTime?: number;
  /**
   * How long (wall ms) an instant run may wait, with no timer or simulated event pending, for real I/O
   * to bring work before it reports that the program is stuck (default 2000).
   */
  readonly idleWallMs?: number;
}

export interface PacedOptions extends VirtualTimeOptions {
  /** Virtual ms per wall ms (default 1: virtual time follows the wall clock). */
  readonly speed?: number;
}

export const DEFAULT_EPOCH = Date.UTC(2026, 0, 1);

/** The program awaited by `run()` can no longer make progress in virtual time. */
export class SimulationStuckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimulationStuckError';
  }
}

const FAKED = [
  'setTimeout',
  'clearTimeout',
  'setInterval',
  'clearInterval',
  'Date',
  'performance',
  'hrtime',
] as const;

type Callback = (...args: unknown[]) => unknown;

export class VirtualTime {
  readonly clock: Clock;
  readonly epoch: number;
  private readonly maxTime: number;
  private readonly idleWallMs: number;
  private readonly real: {
    setTimeout: typeof setTimeout;
    setImmediate: typeof setImmediate;
    clearImmediate: typeof clearImmediate;
  };
  private readonly pendingImmediates = new Set<NodeJS.Immediate>();
  private wake: { at: number; id: unknown } | undefined;
  private installed = true;
  private readonly restore: Array<() => void> = [];

  private constructor(
    readonly simulation: Simulation,
    readonly mode: 'instant' | 'paced',
    private readonly speed: number,
    options: VirtualTimeOptions,
  ) {
    this.epoch = options.epoch ?? DEFAULT_EPOCH;
    this.maxTime = options.maxTime ?? 24 * 3600_000;
    this.idleWallMs = options.idleWallMs ?? 2000;
    this.real = {
      setTimeout: globalThis.setTimeout,
      setImmediate: globalThis.setImmediate,
      clearImmediate: globalThis.clearImmediate,
    };
    this.clock = withGlobal(globalThis).install({
      now: this.epoch + Math.ceil(simulation.now),
      toFake: [...FAKED],
      loopLimit: 1_000_000,
    });
    this.syncTimersWithSimulation();
    this.countImmediates();
  }

  /** Instant mode: virtual time jumps from event to event. */
  static instant(simulation: Simulation, options: VirtualTimeOptions = {}): VirtualTime {
    return new VirtualTime(simulation, 'instant', 0, options);
  }

  /** Paced mode: virtual time follows the wall clock at `speed` virtual ms per wall ms. */
  static paced(simulation: Simulation, options: PacedOptions = {}): VirtualTime {
    const speed = options.speed ?? 1;
    if (!(speed > 0 && Number.isFinite(speed))) throw new RangeError('speed must be a positive number');
    return new VirtualTime(simulation, 'paced', speed, options);
  }

  /** Virtual ms since the simulation began. */
  get now(): number {
    return this.clock.now - this.epoch;
  }

  /** Runs `program` with time moving until it settles; its result, or its error. */
  async run<T>(program: () => Promise<T> | T): Promise<T> {
    if (!this.installed) throw new Error('virtual time was uninstalled');
    const state: { settled: boolean; outcome: { ok: true; value: T } | { ok: false; error: unknown } } = {
      settled: false,
      outcome: { ok: false, error: undefined },
    };
    Promise.resolve()
      .then(program)
      .then(
        (value) => {
          state.outcome = { ok: true, value };
        },
        (error: unknown) => {
          state.outcome = { ok: false, error };
        },
      )
      .finally(() => {
        state.settled = true;
      });
    await this.drive(() => state.settled);
    if (state.outcome.ok) return state.outcome.value;
    throw state.outcome.error;
  }

  /** Lets `ms` of virtual time pass (instant: at once; paced: at the pace). */
  advance(ms: number): Promise<void> {
    return this.run(() => new Promise<void>((resolve) => this.clock.setTimeout(() => resolve(), ms)));
  }

  /** Puts the real timers, Date and setImmediate back. */
  uninstall(): void {
    if (!this.installed) return;
    this.installed = false;
    for (const undo of this.restore.reverse()) undo();
    this.clock.uninstall();
  }

  // ------------------------------------------------------------------------------------------

  private async drive(done: () => boolean): Promise<void> {
    let wallStart = performanceNow();
    let virtualStart = this.clock.now;
    for (;;) {
      await this.settle();
      if (done()) return;
      this.armWake();
      if (this.now > this.maxTime)
        throw new SimulationStuckError(
          `virtual time passed maxTime (${this.maxTime} ms) before the program settled`,
        );
      if (this.clock.countTimers() === 0) {
        if (await this.waitForRealWork(done)) continue;
        throw new SimulationStuckError(
          `nothing left to run at virtual ${this.now} ms (no timer, no simulated event) and the program has not settled`,
        );
      }
      if (this.mode === 'instant') {
        await this.inMacrotask(() => this.clock.next());
        continue;
      }
      // Paced: advance to where the wall clock says virtual time is, timer by timer, then sleep a little.
      const target = virtualStart + Math.floor((performanceNow() - wallStart) * this.speed);
      if (target > this.clock.now) {
        let reached = false;
        this.clock.setTimeout(() => {
          reached = true;
        }, target - this.clock.now);
        while (!reached) {
          await this.inMacrotask(() => this.clock.next());
          await this.settle();
          if (done()) return;
          this.armWake();
        }
      } else {
        await new Promise((resolve) => this.real.setTimeout(resolve, 2));
      }
      if (this.clock.now - virtualStart > 1e9) {
        wallStart = performanceNow();
        virtualStart = this.clock.now;
      }
    }
  }

  /**
   * Fires timers from a real macrotask, as Node's event loop does: what the callbacks queue then runs
   * in Node's order (nextTick callbacks, then promise microtasks), not inside a promise continuation.
   */
  private inMacrotask(step: () => void): Promise<void> {
    return new Promise((resolve, reject) =>
      this.real.setImmediate(() => {
        try {
          step();
          resolve();
        } catch (error) {
          reject(error);
        }
      }),
    );
  }

  /** Runs what is due now on the real loop: microtasks, nextTick, and every pending setImmediate. */
  private async settle(): Promise<void> {
    do {
      await new Promise((resolve) => this.real.setImmediate(resolve));
    } while (this.pendingImmediates.size > 0);
  }

  /** Idle with nothing scheduled: real I/O may still bring work. True if it did. */
  private async waitForRealWork(done: () => boolean): Promise<boolean> {
    const deadline = performanceNow() + this.idleWallMs;
    while (performanceNow() < deadline) {
      await new Promise((resolve) => this.real.setTimeout(resolve, 1));
      await this.settle();
      if (done()) return true;
      this.armWake();
      if (this.clock.countTimers() > 0) return true;
    }
    return false;
  }

  /** Keeps one fake timer at the simulation's next event (whole ms, never in the past). */
  private armWake(): void {
    const next = this.simulation.nextEventTime;
    if (next === undefined) {
      if (this.wake) this.clock.clearTimeout(this.wake.id as number);
      this.wake = undefined;
      return;
    }
    const at = Math.max(this.clock.now, this.epoch + Math.ceil(next));
    if (this.wake?.at === at) return;
    if (this.wake) this.clock.clearTimeout(this.wake.id as number);
    const id = this.originalSetTimeout(() => {
      this.wake = undefined;
      this.catchUp();
    }, at - this.clock.now);
    this.wake = { at, id };
  }

  /** Runs the simulation up to the clock's time. */
  private catchUp(): void {
    const target = this.clock.now - this.epoch;
    if (target >= this.simulation.now) this.simulation.run({ until: target });
  }

  private originalSetTimeout: (fn: () => void, ms: number) => unknown = () => undefined;

  /**
   * Every application timer's callback first runs the simulation up to the timer's time, so that
   * what the callback does (write, connect) happens at the right virtual instant.
   */
  private syncTimersWithSimulation(): void {
    const clock = this.clock as unknown as Record<'setTimeout' | 'setInterval', (...a: unknown[]) => unknown>;
    const setTimeoutFake = clock.setTimeout.bind(this.clock);
    const setIntervalFake = clock.setInterval.bind(this.clock);
    this.originalSetTimeout = (fn, ms) => setTimeoutFake(fn, ms);
    const wrap = (fn: unknown): unknown =>
      typeof fn === 'function'
        ? function (this: unknown, ...args: unknown[]) {
            self.catchUp();
            return (fn as Callback).apply(this, args);
          }
        : fn;
    const self = this;
    const original = { setTimeout: clock.setTimeout, setInterval: clock.setInterval };
    clock.setTimeout = (fn: unknown, ...rest: unknown[]) => setTimeoutFake(wrap(fn), ...rest);
    clock.setInterval = (fn: unknown, ...rest: unknown[]) => setIntervalFake(wrap(fn), ...rest);
    this.restore.push(() => {
      clock.setTimeout = original.setTimeout;
      clock.setInterval = original.setInterval;
    });
  }

  /** setImmediate stays real; counting the pending ones lets `settle` wait for a chain of them. */
  private countImmediates(): void {
    const pending = this.pendingImmediates;
    const realSet = this.real.setImmediate;
    const realClear = this.real.clearImmediate;
    const counted = (fn: Callback, ...args: unknown[]): NodeJS.Immediate => {
      const handle: NodeJS.Immediate = realSet(() => {
        pending.delete(handle);
        fn(...args);
      });
      pending.add(handle);
      return handle;
    };
    globalThis.setImmediate = counted as unknown as typeof setImmediate;
    globalThis.clearImmediate = ((handle: NodeJS.Immediate | undefined) => {
      if (handle) pending.delete(handle);
      realClear(handle);
    }) as typeof clearImmediate;
    this.restore.push(() => {
      globalThis.setImmediate = realSet;
      globalThis.clearImmediate = realClear;
    });
  }
}

/** The wall clock (captured before any clock is faked). */
const performanceNow = performance.now.bind(performance);
