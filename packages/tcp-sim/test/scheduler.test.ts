/**
 * The scheduler keeps one heap per lane (one per phase, far timers apart); the order it runs events
 * in must be exactly the documented one of a single queue: by time, then phase (application calls,
 * arrivals, timers), then the order they were scheduled in, with cancelled events never run
 * (fast-check against a sorted reference).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Phase, type ScheduledEvent, Scheduler } from '../src/sim/scheduler.js';

type Op =
  | { kind: 'schedule'; delay: number; phase: Phase }
  | { kind: 'cancel'; index: number }
  | { kind: 'step' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('schedule' as const),
    // Near and far timers (timers due in 10 s or more wait apart) and the boundary between them.
    delay: fc.oneof(
      fc.constant(0),
      fc.integer({ min: 0, max: 5 }),
      fc.double({ min: 0, max: 5, noNaN: true }),
      fc.integer({ min: 9_998, max: 10_002 }),
      fc.constant(20_000),
    ),
    phase: fc.constantFrom<Phase>(0, 1, 2),
  }),
  fc.record({ kind: fc.constant('cancel' as const), index: fc.nat(60) }),
  fc.record({ kind: fc.constant('step' as const) }),
);

describe('scheduler: the order of one instant (ARCHITECTURE.md, one virtual clock)', () => {
  it('runs events by (time, phase, insertion order), skipping cancelled ones, as one sorted queue would', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const scheduler = new Scheduler();
        const ran: number[] = [];
        const events: ScheduledEvent[] = [];
        /** The reference: every live event, kept sorted by the documented key. */
        let reference: Array<{ time: number; phase: number; id: number; cancelled: boolean }> = [];
        const expected: number[] = [];
        const runReference = () => {
          reference.sort((a, b) => a.time - b.time || a.phase - b.phase || a.id - b.id);
          const next = reference.find((e) => !e.cancelled);
          if (!next) return;
          reference = reference.filter((e) => e !== next);
          expected.push(next.id);
        };
        for (const o of ops) {
          if (o.kind === 'schedule') {
            const id = events.length;
            const time = scheduler.now + o.delay;
            events.push(scheduler.schedule(time, o.phase, () => ran.push(id)));
            reference.push({ time, phase: o.phase, id, cancelled: false });
          } else if (o.kind === 'cancel') {
            const event = events[o.index];
            if (!event) continue;
            scheduler.cancel(event);
            const r = reference.find((e) => e.id === o.index);
            if (r) r.cancelled = true;
          } else {
            scheduler.step();
            runReference();
          }
        }
        scheduler.run(Number.POSITIVE_INFINITY, 1000);
        while (reference.some((e) => !e.cancelled)) runReference();
        expect(ran).toEqual(expected);
        expect(scheduler.pending).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
