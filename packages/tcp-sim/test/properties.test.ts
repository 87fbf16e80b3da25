/**
 * Property tests (fast-check): on a hostile link (loss <= 30 %, duplication, reordering, jitter, in
 * both directions) and for any pattern of writes, each side reads exactly the bytes the other wrote,
 * in order, once; both ends finish CLOSED with no timers left; no segment exceeds the MSS or the
 * peer's advertised window; sequence numbers wrap across 2^32; identical seeds give identical traces.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { eventsOf } from './fixtures.js';
import { checkWindows, play, scenario } from './hostile.js';

describe('RFC 9293 reliable stream on a hostile link (properties)', () => {
  it('RFC 9293 3.4/3.8: exact byte delivery, clean CLOSED ends, MSS and window respected, seq wrap', {
    timeout: 60_000,
  }, () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const o = play(s);
        expect(o.reason).toBe('idle');
        expect(o.serverGot).toEqual(o.clientSent);
        expect(o.clientGot).toEqual(o.serverSent);
        expect(o.client.state).toBe('CLOSED');
        expect(o.server?.state).toBe('CLOSED');
        expect(o.sim.pendingEvents).toBe(0);
        expect(o.client.timers).toEqual([]);
        expect(eventsOf(o.sim, 'error')).toEqual([]);
        checkWindows(o.sim, s.mtu - 40);
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 60), seed: Number(process.env.PROP_SEED ?? 20260101) },
    );
  });

  it('DESIGN 3: identical seeds and scripts give identical traces', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const a = play(s);
        const b = play(s);
        expect(JSON.stringify(b.sim.trace.events)).toBe(JSON.stringify(a.sim.trace.events));
      }),
      { numRuns: 10, seed: 7 },
    );
  });
});
