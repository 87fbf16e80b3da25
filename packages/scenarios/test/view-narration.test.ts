import { describe, expect, test } from 'vitest';
import { listScenarios, loadScenario, runScenario, type SynackEvent, ViewBuilder } from '../src/index.js';
import type { Narration } from '../src/view/model.js';

/** Folds a trace event by event and pairs every event with the narration the view gives it. */
function narrated(name: string): { event: SynackEvent; narration: Narration | undefined }[] {
  const scenario = loadScenario(name);
  const run = runScenario(scenario);
  const builder = new ViewBuilder(scenario.endpoints, run.trace.length);
  return run.trace.map((event) => {
    builder.apply(event);
    return { event, narration: builder.snapshot().narration };
  });
}

describe('the view narrates every trace event (the TUI never falls back to a generic line)', () => {
  test.each(listScenarios().map((s) => s.name))('%s: every event has a narration', (name) => {
    const silent = narrated(name)
      .filter((x) => x.narration === undefined)
      .map((x) => `${x.event.seq} ${x.event.type}`);
    expect(silent).toEqual([]);
  });
});

describe('RFC 6455 4: the opening handshake is narrated from the HTTP it carries', () => {
  const events = narrated('blog-chat');
  const handshakes = events.flatMap((x) => (x.narration?.key === 'ws-handshake' ? [x.narration] : []));

  test('the client sends a GET request and the server reads it', () => {
    const request = handshakes.filter((n) => n.kind === 'request');
    expect(request.map((n) => [n.endpoint, n.direction])).toEqual([
      ['client', 'sent'],
      ['server', 'received'],
    ]);
    expect(request[0]?.line).toMatch(/^GET \/\S* HTTP\/1\.1$/);
    expect(request[0]?.status).toBeUndefined();
    expect(request[0]?.length).toBeGreaterThan(100);
  });

  test('the response is 101 Switching Protocols, with its status parsed', () => {
    const response = handshakes.filter((n) => n.kind === 'response');
    expect(response.map((n) => [n.endpoint, n.direction, n.status])).toEqual([
      ['server', 'sent', 101],
      ['client', 'received', 101],
    ]);
  });
});

describe('scenario steps, application data and congestion control are narrated with their numbers', () => {
  test('a scenario step names its 1-based number, its source line and who acts', () => {
    const steps = narrated('blog-chat').flatMap((x) =>
      x.narration?.key === 'scenario-step' ? [x.narration] : [],
    );
    expect(steps[0]?.step).toBe(1);
    expect(steps.every((s, i) => s.step === i + 1 && s.line > 0)).toBe(true);
    expect(steps.some((s) => s.action === 'send' && s.by !== '')).toBe(true);
  });

  test('app.data gives the length and the offset in the peer stream; offsets follow one another', () => {
    const data = narrated('echo-open-close').flatMap((x) =>
      x.narration?.key === 'app-data' && x.narration.endpoint === 'server' ? [x.narration] : [],
    );
    expect(data.length).toBeGreaterThan(0);
    let next = 0;
    for (const d of data) {
      expect(d.offset).toBe(next);
      next += d.length;
    }
  });

  test('RFC 5681: every tcp.cwnd event is narrated with cwnd, ssthresh and flight size', () => {
    const events = narrated('lossy-1mib');
    const cwnd = events.filter((x) => x.event.type === 'tcp.cwnd');
    expect(cwnd.length).toBeGreaterThan(10);
    for (const { event, narration } of cwnd) {
      if (event.type !== 'tcp.cwnd' || narration?.key !== 'cwnd') throw new Error('not narrated as cwnd');
      expect([narration.cwnd, narration.ssthresh, narration.flight]).toEqual([
        event.cwnd,
        event.ssthresh,
        event.flight,
      ]);
    }
  });
});
