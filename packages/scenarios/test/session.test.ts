import { describe, expect, test } from 'vitest';
import { createSession, foldTrace, loadScenario } from '../src/index.js';

describe('sessions: time travel by replay (ARCHITECTURE.md)', () => {
  const session = createSession(loadScenario('lossy-1mib'));
  const { trace } = session;

  test('viewAt any cursor equals a fresh fold of that prefix, whatever order the cursor moves in', () => {
    const cursors = [trace.length - 1, 10, 5000, 4999, 600, 7000, 511, 512, 513, 0, -1, 1200];
    for (const cursor of cursors) {
      const fresh = foldTrace(trace, session.scenario.endpoints, cursor);
      const view = session.viewAt(cursor);
      expect(view.cursor).toBe(fresh.cursor);
      expect(view.endpoints).toEqual(fresh.endpoints);
      expect(view.arrows.map((a) => [a.segmentId, a.copy, a.fate])).toEqual(
        fresh.arrows.map((a) => [a.segmentId, a.copy, a.fate]),
      );
    }
  });

  test('a segment in flight at the cursor already knows when it will arrive', () => {
    const sentIndex = trace.findIndex((e) => e.type === 'segment.sent');
    const arrow = session.viewAt(sentIndex).arrows[0];
    expect(arrow?.fate).toBe('in-flight');
    const arrival = trace.find(
      (e) =>
        (e.type === 'segment.delivered' || e.type === 'segment.dropped') && e.segmentId === arrow?.segmentId,
    );
    expect(arrow?.endAt).toBe(arrival?.time);
  });

  test('an intervention changes only the future: the trace before it is identical', () => {
    const base = createSession(loadScenario('echo-open-close'));
    const at = 50;
    const changed = base.withIntervention({ at, kind: 'drop-next', from: 'client' });
    const earlierThan = (s: typeof base) => s.trace.filter((e) => e.time < at).map((e) => JSON.stringify(e));
    expect(earlierThan(changed)).toEqual(earlierThan(base));
    expect(changed.trace.some((e) => e.type === 'segment.dropped' && e.reason === 'fault')).toBe(true);
    expect(base.trace.some((e) => e.type === 'segment.dropped')).toBe(false);
  });
});

describe('the TCB as the panes show it (RFC 9293 3.3.1), relative to each side ISN', () => {
  test('blog-chat: once established, each side has RCV.NXT = peer SND.NXT and knows the peer ISN', () => {
    const session = createSession(loadScenario('blog-chat'));
    const established = session.trace.findIndex(
      (e) => e.type === 'ws.state' && e.endpoint === 'client' && e.to === 'OPEN',
    );
    const [client, server] = session.viewAt(established).endpoints;
    expect(server?.tcb?.irs).toBe(client?.tcb?.iss);
    expect(client?.tcb?.irs).toBe(server?.tcb?.iss);
    expect(server?.tcb?.rcvNxt).toBe(client?.tcb?.sndNxt);
    expect(client?.tcb?.rcvNxt).toBe(server?.tcb?.sndNxt);
  });
});
