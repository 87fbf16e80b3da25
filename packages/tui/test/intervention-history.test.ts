/**
 * ARCHITECTURE.md, time travel by replay: a live intervention happens after the event at the cursor, so everything the person
 * has already seen stays exactly as it was. Checked on the real runner for every library scenario small
 * enough to re-run many times, every kind of intervention the keys make, at any cursor.
 */
import {
  createSession,
  type Intervention,
  listScenarios,
  loadScenario,
  type Session,
} from '@synack/scenarios';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const sessions = new Map<string, Session>();
function session(name: string): Session {
  let s = sessions.get(name);
  if (s === undefined) {
    s = createSession(loadScenario(name));
    sessions.set(name, s);
  }
  return s;
}

/** Scenarios that re-run in a few milliseconds (lossy-1mib takes a second; it is covered below once). */
const SMALL = listScenarios()
  .map((s) => s.name)
  .filter((name) => session(name).trace.length < 2000);

type Make = (after: number, at: number) => Intervention;
const KINDS: Readonly<Record<string, Make>> = {
  drop: (after, at) => ({ after, at, kind: 'drop-next' }),
  corrupt: (after, at) => ({ after, at, kind: 'corrupt-next' }),
  'loss on': (after, at) => ({ after, at, kind: 'loss', probability: 0.2 }),
  send: (after, at) => ({
    after,
    at,
    kind: 'action',
    action: { type: 'send', by: 'client', payload: { kind: 'text', text: 'hi' }, fragments: 1 },
  }),
  close: (after, at) => ({ after, at, kind: 'action', action: { type: 'close', by: 'client', code: 1000 } }),
  abort: (after, at) => ({ after, at, kind: 'action', action: { type: 'abort', by: 'client' } }),
};

const json = (events: readonly unknown[]) => events.map((e) => JSON.stringify(e));

describe('time travel by replay: an intervention never rewrites what is already shown', () => {
  it('for any run and any intervention at any cursor, the events up to the cursor are unchanged', {
    timeout: 120_000,
  }, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SMALL),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(...Object.keys(KINDS)),
        (name, where, kind) => {
          const base = session(name);
          const cursor = Math.min(base.trace.length - 1, Math.floor(where * base.trace.length));
          const make = KINDS[kind] as Make;
          const changed = base.withIntervention(make(cursor, base.trace[cursor]?.time ?? 0));
          expect(json(changed.trace.slice(0, cursor + 1))).toEqual(json(base.trace.slice(0, cursor + 1)));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('interventions made one after another keep each earlier prefix too (the second after the first)', {
    timeout: 120_000,
  }, () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SMALL),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(...Object.keys(KINDS)),
        fc.constantFrom(...Object.keys(KINDS)),
        (name, w1, w2, k1, k2) => {
          const base = session(name);
          const first = Math.floor(w1 * base.trace.length * 0.9);
          const once = base.withIntervention((KINDS[k1] as Make)(first, base.trace[first]?.time ?? 0));
          const second = Math.min(
            once.trace.length - 1,
            first + Math.floor(w2 * (once.trace.length - first)),
          );
          const twice = once.withIntervention((KINDS[k2] as Make)(second, once.trace[second]?.time ?? 0));
          expect(json(twice.trace.slice(0, second + 1))).toEqual(json(once.trace.slice(0, second + 1)));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('at the cursor before anything (-1), an intervention may change the whole run', () => {
    const base = session('blog-chat');
    const changed = base.withIntervention({ after: -1, at: 0, kind: 'drop-next' });
    const first = changed.trace.find((e) => e.type === 'segment.dropped');
    expect(first?.type === 'segment.dropped' && first.reason).toBe('fault');
  });
});

describe('the cases a person met (issue: live changes rewrote the screen)', () => {
  it('echo-open-close: m once the client is OPEN sends the message after the cursor', () => {
    const base = session('echo-open-close');
    const open = base.trace.findIndex(
      (e) => e.type === 'ws.state' && e.endpoint === 'client' && e.to === 'OPEN',
    );
    const changed = base.withIntervention(KINDS.send?.(open, base.trace[open]?.time ?? 0) as Intervention);
    const after = changed.trace.slice(open + 1);
    expect(after.some((e) => e.type === 'scenario.failure')).toBe(false);
    expect(after.some((e) => e.type === 'ws.message' && e.endpoint === 'server' && e.preview === 'hi')).toBe(
      true,
    );
  });

  it('echo-open-close: m while CONNECTING is refused, and the trace says why after the cursor', () => {
    const base = session('echo-open-close');
    const cursor = base.trace.findIndex(
      (e) => e.type === 'ws.handshake' && e.endpoint === 'client' && e.direction === 'sent',
    );
    const changed = base.withIntervention(
      KINDS.send?.(cursor, base.trace[cursor]?.time ?? 0) as Intervention,
    );
    const failure = changed.trace.findIndex((e) => e.type === 'scenario.failure');
    expect(failure).toBeGreaterThan(cursor);
    const event = changed.trace[failure];
    expect(event?.type === 'scenario.failure' && event.message).toBe(
      `intervention after event ${cursor}: client's WebSocket is CONNECTING, not OPEN`,
    );
  });

  it('blog-chat: d with an ACK already drawn drops the next segment sent, never the one on screen', () => {
    const base = session('blog-chat');
    const ack = base.trace.findIndex((e) => e.type === 'segment.sent' && e.seg.flags.join() === 'ACK');
    const changed = base.withIntervention(KINDS.drop?.(ack, base.trace[ack]?.time ?? 0) as Intervention);
    const shown = base.trace[ack];
    const id = shown?.type === 'segment.sent' ? shown.segmentId : -1;
    expect(changed.trace.some((e) => e.type === 'segment.dropped' && e.segmentId === id)).toBe(false);
    const dropped = changed.trace.find((e) => e.type === 'segment.dropped');
    expect(dropped?.type === 'segment.dropped' && dropped.segmentId).toBeGreaterThan(id);
  });

  it('lossy-1mib (11,000+ events): an intervention near the end keeps the long prefix', {
    timeout: 60_000,
  }, () => {
    const base = session('lossy-1mib');
    const cursor = base.trace.length - 200;
    const changed = base.withIntervention(
      KINDS.abort?.(cursor, base.trace[cursor]?.time ?? 0) as Intervention,
    );
    expect(json(changed.trace.slice(0, cursor + 1))).toEqual(json(base.trace.slice(0, cursor + 1)));
    expect(
      changed.trace.slice(cursor + 1).some((e) => e.type === 'segment.sent' && e.seg.flags.includes('RST')),
    ).toBe(true);
  });
});
