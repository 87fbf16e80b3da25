/**
 * The memoized machine runner (machine-runner.ts) must step exactly as an XState actor of the same
 * machine does: same states, same actions in the same order, same delayed 2MSL event, for any
 * sequence of events (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { type TcpEffects, type TcpMachineEvent, tcpMachine } from '../src/endpoint/machine.js';
import { MachineRunner } from '../src/endpoint/machine-runner.js';
import { MACHINE_EVENTS } from './fixtures.js';

const EVENTS = MACHINE_EVENTS;
/** An event's index in EVENTS, by type (and ourFinAcked for RCV.FIN), for readable scripts. */
const ev = (type: TcpMachineEvent['type'], ourFinAcked?: boolean): number =>
  EVENTS.findIndex(
    (e) =>
      e.type === type && (ourFinAcked === undefined || ('ourFinAcked' in e && e.ourFinAcked === ourFinAcked)),
  );
const NAMES: Array<keyof TcpEffects> = [
  'sendSyn',
  'sendSynAck',
  'queueFin',
  'sendReset',
  'signalEstablished',
  'signalReset',
  'signalTimeout',
  'turnOffOtherTimers',
  'deleteTcb',
];

/** A manual clock: timers fire when `fire()` is called. */
function manualClock(log: string[]) {
  const pending = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout(fn: () => void, ms: number) {
      const id = ++next;
      pending.set(id, fn);
      log.push(`set ${ms}`);
      return id;
    },
    clearTimeout(id: unknown) {
      if (pending.delete(id as number)) log.push('clear');
    },
    fireAll() {
      const fns = [...pending.values()];
      pending.clear();
      for (const fn of fns) fn();
    },
  };
}

function recorder(log: string[]): TcpEffects {
  return Object.fromEntries(NAMES.map((n) => [n, () => log.push(n)])) as unknown as TcpEffects;
}

/** An XState actor and a runner of the same machine, each with a manual clock and a log of what it did. */
function pair() {
  const logA: string[] = [];
  const logB: string[] = [];
  const clockA = manualClock(logA);
  const clockB = manualClock(logB);
  const actor = createActor(tcpMachine, { input: { msl: 500, effects: recorder(logA) }, clock: clockA });
  actor.start();
  logA.length = 0; // the initial CLOSED entry action: the runner starts without it
  const runner = new MachineRunner(recorder(logB), 1000, clockB);
  return {
    actor,
    runner,
    logA,
    logB,
    /** An event by index into EVENTS, or -1: fire the pending timers on both clocks. */
    step(i: number) {
      if (i === -1) {
        clockA.fireAll();
        clockB.fireAll();
      } else {
        actor.send(EVENTS[i]!);
        runner.send(EVENTS[i]!);
      }
    },
  };
}

/** Runs one script through both and returns their logs (before stopping the actor). */
function both(script: readonly number[]): [string[], string[]] {
  const p = pair();
  for (const i of script) p.step(i);
  const result: [string[], string[]] = [[...p.logA], [...p.logB]];
  p.actor.stop(); // (stopping clears the actor's pending timers: not part of the comparison)
  return result;
}

describe('machine runner = XState actor: the order of effects and timer actions', () => {
  // Found by the property below: a FIN retransmitted into TIME-WAIT re-enters the state. The actor
  // runs the named effects at once and defers cancel / delayed raise until the transition is done.
  it.each([
    [
      'passive side',
      [ev('PASSIVE_OPEN'), ev('RCV.SYN'), ev('CLOSE'), ev('RCV.FIN', true), ev('RCV.FIN', false)],
    ],
    [
      'active side',
      [ev('ACTIVE_OPEN'), ev('RCV.SYN-ACK'), ev('CLOSE'), ev('RCV.FIN', true), ev('RCV.FIN', false)],
    ],
  ])(
    'RFC 9293 3.10.7.4: TIME-WAIT re-entered (%s): effects, then the 2MSL cancel and re-arm',
    (_side, script) => {
      const [actor, runner] = both(script);
      expect(runner).toEqual(actor);
      expect(runner.slice(-3)).toEqual(['turnOffOtherTimers', 'clear', 'set 1000']);
    },
  );
});

describe('machine runner = XState actor', () => {
  it('3.3.2: for any event sequence (with the 2MSL timer firing at random points) states and actions agree', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 0, max: EVENTS.length - 1 }), fc.constant(-1)), {
          maxLength: 30,
        }),
        (script) => {
          const p = pair();
          for (const i of script) {
            p.step(i);
            expect(p.runner.state).toBe(p.actor.getSnapshot().value);
            expect(p.runner.passive).toBe(p.actor.getSnapshot().context.passive);
            expect(p.logB).toEqual(p.logA);
          }
          p.actor.stop();
        },
      ),
      { numRuns: 300 },
    );
  });
});
