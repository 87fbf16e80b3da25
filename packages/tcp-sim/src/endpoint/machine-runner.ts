/**
 * Runs `tcpMachine` for one connection without an XState actor per connection.
 *
 * Theory of operation: XState stays the one definition and computes every step: the first time a
 * (state, passive, event type, ourFinAcked, 2MSL) combination occurs, XState's pure `transition()`
 * resolves it into the next state, the `passive` flag (the machine's only context written by
 * `assign`) and the ordered list of actions to run (named effects, delayed raises, cancels). The
 * result is memoized for every connection: those five values are everything the machine's guards,
 * delays and assignments read, so the memo is exact. Creating an actor per connection and
 * interpreting each event cost about a quarter of a millisecond per connection, which is what made
 * ten thousand simulated connections slower than real loopback sockets.
 *
 * Delayed events (the 2MSL timer) run on the clock handed in (the simulator's scheduler), exactly
 * as `createActor(machine, { clock })` would schedule them.
 */
import { type AnyMachineSnapshot, transition } from 'xstate';
import { type TcpEffects, type TcpMachineEvent, tcpMachine } from './machine.js';
import { TCP_STATES, type TcpState } from './states.js';

export interface MachineClock {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

type StepAction =
  | { readonly kind: 'effect'; readonly name: keyof TcpEffects }
  | { readonly kind: 'raise'; readonly id: string; readonly delay: number; readonly event: TcpMachineEvent }
  | { readonly kind: 'cancel'; readonly id: string };

interface Step {
  readonly to: TcpState;
  readonly passive: boolean;
  readonly actions: readonly StepAction[];
}

/** Memo per 2MSL value: a flat array indexed by (state, passive, event, ourFinAcked). */
const memos = new Map<number, Array<Step | undefined>>();

const STATE_INDEX: Readonly<Record<TcpState, number>> = Object.fromEntries(
  TCP_STATES.map((s, i) => [s, i]),
) as Record<TcpState, number>;
const EVENT_INDEX = new Map<string, number>();

function memoFor(twoMsl: number): Array<Step | undefined> {
  let memo = memos.get(twoMsl);
  if (!memo) {
    memo = [];
    memos.set(twoMsl, memo);
  }
  return memo;
}

function indexOf(state: TcpState, passive: boolean, event: TcpMachineEvent): number {
  let e = EVENT_INDEX.get(event.type);
  if (e === undefined) {
    e = EVENT_INDEX.size;
    EVENT_INDEX.set(event.type, e);
  }
  const finAcked = event.type === 'RCV.FIN' && event.ourFinAcked ? 1 : 0;
  return (((e * TCP_STATES.length + STATE_INDEX[state]) * 2 + (passive ? 1 : 0)) << 1) | finAcked;
}

function contextFor(passive: boolean, twoMsl: number) {
  return { passive, tcb: undefined, twoMsl, effects: undefined };
}

function snapshotFor(state: TcpState, passive: boolean, twoMsl: number): AnyMachineSnapshot {
  return tcpMachine.resolveState({ value: state, context: contextFor(passive, twoMsl) });
}

/** One step of the machine, computed by XState and memoized. */
export function machineStep(
  state: TcpState,
  passive: boolean,
  twoMsl: number,
  event: TcpMachineEvent,
  memo: Array<Step | undefined> = memoFor(twoMsl),
): Step {
  const key = indexOf(state, passive, event);
  const cached = memo[key];
  if (cached) return cached;
  const [next, executable] = transition(tcpMachine, snapshotFor(state, passive, twoMsl), event);
  // A running XState actor executes named actions as the transition resolves them, but defers its
  // built-in scheduling actions (cancel, delayed raise) until the transition is done, in their own
  // order (Actor.update runs the deferred queue). So a re-entered TIME-WAIT turns the other timers
  // off first and only then cancels and re-arms 2MSL: effects first, then the deferred ones.
  const effects: StepAction[] = [];
  const deferred: StepAction[] = [];
  for (const action of executable) {
    const type: string = action.type;
    const params = action.params as
      | { id?: string; sendId?: string; delay?: number; event?: TcpMachineEvent }
      | undefined;
    if (type === 'xstate.raise') {
      deferred.push({ kind: 'raise', id: params!.id!, delay: params!.delay ?? 0, event: params!.event! });
    } else if (type === 'xstate.cancel') {
      deferred.push({ kind: 'cancel', id: params!.sendId! });
    } else {
      // Assignments change only `passive` (read below); every other named action is an effect.
      if (type !== 'xstate.assign') effects.push({ kind: 'effect', name: type as keyof TcpEffects });
    }
  }
  const step: Step = {
    to: next.value as TcpState,
    passive: (next.context as { passive: boolean }).passive,
    actions: effects.concat(deferred),
  };
  memo[key] = step;
  return step;
}

export class MachineRunner {
  state: TcpState = 'CLOSED';
  passive = false;
  /**
   * Pending delayed events as (id, clock handle) pairs, made on first use: the machine has one
   * delayed event (2MSL), and a Map per connection in TIME-WAIT would cost more than it finds.
   */
  private timers: unknown[] | undefined;
  private readonly memo: Array<Step | undefined>;

