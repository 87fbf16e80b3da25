/**
 * A connection's timers as values, in one place (the pattern smoltcp uses: `Timer::Retransmit {
 * expires_at }`). Each timer has a slot that holds either nothing or the armed timer: its trace name,
 * id and deadline, plus the scheduler's handle. Arming, cancelling and firing all go through here, so
 * the `timer.*` trace events come from one choke point and `names()` can list what is armed.
 *
 * Handlers are registered once per slot for the connection's life (`on`): a timer armed per segment
 * (RTO, delayed ACK) then costs one small object, not a closure. A slot is emptied before its handler
 * runs, so a handler may re-arm its own slot.
 *
 * The 2MSL timer is not here: it is the machine's own delayed transition (see connection.ts).
 */
import type { TimerStopCause } from '../trace/events.js';
import type { EndpointEnvironment, TimerHandle } from './environment.js';
import type { TimerName } from './timers.js';

/** The slots, one per concurrently armed timer. The retransmission slot holds 'SYN' or 'RTO'. */
export const RETRANSMIT = 0;
export const PERSIST = 1;
export const DELACK = 2;
export const KEEPALIVE = 3;
export const USER = 4;
export const FIN_WAIT_2 = 5;
export type TimerSlot =
  | typeof RETRANSMIT
  | typeof PERSIST
  | typeof DELACK
  | typeof KEEPALIVE
  | typeof USER
  | typeof FIN_WAIT_2;
const SLOTS = 6;

/** A timer as the trace names it, with the scheduler's handle (one object per armed timer). */
export interface ArmedTimer extends TimerHandle {
  readonly handle: unknown;
}

/** How the 2MSL clock reaches back into its connection. */
export interface TimeWaitHooks {
  /** The timer expired: run XState's callback and trace the state change it makes. */
  expired(fire: () => void): void;
  /** Runs `work` once the state change being made is traced. */
  afterStateChange(work: () => void): void;
  /** Why a cancelled 2MSL stopped. */
  stopCause(): TimerStopCause;
}

export class TimerSet {
  private readonly armed: Array<ArmedTimer | undefined> = new Array<ArmedTimer | undefined>(SLOTS).fill(
    undefined,
  );
  private readonly handlers: Array<(() => void) | undefined> = new Array<(() => void) | undefined>(
    SLOTS,
  ).fill(undefined);
  /** What the scheduler calls: empties the slot, traces `timer.fired`, runs the handler. */
  private readonly firing: Array<(() => void) | undefined> = new Array<(() => void) | undefined>(SLOTS).fill(
    undefined,
  );

  constructor(
    private readonly env: EndpointEnvironment,
    private readonly conn: string,
  ) {}

  /** Registers the handler of a slot (once). */
  on(slot: TimerSlot, handler: () => void): void {
    this.handlers[slot] = handler;
  }

  /** The armed timer in a slot, if any (its deadline, name and id). */
  get(slot: TimerSlot): ArmedTimer | undefined {
    return this.armed[slot];
  }

  isArmed(slot: TimerSlot): boolean {
    return this.armed[slot] !== undefined;
  }

  /** Arms a slot (which must be empty) to fire `delay` from now. */
  arm(slot: TimerSlot, name: TimerName, delay: number): ArmedTimer {
    const id = this.env.nextTimerId();
    const deadline = this.env.now() + delay;
    let fire = this.firing[slot];
    if (fire === undefined) {
      fire = () => {
        const timer = this.armed[slot];
        this.armed[slot] = undefined;
        if (timer) this.trace('timer.fired', timer);
        this.handlers[slot]?.();
      };
      this.firing[slot] = fire;
    }
    const timer: ArmedTimer = { id, name, deadline, handle: this.env.setTimer(delay, fire) };
    this.armed[slot] = timer;
    this.trace('timer.set', timer);
    return timer;
  }

  /** Cancels a slot's timer, if armed. `cause`: why, when it did not simply become unneeded. */
  stop(slot: TimerSlot, cause?: TimerStopCause): void {
    const timer = this.armed[slot];
    if (!timer) return;
    this.armed[slot] = undefined;
    this.env.clearTimer(timer.handle);
    this.trace('timer.cancelled', timer, cause);
  }

  /** Cancels every slot, in slot order. */
  stopAll(cause: TimerStopCause): void {
    for (let slot = 0; slot < SLOTS; slot++) this.stop(slot as TimerSlot, cause);
  }

  /** The armed timers' names, in slot order. */
  names(): TimerName[] {
    const names: TimerName[] = [];
    for (const timer of this.armed) if (timer) names.push(timer.name);
    return names;
  }

  trace(
    type: 'timer.set' | 'timer.fired' | 'timer.cancelled',
    info: TimerHandle,
    stopCause?: TimerStopCause,
  ): void {
    if (!this.env.tracing.observed) return;
    const host = this.env.hostName;
    const { name: timer, id: timerId, deadline } = info;
    if (type !== 'timer.cancelled') {
      this.env.trace({ type, host, conn: this.conn, timer, timerId, deadline });
      return;
    }
    this.env.trace({
      type,
      host,
      conn: this.conn,
      timer,
      timerId,
      deadline,
      ...(stopCause === undefined ? {} : { stopCause }),
    });
  }

  /**
   * The clock XState's `after` runs TIME-WAIT's 2MSL on (the machine's only delayed transition): one
   * slot, not a table, traced like the other timers. XState arms it while entering TIME-WAIT, so the
   * `timer.set` event waits until the state change is traced.
   */
  timeWaitClock(hooks: TimeWaitHooks) {
    let armed: { handle: unknown; info: TimerHandle } | undefined;
    const timers = this;
    const env = this.env;
    // Method shorthand, not arrow properties: under tsx a named function expression costs a
    // defineProperty and a property table each.
    return {
      setTimeout(fn: (...args: unknown[]) => void, ms: number) {
        const info: TimerHandle = { id: env.nextTimerId(), name: '2MSL', deadline: env.now() + ms };
        const handle = env.setTimer(ms, () => {
          if (armed?.handle === handle) armed = undefined;
          timers.trace('timer.fired', info);
          hooks.expired(fn);
        });
        armed = { handle, info };
        hooks.afterStateChange(() => timers.trace('timer.set', info));
        return handle;
      },
      clearTimeout(handle: unknown) {
        if (!armed || armed.handle !== handle) return;
        const { info } = armed;
        armed = undefined;
        env.clearTimer(handle);
        timers.trace('timer.cancelled', info, hooks.stopCause());
      },
    };
  }
}
