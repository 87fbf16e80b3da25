/**
 * The scenario language's fault selectors by sequence range and time window, and the per-endpoint
 * MSS: read from YAML, carried out by tcp-sim, checked through the run's own expectations.
 */
import { describe, expect, it } from 'vitest';
import { ScenarioErrors } from '../src/language/errors.js';
import { parseScenario } from '../src/language/parse.js';
import { runScenario } from '../src/runner/run.js';

const sentLengths = (run: ReturnType<typeof runScenario>, from: string) =>
  run.trace.flatMap((e) =>
    e.type === 'segment.sent' && e.from === from && e.seg.len > 0 ? [e.seg.len] : [],
  );

describe('faults: seq and time selectors', () => {
  it('seq: { from, to } drops the client segments whose relative SEQ lies in the range, once each', () => {
    const run = runScenario(
      parseScenario(
        `name: seq-range
link: { delay: 5ms }
faults:
  - drop: { from: client, seq: { from: 200, to: 100000 }, flags: PSH }
timeline:
  - open: client
  - when: { client.ws: OPEN }
    send: { size: 3000 }
  - wait: 2s
expect:
  - count: { event: segment.dropped, from: client, min: 1, max: 1 }
  - delivered-intact: client>server
  - segments:
      - client>server PSH,ACK seq=1 carries=http
`,
        'seq-range.yaml',
      ),
    );
    expect(run.failures).toEqual([]);
    expect(run.passed).toBe(true);
  });

  it('seq: N drops exactly the segment at that SEQ', () => {
    const run = runScenario(
      parseScenario(
        `name: seq-one
link: { delay: 5ms }
faults:
  - drop: { from: client, seq: 1 }
timeline:
  - open: client
  - wait: 3s
expect:
  - segments:
      - client>server PSH,ACK seq=1 carries=http
      - client>server PSH,ACK seq=1 carries=http retransmission
`,
        'seq-one.yaml',
      ),
    );
    expect(run.failures).toEqual([]);
  });

  it('time: { from: 100ms } with times: all cuts the path from that instant (the handshake before it is intact)', () => {
    const run = runScenario(
      parseScenario(
        `name: blackout
link: { delay: 5ms }
faults:
  - drop: { time: { from: 100ms }, times: all }
timeline:
  - open: client
  - at: 200ms
    send: lost
  - wait: 2s
expect:
  - state: { client.ws: OPEN }
    at: 99ms
  - count: { event: segment.dropped, from: client, min: 2 }
`,
        'blackout.yaml',
      ),
    );
    expect(run.failures).toEqual([]);
    const drops = run.trace.filter((e) => e.type === 'segment.dropped');
    expect(drops.every((e) => e.time >= 100)).toBe(true);
  });

  it.each([
    ['seq: { from: 9, to: 3 }', "'to' must be above 'from'"],
    ['seq: -1', 'at least 0'],
    ['time: {}', "needs 'from' or 'to'"],
    ['time: { from: soon }', 'must be a duration'],
    ['time: { since: 1s }', 'since'],
  ])('a bad selector (%s) is an error at its place', (selector, says) => {
    let error: unknown;
    try {
      parseScenario(`name: t\nfaults:\n  - drop: { ${selector} }\n`, 'bad.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioErrors);
    const first = (error as ScenarioErrors).errors[0]!;
    expect(first.message).toContain(says);
    expect(first.location.line).toBe(3);
  });
});

describe('endpoints: mss', () => {
  it('RFC 9293 3.7.1: a client with mss 536 announces it, and the server segments its answer to fit', () => {
    const run = runScenario(
      parseScenario(
        `name: small-mss
link: { delay: 5ms }
endpoints:
  client: { mss: 536 }
  server: {}
timeline:
  - open: client
  - when: { client.ws: OPEN }
    send: { size: 2000 }
  - wait: 1s
expect:
  - delivered-intact: server>client
`,
        'small-mss.yaml',
      ),
    );
    expect(run.failures).toEqual([]);
    const syn = run.trace.find((e) => e.type === 'segment.sent' && e.from === 'client');
    expect(syn?.type === 'segment.sent' && syn.seg.options.mss).toBe(536);
    const fromServer = sentLengths(run, 'server');
    expect(Math.max(...fromServer)).toBe(536);
    expect(fromServer.reduce((a, b) => a + b, 0)).toBeGreaterThan(2000);
  });

  it.each([['87'], ['65496'], ['big']])('mss: %s is refused', (value) => {
    expect(() =>
      parseScenario(`name: t\nendpoints:\n  client: { mss: ${value} }\n  server: {}\n`, 'bad.yaml'),
    ).toThrow(ScenarioErrors);
  });
});
