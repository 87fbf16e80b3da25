/**
 * Scenario files mean what they say: per-direction link settings apply to that direction only, a step
 * that never ran and a check past the end of the run are failures, not silent passes.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../src/language/parse.js';
import { runScenario } from '../src/runner/run.js';
import type { SynackEvent } from '../src/trace/events.js';

const run = (text: string) => runScenario(parseScenario(text, 'semantics.yaml'));

/** Transit time (sent to delivered) of each delivered segment, by direction `from>to`. */
function transit(trace: readonly SynackEvent[]): Map<string, Set<number>> {
  const sent = new Map<number, { time: number; dir: string }>();
  const out = new Map<string, Set<number>>();
  for (const e of trace) {
    if (e.type === 'segment.sent') sent.set(e.segmentId, { time: e.time, dir: `${e.from}>${e.to}` });
    if (e.type === 'segment.delivered' && e.copy === 0) {
      const s = sent.get(e.segmentId)!;
      const set = out.get(s.dir) ?? new Set<number>();
      set.add(e.time - s.time);
      out.set(s.dir, set);
    }
  }
  return out;
}

const exchange = `timeline:
  - open: client
  - when: { client.ws: OPEN }
    send: hello
  - wait: 200ms
  - close: { by: client, code: 1000 }
`;

describe('link: a from>to block applies to that direction only', () => {
  it.each([
    ['client>server', [40], [5]],
    ['server>client', [5], [40]],
  ])('%s: { delay: 40ms } over a 5 ms default', (direction, clientToServer, serverToClient) => {
    const r = run(`name: d\nlink:\n  delay: 5ms\n  ${direction}: { delay: 40ms }\n${exchange}`);
    const times = transit(r.trace);
    expect([...(times.get('client>server') ?? [])]).toEqual(clientToServer);
    expect([...(times.get('server>client') ?? [])]).toEqual(serverToClient);
  });

  it('loss on one direction loses segments in that direction only (seeds 1-5)', () => {
    const lost = [1, 2, 3, 4, 5].flatMap((seed) =>
      run(
        `name: l\nseed: ${seed}\nlink:\n  delay: 5ms\n  client>server: { loss: 0.5 }\n${exchange}`,
      ).trace.filter((e) => e.type === 'segment.dropped' && e.reason === 'loss'),
    );
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((e) => e.type === 'segment.dropped' && e.from === 'client')).toBe(true);
  });

  it("a loss intervention keeps each direction's own delay", async () => {
    const { startRun } = await import('../src/runner/run.js');
    const live = startRun(
      parseScenario(`name: i\nlink:\n  server>client: { delay: 40ms }\n${exchange}`, 'i.yaml'),
      {
        interventions: [{ at: 1, kind: 'loss', probability: 0 }],
      },
    );
    const times = transit(live.finish().trace);
    expect([...(times.get('server>client') ?? [])]).toEqual([40]);
    expect([...(times.get('client>server') ?? [])]).toEqual([10]);
  });
});

describe('what could not run or be seen fails the run', () => {
  it('a step after the run ended (until) is a failure naming the step', () => {
    const r = run(`name: u\nuntil: 1s\ntimeline:\n  - open: client\n  - at: 5s\n    send: too late\n`);
    expect(r.passed).toBe(false);
    expect(r.failures).toEqual([
      expect.stringMatching(
        /^step 2: send \(line 5\) never ran: the run ended first, at its until \(1000 ms\)/,
      ),
    ]);
  });

  it('a state check at a time after the run ended fails', () => {
    const r = run(
      `name: s\nuntil: 2s\ntimeline:\n  - open: client\nexpect:\n  - state: { client.tcp: ESTABLISHED }\n    at: 10min\n`,
    );
    expect(r.passed).toBe(false);
    expect(r.results[0]?.message).toMatch(/at 600000 ms: the run ended at 2000 ms/);
  });

  it('a state check after a run went quiet, within its until, holds (nothing changes when idle)', () => {
    const r = run(
      `name: q\nuntil: 10min\ntimeline:\n  - connect: client\nexpect:\n  - state: { client.tcp: ESTABLISHED }\n    at: 9min\n`,
    );
    expect(r.passed).toBe(true);
  });
});

describe('RFC 6455 5.5.1: a message in the same read as the Close is still answered', () => {
  const hex = (text: string) =>
    Buffer.from(text)
      .toString('hex')
      .replace(/(..)(?!$)/g, '$1 ');
  // A masked text frame (mask key 0, so the payload reads as itself) and a masked Close 1000, written
  // in one piece so they travel in one segment and arrive in one read.
  const frames = (text: string) =>
    `81 ${(0x80 | text.length).toString(16)} 00 00 00 00 ${hex(text)} 88 82 00 00 00 00 03 e8`;
  it.each([
    ['echo', 'last words', ['last words']],
    ['chat', 'type=add&ming=Muxer', 1],
  ] as const)(
    'the %s app answers a message that arrives in one segment with the Close',
    (app, text, wanted) => {
      const r = run(`name: last-words
endpoints:
  client: {}
  server: { app: ${app} }
timeline:
  - open: client
  - when: { client.ws: OPEN }
    raw: { hex: '${frames(text)}' }
  - wait: 1s
`);
      const data = r.trace.filter((e) => e.type === 'segment.sent' && e.from === 'client' && e.seg.len > 0);
      expect(data[1]?.type === 'segment.sent' && data[1].seg.len).toBe(6 + text.length + 8);
      const answered = r.received.get('client') ?? [];
      if (typeof wanted === 'number') expect(answered).toHaveLength(wanted);
      else expect(answered).toEqual(wanted);
    },
  );
});

describe('YAML anchors and aliases (YAML 1.2 3.2.2.2) are followed, within a bound', () => {
  it('an aliased step and an aliased mapping value mean what their anchors hold', () => {
    const r = run(`name: a
link: &fast { delay: 2ms }
timeline:
  - open: client
  - &hello
    when: { client.ws: OPEN }
    send: hello
  - *hello
  - wait: 100ms
  - close: { by: client, code: 1000 }
expect:
  - received: { server: [hello, hello] }
`);
    expect(r.failures).toEqual([]);
    expect(r.passed).toBe(true);
    expect(r.scenario.link['*']).toEqual({ delay: 2 });
  });

  it('an alias bomb (each level doubling) is an error, found quickly', () => {
    const levels = ['a0: &a0 [x, x]'];
    for (let i = 1; i < 40; i++) levels.push(`a${i}: &a${i} [*a${i - 1}, *a${i - 1}]`);
    const text = `name: bomb\ndescription: ${'x'}\nfaults: []\n# ${levels.length} levels\nexpect: []\ntimeline: []\nx:\n  ${levels.join('\n  ')}\n`;
    let message = '';
    try {
      parseScenario(text, 'bomb.yaml');
    } catch (error) {
      message = String((error as Error).message);
    }
    expect(message).toMatch(/aliases expand this file past 20000 values/);
  });
});
