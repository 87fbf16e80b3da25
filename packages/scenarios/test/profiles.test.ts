import { describe, expect, test } from 'vitest';
import { defineScenario, parseScenario, runScenario } from '../src/index.js';

const closeAt = (profile: string) =>
  parseScenario(
    `name: p
profile: ${profile}
link: { delay: 10ms }
endpoints: { client: {}, server: { app: none } }
timeline:
  - connect: client
  - at: 100ms
    shutdown: client
  - when: { server.tcp: CLOSE-WAIT }
    shutdown: server
`,
    'p.yaml',
  );

const timeWaitEnds = (profile: string) => {
  const run = runScenario(closeAt(profile));
  const end = run.trace.find((e) => e.type === 'tcp.state' && e.from === 'TIME-WAIT');
  const start = run.trace.find((e) => e.type === 'tcp.state' && e.to === 'TIME-WAIT');
  return (end?.time ?? Number.NaN) - (start?.time ?? Number.NaN);
};

describe('timer profiles in the scenario language (RFC 9293 3.4.2: TIME-WAIT lasts 2 MSL)', () => {
  test.each([
    ['rfc', 240_000],
    ['linux', 60_000],
    ['{ base: linux, msl: 5s }', 10_000],
    ['{ msl: 250ms }', 500],
  ])('profile %s: TIME-WAIT lasts %i ms', (profile, ms) => {
    expect(timeWaitEnds(profile)).toBe(ms);
  });

  test('overrides from TypeScript too: delayedAckMax 0 acknowledges every segment at once', () => {
    const scenario = (profile: object | string) =>
      defineScenario({
        name: 'acks',
        profile: profile as 'rfc',
        link: { delay: '10ms' },
        endpoints: { client: {}, server: { app: 'none' } },
        timeline: [
          { connect: 'client' },
          { when: { 'client.tcp': 'ESTABLISHED' }, raw: { size: 100 } },
          { wait: '1s' },
        ],
      });
    const pureAcks = (profile: object | string) =>
      runScenario(scenario(profile)).trace.filter(
        (e) =>
          e.type === 'segment.sent' && e.from === 'server' && e.seg.len === 0 && e.seg.flags.join() === 'ACK',
      );
    const delayed = pureAcks('rfc');
    const immediate = pureAcks({ delayedAckMax: 0 });
    expect(delayed.length).toBeGreaterThan(0);
    expect(immediate.length).toBeGreaterThan(0);
    // The data arrives at 30 ms: with delayed ACK the ACK leaves up to 200 ms later, without it at once.
    expect(immediate[0]?.time).toBe(30);
    expect(delayed[0]?.time).toBeGreaterThan(30);
  });
});