  private readonly run: (name: keyof TcpEffects) => void;

  /** The clock, or what makes it when a delayed event is first armed. */
  private clockSource: MachineClock | (() => MachineClock);

  /**
   * `effects`: the effect implementations, or one function that receives each action's name.
   * `clock`: the clock, or a function that makes it on first use (most connections never arm the
   * 2MSL timer: only the side that closes first enters TIME-WAIT).
   */
  constructor(
    effects: TcpEffects | ((name: keyof TcpEffects) => void),
    private readonly twoMsl: number,
    clock: MachineClock | (() => MachineClock),
  ) {
    this.memo = memoFor(twoMsl);
    this.run = typeof effects === 'function' ? effects : (name) => effects[name]();
    this.clockSource = clock;
  }

  private get clock(): MachineClock {
    const source = this.clockSource;
    if (typeof source !== 'function') return source;
    const clock = source();
    this.clockSource = clock;
    return clock;
  }

  /** Sends one event: the state moves and the step's actions run, in the order an XState actor runs them. */
  send(event: TcpMachineEvent): void {
    const step = machineStep(this.state, this.passive, this.twoMsl, event, this.memo);
    this.state = step.to;
    this.passive = step.passive;
    for (const action of step.actions) {
      if (action.kind === 'effect') this.run(action.name);
      else if (action.kind === 'cancel') {
        const handle = this.takeTimer(action.id);
        if (handle !== undefined) this.clock.clearTimeout(handle);
      } else this.raise(action.id, action.delay, action.event);
    }
  }

  /**
   * Arms a delayed event. (Its own method: a closure inside send()'s loop would make V8 allocate a
   * context for every action of every step, delayed or not.)
   */
  private raise(id: string, delay: number, event: TcpMachineEvent): void {
    const handle = this.clock.setTimeout(() => {
      this.takeTimer(id);
      this.send(event);
    }, delay);
    this.takeTimer(id); // a raise with a pending id replaces it (as a Map.set would)
    if (this.timers) this.timers.push(id, handle);
    else this.timers = [id, handle];
  }

  /** Forgets the pending delayed event `id`; returns its clock handle (undefined if none). */
  private takeTimer(id: string): unknown {
    const timers = this.timers;
    if (!timers) return undefined;
    for (let i = 0; i < timers.length; i += 2) {
      if (timers[i] === id) {
        const handle = timers[i + 1];
        if (timers.length === 2) this.timers = undefined;
        else timers.splice(i, 2);
        return handle;
      }
    }
    return undefined;
  }

  /** Whether the machine has a transition for `event` in the current state. */
  can(event: TcpMachineEvent): boolean {
    return snapshotFor(this.state, this.passive, this.twoMsl).can(event);
  }
}
