/**
 * The XState clock (`createActor(machine, { clock })`) backed by the simulator's scheduler: delayed
 * transitions become timer-phase events in virtual time, so the machine never sees a wall clock.
 */
import type { Phase, ScheduledEvent, Scheduler } from './scheduler.js';
import { PHASE_TIMER } from './scheduler.js';

export interface XStateClock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

export interface ClockHooks {
  onSet?(event: ScheduledEvent): void;
  onFire?(event: ScheduledEvent): void;
  onClear?(event: ScheduledEvent): void;
}

export function schedulerClock(
  scheduler: Scheduler,
  hooks: ClockHooks = {},
  phase: Phase = PHASE_TIMER,
): XStateClock {
  return {
    setTimeout(fn, timeout) {
      const event: ScheduledEvent = scheduler.schedule(scheduler.now + Math.max(0, timeout), phase, () => {
        hooks.onFire?.(event);
        fn();
      });
      hooks.onSet?.(event);
      return event;
    },
    clearTimeout(id) {
      const event = id as ScheduledEvent;
      if (event.cancelled) return;
      scheduler.cancel(event);
      hooks.onClear?.(event);
    },
  };
}
