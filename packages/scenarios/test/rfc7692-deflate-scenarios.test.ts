/**
 * permessage-deflate (RFC 7692) in the simulator: the endpoint option `deflate:` in scenario files and
 * `defineScenario`, the built-in compressed-chat scenario, what its trace shows (RSV1 on compressed
 * frames, the inflated message), and determinism with the pure-JS codec.
 */
import { describe, expect, test } from 'vitest';
import { defineScenario, loadScenario, runScenario } from '../src/index.js';
import { ScenarioErrors } from '../src/language/errors.js';
import { parseScenario } from '../src/language/parse.js';
import type { SynackEvent } from '../src/trace/events.js';

type Frame = Extract<SynackEvent, { type: 'ws.frame' }>;
const dataFrames = (trace: readonly SynackEvent[], endpoint: string) =>
  trace.filter(
    (e): e is Frame =>
      e.type === 'ws.frame' && e.endpoint === endpoint && e.direction === 'sent' && e.opcode <= 2,
  );

describe('the built-in compressed-chat scenario', () => {
  const run = runScenario(loadScenario('compressed-chat'));

  test('passes its expectations', () => {
    expect(run.passed).toBe(true);
  });

  test('RFC 7692 6: the join line (below the threshold) goes plain, every longer message with RSV1', () => {
    expect(dataFrames(run.trace, 'client').map((f) => f.rsv)).toEqual([0, 0b100, 0b100]);
    expect(dataFrames(run.trace, 'server').map((f) => f.rsv)).toEqual([0b100, 0b100, 0b100]);
  });

  test('RFC 7692 7.2.3.2: the repeated chat line compresses to far fewer bytes the second time', () => {
    const [, first, second] = dataFrames(run.trace, 'client');
    expect(second!.payloadLength).toBeLessThan(first!.payloadLength / 3);
  });

  test('the trace reports each compressed message inflated, with its real length and text', () => {
    const messages = run.trace.filter((e) => e.type === 'ws.message' && e.endpoint === 'server');
    expect(messages.map((m) => m.type === 'ws.message' && [m.compressed ?? false, m.length])).toEqual([
      [false, 19],
      [true, 99],
      [true, 99],
    ]);
    expect(messages[1]?.type === 'ws.message' && messages[1].preview).toMatch(/^你好! permessage-deflate/);
  });

  test('the handshake carries the offer and the answer', () => {
    const heads = run.trace.filter((e) => e.type === 'ws.handshake' && e.direction === 'sent');
    expect(heads).toHaveLength(2);
  });

  test('same seed, same trace: the pure-JS codec keeps runs deterministic', () => {
    const again = runScenario(loadScenario('compressed-chat'));
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(run.trace));
  });
});

describe('the deflate: endpoint option', () => {
  const scenario = (deflate: unknown, serverDeflate: unknown = true) =>
    defineScenario({
      name: 'd',
      endpoints: {
        client: { deflate: deflate as boolean },
        server: { app: 'echo', deflate: serverDeflate as boolean },
      },
      timeline: [
        { open: 'client' },
        { when: { 'client.ws': 'OPEN' }, send: 'x'.repeat(2000) },
        { wait: '50ms' },
      ],
    });

  test.each([
    ['true on both ends: agreed, the 2000-byte message compressed', true, true, 0b100],
    ['off at the server: declined, sent plain', true, false, 0],
    ['off at the client: not offered, sent plain', false, true, 0],
    [
      'window sizes and no context takeover, offered and answered',
      { serverNoContextTakeover: true, clientMaxWindowBits: 9 },
      { serverMaxWindowBits: 10 },
      0b100,
    ],
  ])('%s', (_why, clientDeflate, serverDeflate, rsv) => {
    const run = runScenario(scenario(clientDeflate, serverDeflate));
    expect(run.passed).toBe(true);
    const frames = dataFrames(run.trace, 'client');
    expect(frames.map((f) => f.rsv)).toEqual([rsv]);
    const received = run.trace.filter((e) => e.type === 'ws.message' && e.endpoint === 'server');
    expect(received.map((m) => m.type === 'ws.message' && m.length)).toEqual([2000]);
  });

  test.each([
    ['a window outside 8-15', 'deflate: { serverMaxWindowBits: 16 }', 'serverMaxWindowBits'],
    ['an unknown parameter', 'deflate: { window: 9 }', 'window'],
    ['a negative threshold', 'deflate: { threshold: -1 }', 'threshold'],
    ['not a map or a boolean', 'deflate: yes please', 'deflate'],
  ])('%s is refused with its place in the file', (_why, field, names) => {
    const source = `name: t\nendpoints:\n  client: { ${field} }\n`;
    let error: unknown;
    try {
      parseScenario(source, 'broken.yaml');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ScenarioErrors);
    const first = (error as ScenarioErrors).errors[0]!;
    expect(first.location.line).toBe(3);
    expect(first.message).toContain(names);
  });
});
